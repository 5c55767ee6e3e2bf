"""Search over published articles: headline, standfirst, summary, tags and body.

PostgreSQL: full-text search on a stored, weighted `search_vector` column (headline
A, standfirst and summary B, tag names C, body D) behind a GIN index, kept up to
date by a database trigger (articles/search_vector.sql); the query is read with
websearch_to_tsquery ("quoted phrases", -exclusions, or), ranked with ts_rank
and highlighted with ts_headline.

SQLite: the same interface with a simpler fallback. Every word or "phrase" must
appear (case-insensitively, as a substring) in one of the fields, -excluded ones
must not; headline matches come first, then the newest.

The trigger sees only the article's own row, so `tag_names` carries the tags'
names onto it. Signals keep it current when tags change; bulk paths that write
the tag links themselves (demo content, importers) call refresh_search_index().
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import batched

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import MAX_PAGES, Article, Tag

SEARCH_CONFIG = "english"  # articles/search_vector.sql names it (a test checks)
MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
CANDIDATES = MAX_PAGES * RESULTS_PER_PAGE  # all a reader can page through
SNIPPET_WORDS = 35
# Private-use characters mark highlights in plain text until it has been escaped.
MARK_START, MARK_STOP = "\ue000", "\ue001"
FALLBACK_FIELDS = ["headline", "standfirst", "summary", "tag_names", "body_text"]
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class ParsedQuery:
    """What a reader typed, made safe, plus its words and phrases for the fallback."""

    text: str = ""
    truncated: bool = False
    terms: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, raw: str) -> "ParsedQuery":
        # PostgreSQL rejects NUL in text; the markers are ours alone.
        text = re.sub(f"[\x00{MARK_START}{MARK_STOP}]", "", raw or "")
        text = " ".join(text.split())
        truncated = len(text) > MAX_QUERY_LENGTH
        if truncated:
            text = text[:MAX_QUERY_LENGTH].rstrip()
        query = cls(text=text, truncated=truncated)
        for sign, phrase, word in _TOKEN.findall(text):
            if phrase or sign:
                term, negate = " ".join(phrase.split()), bool(sign)
            elif word.startswith("-") and len(word) > 1:
                term, negate = word[1:], True
            else:
                term, negate = word, False
            if re.search(r"\w", term):  # punctuation alone is not a search
                (query.excluded if negate else query.terms).append(term)
        return query

    def __bool__(self):
        """Searchable: something to look for, not only things to leave out."""
        return bool(self.terms)


def search_articles(query: ParsedQuery):
    """Published articles matching `query`, best first; each has a `snippet_text`."""
    if not query:
        return Article.objects.none()
    if connection.vendor == "postgresql":
        return _full_text_search(query)
    return _fallback_search(query)


def _search_vector():
    # The column is PostgreSQL-only, so it is not a model field (see the migration).
    # Unqualified: inside a subquery the table goes by another alias, and no other
    # table a search query reads has a column of this name.
    return RawSQL("search_vector", [], output_field=SearchVectorField())


def _ts_query(query: ParsedQuery):
    return SearchQuery(query.text, search_type="websearch", config=SEARCH_CONFIG)


def full_text_match(articles, query: ParsedQuery, also: Q | None = None):
    """`articles` whose stored search vector matches `query` (PostgreSQL only), or
    that match `also` (the desk's byline and author look-up).

    The GIN index answers this whatever the table's size; the admin's change list
    uses it too, where a LIKE over every body would read the whole table.
    """
    match = Q(search_vector=_ts_query(query))
    return articles.alias(search_vector=_search_vector()).filter(match | also if also else match)


def _full_text_search(query: ParsedQuery):
    """The newest CANDIDATES matches, ranked among themselves.

    Ranking reads every candidate's stored vector, so ranking all matches of a
    common word grows with the archive. Readers page through at most CANDIDATES
    results anyway, and the newest of them is what a news site's search is for;
    PostgreSQL picks them from the GIN index or by walking the date index, whichever
    the word's frequency favours.
    """
    ts_query = _ts_query(query)
    # Fetched once, here: as a subquery the page and its count each ran it again.
    newest = list(
        full_text_match(Article.objects.published(), query)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:CANDIDATES]
    )
    return (
        Article.objects.published()
        .filter(pk__in=newest)
        .annotate(
            rank=SearchRank(_search_vector(), ts_query),
            snippet_text=SearchHeadline(
                "body_text",
                ts_query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=SNIPPET_WORDS,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def matching(articles, query: ParsedQuery):
    """`articles` that match `query`, in no order of their own (the API lists them
    newest first): the full-text index on PostgreSQL, the fallback's rule elsewhere."""
    if connection.vendor == "postgresql":
        return full_text_match(articles, query)
    return _fallback_match(articles, query)


def _fallback_match(articles, query: ParsedQuery):
    def anywhere(term):
        return Q.create([(f"{name}__icontains", term) for name in FALLBACK_FIELDS], Q.OR)

    for term in query.terms:
        articles = articles.filter(anywhere(term))
    for term in query.excluded:
        articles = articles.exclude(anywhere(term))
    return articles


def _fallback_search(query: ParsedQuery):
    articles = _fallback_match(Article.objects.published(), query)
    headline_hits = sum(
        (
            Case(When(headline__icontains=term, then=Value(1)), default=Value(0))
            for term in query.terms
        ),
        start=Value(0, output_field=IntegerField()),
    )
    return articles.annotate(headline_hits=headline_hits).order_by(
        "-headline_hits", "-published_at", "-pk"
    )


def snippet(article: Article, query: ParsedQuery) -> SafeString:
    """HTML for a result's snippet: escaped text with the matches in <mark>."""
    text = getattr(article, "snippet_text", None)
    if text is None:  # the fallback highlights in Python
        text = fallback_snippet(article.body_text or article.summary, query.terms)
    return render_marks(text)


def fallback_snippet(text: str, terms: list[str]) -> str:
    """About SNIPPET_WORDS words of `text` around the first match, matches marked."""
    words = text.split()
    if not words:
        return ""
    flat = " ".join(words)
    positions = [p for term in terms if (p := flat.lower().find(term.lower())) >= 0]
    first = len(flat[: min(positions)].split()) if positions else 0
    start = max(0, first - SNIPPET_WORDS // 3)
    excerpt = " ".join(words[start : start + SNIPPET_WORDS])
    if terms:
        pattern = re.compile(
            "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I
        )
        excerpt = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_STOP}", excerpt)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return f"{prefix}{excerpt}{suffix}"


def render_marks(text: str) -> SafeString:
    """Escape `text`, then turn the markers into balanced <mark> elements."""
    parts = re.split(f"([{MARK_START}{MARK_STOP}])", text or "")
    html, open_mark = [], False
    for part in parts:
        if part == MARK_START and not open_mark:
            html.append("<mark>")
            open_mark = True
        elif part == MARK_STOP and open_mark:
            html.append("</mark>")
            open_mark = False
        elif part not in (MARK_START, MARK_STOP):
            html.append(escape(part))
    if open_mark:
        html.append("</mark>")
    return mark_safe("".join(html))


# Keeping tag names on the article ------------------------------------------------


def tag_names_text(names: Iterable[str]) -> str:
    """The `tag_names` value for these tag names (bulk paths may set it before insert)."""
    return " ".join(sorted(set(names)))


def refresh_search_index(ids: Iterable[int] | None = None, batch_size: int = 2000) -> int:
    """Recompute `tag_names` for these articles (every article when ids is None).

    On PostgreSQL the trigger then recomputes `search_vector` for the rows whose
    text changed. Call it after writing tag links in bulk. Returns how many
    articles changed.
    """
    if ids is None:
        ids = Article.objects.order_by("pk").values_list("pk", flat=True)
    links = Article.tags.through.objects
    changed = 0
    for chunk in batched(ids, batch_size, strict=False):
        names = defaultdict(list)
        for article_id, name in links.filter(article_id__in=chunk).values_list(
            "article_id", "tag__name"
        ):
            names[article_id].append(name)
        stale = [
            Article(pk=pk, tag_names=fresh)
            for pk, current in Article.objects.filter(pk__in=chunk).values_list("pk", "tag_names")
            if (fresh := tag_names_text(names[pk])) != current
        ]
        Article.objects.bulk_update(stale, ["tag_names"])
        changed += len(stale)
    return changed


# Inside a transaction (SET LOCAL), articles written with an empty summary get no
# search vector yet: the summary backfill computes it (articles/search_vector.sql).
DEFER_VECTORS_SQL = "SET LOCAL newsroom.defer_search_vector = 'on'"
END_DEFERRAL_SQL = "SET LOCAL newsroom.defer_search_vector = 'off'"


def index_pending(ids: list[int]) -> None:
    """Compute the search vectors an import deferred, for these articles."""
    if connection.vendor == "postgresql" and ids:
        with connection.cursor() as cursor:
            # Setting NULL fires the trigger, which computes the vector.
            cursor.execute(
                f"UPDATE {Article._meta.db_table} SET search_vector = NULL"
                " WHERE id = ANY(%s) AND search_vector IS NULL",
                [ids],
            )


def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed on Article.tags, from either side."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            refresh_search_index([instance.pk])
    elif action == "pre_clear":
        instance._search_article_ids = list(instance.articles.values_list("pk", flat=True))
    elif action == "post_clear":
        refresh_search_index(getattr(instance, "_search_article_ids", []))
    elif action in ("post_add", "post_remove"):
        refresh_search_index(pk_set)


def tag_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:  # a renamed tag renames itself on its articles
        refresh_search_index(list(instance.articles.values_list("pk", flat=True)))


def tag_deleting(sender, instance, **kwargs):
    instance._search_article_ids = list(instance.articles.values_list("pk", flat=True))


def tag_deleted(sender, instance, **kwargs):
    refresh_search_index(getattr(instance, "_search_article_ids", []))


def connect_signals():
    m2m_changed.connect(tags_changed, sender=Article.tags.through, dispatch_uid="search_tags")
    post_save.connect(tag_saved, sender=Tag, dispatch_uid="search_tag_saved")
    pre_delete.connect(tag_deleting, sender=Tag, dispatch_uid="search_tag_deleting")
    post_delete.connect(tag_deleted, sender=Tag, dispatch_uid="search_tag_deleted")
