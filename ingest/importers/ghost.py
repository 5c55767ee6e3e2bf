"""Ghost exports, Ghost 2 to 5: the JSON file Settings → Labs → Export writes.

The file is `{"db": [{"meta": {...}, "data": {...}}]}` (the inner object alone, as
some tools write it, is read too); `data` holds the tables: `posts`, `tags`,
`posts_tags`, `users`, `posts_authors` and, from Ghost 3, `posts_meta`.

Mapping, posts only (`type` "post"; Ghost 2 marks pages with `page`):
- `import_ref`: `ghost:<site>:<post id>`. The export does not say where the site
  was, so `<site>` is the address given with `--site-url` (else this site's
  `SITE_URL`: a newsroom moving in usually keeps its address), without scheme or
  trailing slash, as WordPress's is. The same site exported twice gives one
  article per post.
- `headline`: `title`; `slug`: `slug`; `standfirst`: `custom_excerpt`; `body`:
  `html` (every Ghost keeps it beside its editor's mobiledoc or lexical), else
  `plaintext` in paragraphs. Links and images relative to the site, and Ghost 4+'s
  `__GHOST_URL__` placeholder, are made absolute on the site's address.
- `tags`: the post's tags in their order (`posts_tags.sort_order`); Ghost's
  internal tags (`#name`, visibility "internal") are theme switches, not topics,
  and are left out.
- authors: the post's users in order (`posts_authors`, else Ghost 2's
  `author_id`), as author profiles matched by slug and created with their name,
  bio and website when missing (`ingest.importers.authors`).
- status: "published" → published at `published_at`; "scheduled" → published at
  its future `published_at` (scheduled here too); "draft" → draft.
- `canonical_url`: kept (`Article.canonical_url`). Lead image: `feature_image`
  by URL, its alt text and caption from `posts_meta` (Ghost 5) or the post.
- old address: `/<slug>/` under the site's path (Ghost's default permalink).
Reported, not imported: pages, posts only members may read (`visibility` other
than "public": publishing them here would give away what readers pay for), and
Ghost 5's email-only posts (status "sent"), which never had a page.

Dates are ISO 8601 (Ghost 1+) or milliseconds since the epoch (older exports).
"""

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify

from articles.addresses import address_key
from articles.models import Article
from articles.sanitize import inline_text
from ingest.importers import json_document
from ingest.importers.lead_images import lead_image
from ingest.importers.records import (
    FormatError,
    ImportedArticle,
    Rejection,
    Skipped,
    source_slug,
)
from ingest.importers.untitled import made_headline

PLACEHOLDER = "__GHOST_URL__"
STATUSES = {
    "published": Article.Status.PUBLISHED,
    "scheduled": Article.Status.PUBLISHED,  # with its future time: scheduled here
    "draft": Article.Status.DRAFT,
}
# href="/…" and src="/…" (not protocol-relative "//…"): addresses on the site.
_SITE_RELATIVE = re.compile(r"""(\s(?:href|src)=["'])/(?!/)""", re.I)
_PARAGRAPHS = re.compile(r"\n\s*\n")
_validate_url = URLValidator(schemes=["http", "https"])


def is_ghost_export(document: Any) -> bool:
    return data_of(document) is not None


def data_of(document: Any) -> dict | None:
    """The export's tables, from `db[0].data` or a bare `data` beside `meta`."""
    if isinstance(document, dict) and isinstance(document.get("db"), list) and document["db"]:
        document = document["db"][0]
    if not isinstance(document, dict) or not isinstance(document.get("meta"), dict):
        return None
    data = document.get("data")
    if isinstance(data, dict) and isinstance(data.get("posts"), list):
        return data
    return None


def load(fp: BinaryIO) -> dict:
    data = data_of(json_document.load(fp))
    if data is None:
        raise FormatError("not a Ghost export: it has no db[0].data.posts")
    return data


def check(fp: BinaryIO, site_url: str = "") -> None:
    load(fp)
    Site(site_url)


class Site:
    """The Ghost site's address: its articles' identity, and what relative URLs mean."""

    def __init__(self, url: str = ""):
        url = (url or settings.SITE_URL).strip().rstrip("/")
        try:
            _validate_url(url)
        except ValidationError:
            raise FormatError(f"--site-url {url}: not an http(s) address") from None
        self.url = url
        self.path = urlsplit(url).path  # a site in a folder: "/blog"
        self.origin = url.removesuffix(self.path)  # scheme and host
        self.name = re.sub(r"^[a-z]+://", "", url)

    def absolute(self, value: str) -> str:
        """A URL from the export, absolute: the placeholder or a path made the site's."""
        value = value.strip().replace(PLACEHOLDER, self.url)
        if value.startswith("/") and not value.startswith("//"):
            value = self.origin + value
        return value

    def absolute_html(self, body: str) -> str:
        body = body.replace(PLACEHOLDER, self.url)
        return _SITE_RELATIVE.sub(lambda match: match.group(1) + self.origin + "/", body)


def parse(fp: BinaryIO, site_url: str = "") -> Iterator[ImportedArticle | Rejection | Skipped]:
    data = load(fp)
    site = Site(site_url)
    tables = Tables(data)
    for number, post in enumerate(data["posts"], 1):
        if not isinstance(post, dict):
            yield Rejection(number, "", "not a JSON object", raw=post)
            continue
        yield from_post(number, post, site, tables)


class Tables:
    """The export's tables a post is joined with, indexed by post id."""

    def __init__(self, data: dict):
        self.tags = {row.get("id"): row for row in rows(data, "tags")}
        self.users = {row.get("id"): row for row in rows(data, "users")}
        self.meta = {row.get("post_id"): row for row in rows(data, "posts_meta")}
        self.post_tags = joined(rows(data, "posts_tags"), "tag_id")
        self.post_authors = joined(rows(data, "posts_authors"), "author_id")


def rows(data: dict, table: str) -> list[dict]:
    return [row for row in data.get(table) or [] if isinstance(row, dict)]


def joined(links: list[dict], key: str) -> dict[Any, list]:
    """A link table's ids per post, in its sort order."""
    by_post: dict[Any, list] = {}
    ordered = sorted(links, key=lambda row: row.get("sort_order") or 0)
    for row in ordered:
        by_post.setdefault(row.get("post_id"), []).append(row.get(key))
    return by_post


def from_post(
    number: int, post: dict, site: Site, tables: Tables
) -> ImportedArticle | Rejection | Skipped:
    kind = post.get("type") or ("page" if post.get("page") in (True, 1, "1") else "post")
    if kind != "post":
        return Skipped(number, str(kind))
    status = post.get("status")
    if status == "sent":
        return Skipped(number, "email-only post")
    if status not in STATUSES:
        return Skipped(number, f"{status} post")
    if (post.get("visibility") or "public") != "public":
        return Skipped(number, "members-only post")
    raw = {key: post.get(key) for key in ("id", "slug", "title", "status")}

    def reject(field: str, reason: str) -> Rejection:
        return Rejection(number, field, reason, raw=raw)

    post_id = str(post.get("id") or "").strip()
    if not post_id:
        return reject("import_ref", "post has no id")
    try:
        published_at = ghost_time(post.get("published_at"))
    except (TypeError, ValueError, OverflowError):
        return reject("published_at", f"cannot read the date {post.get('published_at')!r}")
    body = site.absolute_html(text(post.get("html"))) or paragraphs(text(post.get("plaintext")))
    headline = " ".join(text(post.get("title")).split())
    slug = source_slug(text(post.get("slug")))
    meta = tables.meta.get(post.get("id")) or {}
    image = lead_image(
        site.absolute(text(post.get("feature_image"))),
        alt=text(meta.get("feature_image_alt") or post.get("feature_image_alt")),
        caption=text(meta.get("feature_image_caption") or post.get("feature_image_caption")),
    )
    return ImportedArticle(
        record=number,
        import_ref=f"ghost:{site.name}:{post_id}",
        headline=headline or made_headline(body, published_at),
        untitled=not headline,
        slug=slug,
        standfirst=inline_text(text(post.get("custom_excerpt"))),
        body=body,
        tags=tag_names(post, tables),
        authors=authors(post, tables),
        status=STATUSES[status],
        published_at=published_at,
        canonical_url=site.absolute(text(post.get("canonical_url"))),
        lead_image=image,
        old_addresses=[address_key(f"{site.path}/{slug}/")] if slug else None,
        raw=raw,
    )


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def paragraphs(value: str) -> str:
    parts = (p.strip() for p in _PARAGRAPHS.split(value))
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts if p)


def ghost_time(value: Any) -> datetime | None:
    """ISO 8601 (Ghost 1+), or milliseconds since the epoch (older exports)."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return datetime.fromisoformat(str(value).strip())


def tag_names(post: dict, tables: Tables) -> list[str]:
    names: list[str] = []
    for tag_id in tables.post_tags.get(post.get("id"), []):
        tag = tables.tags.get(tag_id) or {}
        name = " ".join(text(tag.get("name")).split())
        if not name or name.startswith("#") or tag.get("visibility") == "internal":
            continue
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def authors(post: dict, tables: Tables) -> list[dict] | None:
    """The post's users as author profiles ({"name", "slug", "bio", "website"}), in order."""
    ids = tables.post_authors.get(post.get("id")) or (
        [post["author_id"]] if post.get("author_id") else []
    )
    found = []
    for user_id in ids:
        user = tables.users.get(user_id) or {}
        name = " ".join(text(user.get("name")).split())[:200]
        slug = source_slug(text(user.get("slug")))[:100] or slugify(name)[:100]
        if not (name and slug) or slug in {a["slug"] for a in found}:
            continue
        website = text(user.get("website")).strip()
        found.append(
            {
                "name": name,
                "slug": slug,
                "bio": inline_text(text(user.get("bio"))),
                "website": website if is_url(website) else "",
            }
        )
    return found or None


def is_url(value: str) -> bool:
    try:
        _validate_url(value)
    except ValidationError:
        return False
    return len(value) <= 500
