"""Authors for imported articles, and the bulk writer of bylines.

A byline (or feed `dc:creator`) becomes an author when it names exactly one
person who already has a profile here, matched by name without regard to case,
spacing or a leading "By". Anything else keeps the free-text byline: several
people ("Ann Reed and Ben Cole", "A, B"), agencies and desks ("Staff reporter"),
and names with no profile. Imports never create profiles from bylines: a wire
feed's bylines would fill the site with pages for people who do not write for
it; editors create a profile, and later imports name it.

Our own export carries `authors` explicitly (name and slug, in order); those are
matched by slug and created when missing, so a round trip keeps them. A Ghost
export names its posts' authors the same way, with their bio and website for
the profiles it creates.
"""

import re
from collections.abc import Iterable

from django.db import connection

from articles.models.author import ArticleAuthor, Author

# Words and marks that join several names in one byline.
SEVERAL = re.compile(r"\s(?:and|&|with)\s|[,;/+]|\band\b", re.IGNORECASE)
LEADING_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)


def name_key(name: str) -> str:
    return " ".join(LEADING_BY.sub("", name).split()).casefold()


class AuthorMatcher:
    """Maps bylines to author ids; the profiles are read once, on first use."""

    def __init__(self):
        self._by_name: dict[str, int | None] | None = None
        self._by_slug: dict[str, int] | None = None

    def by_name(self) -> dict[str, int | None]:
        if self._by_name is None:
            found: dict[str, int | None] = {}
            for pk, name in Author.objects.values_list("pk", "name"):
                key = name_key(name)
                # Two profiles with one name: ambiguous, so neither is chosen.
                found[key] = None if key in found else pk
            self._by_name = found
        return self._by_name

    def match(self, byline: str) -> int | None:
        """The id of the one author `byline` names, or None."""
        if not byline or SEVERAL.search(LEADING_BY.sub("", byline)):
            return None
        return self.by_name().get(name_key(byline))

    def from_export(self, authors: list[dict]) -> list[int]:
        """Ids for an export's `authors` (name and slug, perhaps bio and website),
        creating missing profiles."""
        if self._by_slug is None:
            self._by_slug = dict(Author.objects.values_list("slug", "pk"))
        ids = []
        for entry in authors:
            if entry["slug"] not in self._by_slug:
                author = Author.objects.create(
                    slug=entry["slug"],
                    name=entry["name"],
                    bio=entry.get("bio", ""),
                    website=entry.get("website", ""),
                )
                self._by_slug[author.slug] = author.pk
                self._by_name = None  # read again, with the new profile
            ids.append(self._by_slug[entry["slug"]])
        return ids

    def author_ids(self, byline: str, exported: list[dict] | None) -> list[int]:
        """The authors of an imported article: our export's list when it has one,
        else the one person its byline names, else none."""
        if exported is not None:
            return self.from_export(exported)
        found = self.match(byline)
        return [found] if found else []


def insert_author_links(links: Iterable[tuple[object, int, int]]) -> None:
    """Insert (article, author_id, position) bylines for articles just written:
    one COPY on PostgreSQL, bulk_create elsewhere."""
    links = list(links)
    if not links:
        return
    if connection.vendor != "postgresql":
        ArticleAuthor.objects.bulk_create(
            [ArticleAuthor(article_id=a.pk, author_id=i, position=p) for a, i, p in links]
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("article_id", "author_id", "position"))
    with connection.cursor() as cursor:
        table = quote(ArticleAuthor._meta.db_table)
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for article, author_id, position in links:
                copy.write_row((article.pk, author_id, position))
