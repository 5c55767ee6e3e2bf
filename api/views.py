"""The content API, /api/v1/: read-only JSON for apps and partners (django-ninja).

Each endpoint reads its parameters (ninja checks types and ranges; api.params the
rest), runs its fixed few queries (api.queries), shapes the rows (api.shapes) and
answers through api.responses, which adds the validators, caching, CORS and the
surrogate keys api.keys names. Bodies are built here and returned as they are:
the schemas (api.schemas) document them without validating each answer again.
"""

import hashlib
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import default_storage
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI, Query, Swagger
from ninja.errors import ValidationError

from api import keys, params, queries, schemas, shapes
from api.responses import BadParameter, answer, bad_parameter, cors, error, moved, not_found

# A change's time is taken before its transaction commits, so a client polling in
# between would not see it yet and would then ask only for what came later. Each
# answer's `resume` therefore reaches back this far: longer than any write takes
# to commit (an import batch takes seconds).
SETTLE = timedelta(minutes=1)

ARTICLE_LIMIT = Query(20, ge=1, le=100, description="Stories per page.")
INDEX_LIMIT = Query(100, ge=1, le=1000, description="Items per page.")
CURSOR = Query(None, description="From the previous page's `next`; opaque.")


# The docs page's stylesheet draws its icons as data: images; the site's policy
# allows none (bodies' data: images are sanitized away). Nothing on this page comes
# from a writer, so these icons are allowed here, and nothing else.
DOCS_CSP = {**settings.SECURE_CSP, "img-src": [*settings.SECURE_CSP["img-src"], "data:"]}


def documents(view):
    """openapi.json and the docs page: public, cacheable, usable from any site."""

    @csp_override(DOCS_CSP)
    @wraps(view)
    def document(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        response["ETag"] = etag
        response["Cache-Control"] = f"public, max-age={settings.PAGE_CACHE_MAX_AGE}"
        return cors(get_conditional_response(request, etag=etag, response=response))

    return document


class Docs(Swagger):
    """Swagger UI from django-ninja's own files, which settings.STATICFILES_DIRS finds
    (ninja is not an installed app, so its page would load them from a CDN)."""

    def render_page(self, request, api, **kwargs):
        swagger = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": swagger})


api = NinjaAPI(
    title=f"{settings.SITE_NAME}: content API",
    version="1",
    description=(
        "Published stories, tags, authors and sections, read-only, and a change feed "
        "that reports what was published, updated or taken down. See the README's "
        "API section for how to keep a copy in sync."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs/",
    docs=Docs(),
    docs_decorator=documents,
)


def endpoint(path: str, **options):
    """A GET endpoint that answers HEAD too (the same headers, no body); HEAD is left
    out of the schema, where it would only repeat GET."""

    def register(view):
        api.api_operation(["HEAD"], path, include_in_schema=False)(view)
        return api.get(path, **options)(view)

    return register


@api.exception_handler(ValidationError)
def invalid_parameter(request, exc):
    """ninja's type and range checks, as our 400 naming the parameter."""
    first = exc.errors[0]
    location = [part for part in first.get("loc", ()) if part not in ("query", "path")]
    return bad_parameter(str(location[-1]) if location else "query", first["msg"] + ".")


@api.exception_handler(BadParameter)
def bad_input(request, exc):
    return bad_parameter(exc.parameter, exc.detail)


def address(request, **query) -> str:
    """This endpoint's absolute address with `query` (None values left out)."""
    query = {name: value for name, value in query.items() if value is not None}
    return shapes.site(request.path) + (f"?{urlencode(query)}" if query else "")


def freshness(rows: list, now) -> dict:
    """When the public content last changed and when the next scheduled story goes
    out, as the rows carry them, or read alone when there are none."""
    if rows:
        return {name: getattr(rows[0], name) for name in queries.FRESHNESS}
    return queries.archive_freshness(now)


def answer_with(request, body, *, keys, now, fresh: dict):
    changed = [fresh["last_published_change"], fresh["last_removal"]]
    return answer(
        request,
        body,
        keys=keys,
        now=now,
        last_modified=max((moment for moment in changed if moment), default=None),
        expires=fresh["next_scheduled"],
    )


ARTICLE_PARAMETERS = ("limit", "cursor", "tag", "author", "section", "q")


@endpoint(
    "/articles/",
    url_name="articles",
    summary="Published stories, newest first",
    response={200: schemas.ArticlePage, 400: schemas.Error},
)
def articles(
    request,
    limit: int = ARTICLE_LIMIT,
    cursor: str | None = CURSOR,
    tag: str | None = Query(None, description="A tag's slug."),
    author: str | None = Query(None, description="An author's slug."),
    section: str | None = Query(None, description="A section's slug."),
    q: str | None = Query(None, description="Words to look for, as the site's search reads them."),
):
    params.only(request, ARTICLE_PARAMETERS)
    now = timezone.now()
    if tag is not None and section is not None:
        raise BadParameter("section", "Give tag or section, not both.")
    tag_id = author_id = None
    if tag is not None and (tag_id := queries.tag_id(params.slug("tag", tag))) is None:
        raise BadParameter("tag", f"No tag “{tag}”; /api/v1/tags/ lists them.")
    if section is not None:
        if (tag_id := queries.tag_id(params.slug("section", section), section=True)) is None:
            raise BadParameter("section", f"No section “{section}”; /api/v1/sections/ lists them.")
    if (
        author is not None
        and (author_id := queries.author_id(params.slug("author", author))) is None
    ):
        raise BadParameter("author", f"No author “{author}”; /api/v1/authors/ lists them.")
    before = None
    if cursor is not None:
        at, pk = params.decode_cursor("articles", cursor, 2)
        before = (params.cursor_time(at), params.cursor_id(pk))
    query = params.search(q) if q is not None else None
    rows = queries.page(
        now=now, limit=limit + 1, tag=tag_id, author=author_id, before=before, query=query
    )
    shape = shapes.Shaper()
    items = [shape.list_item(article) for article in rows[:limit]]
    following = None
    if len(rows) > limit:
        last = rows[limit - 1]
        following = address(
            request,
            limit=limit if limit != ARTICLE_LIMIT.default else None,
            tag=tag,
            author=author,
            section=section,
            q=q,
            cursor=params.encode_cursor("articles", last.published_at.isoformat(), last.pk),
        )
    declared = keys.list_keys(
        items, tag_id=tag_id, author_id=author_id, section=section is not None
    )
    return answer_with(
        request,
        {"results": items, "next": following},
        keys=declared,
        now=now,
        fresh=freshness(rows, now),
    )


@endpoint(
    "/articles/{slug}/",
    url_name="story",
    summary="One published story",
    description="An old slug answers 301 to the story's address now; a story in the "
    "trash, 410; unknown, draft and scheduled stories, 404.",
    response={200: schemas.Story, 301: None, 404: schemas.Error, 410: schemas.Error},
)
def story(request, slug: str):
    params.only(request, ())
    now = timezone.now()
    article = queries.story(slug, now)
    if article is None:
        if (current := queries.story_redirect(slug)) is not None:
            return moved(shapes.Shaper().story_urls(current)["api_url"])
        if queries.story_gone(slug):
            return error(410, "gone", "This story was taken down.")
        return not_found("No published story at this address.")
    item = shapes.Shaper().story(article)
    fresh = {name: getattr(article, name) for name in queries.FRESHNESS}
    return answer_with(request, item, keys=keys.story_keys(item), now=now, fresh=fresh)


def index_page(request, name, read, shape, cursor, limit):
    """A page of tags or authors, by slug, each row made an item by `shape`."""
    after = params.decode_cursor(name, cursor, 1)[0] if cursor is not None else None
    rows = read(after=after, limit=limit + 1)
    items = [shape(row) for row in rows[:limit]]
    following = None
    if len(rows) > limit:
        following = address(
            request,
            limit=limit if limit != INDEX_LIMIT.default else None,
            cursor=params.encode_cursor(name, rows[limit - 1]["slug"]),
        )
    return {"results": items, "next": following}


@endpoint(
    "/tags/",
    url_name="tags",
    summary="Every tag, by slug",
    response={200: schemas.TagPage, 400: schemas.Error},
)
def tags(request, limit: int = INDEX_LIMIT, cursor: str | None = CURSOR):
    params.only(request, ("limit", "cursor"))
    body = index_page(request, "tags", queries.tags, shapes.Shaper().tag, cursor, limit)
    declared = keys.tags_keys(body["results"])
    return answer(request, body, keys=declared, now=timezone.now())


@endpoint(
    "/authors/",
    url_name="authors",
    summary="Every author profile, by slug",
    response={200: schemas.AuthorPage, 400: schemas.Error},
)
def authors(request, limit: int = INDEX_LIMIT, cursor: str | None = CURSOR):
    params.only(request, ("limit", "cursor"))

    shaper = shapes.Shaper()

    def shape(row):
        return shaper.author(row, default_storage.url)

    body = index_page(request, "authors", queries.authors, shape, cursor, limit)
    declared = keys.authors_keys(body["results"])
    return answer(request, body, keys=declared, now=timezone.now())


@endpoint(
    "/sections/",
    url_name="sections",
    summary="The sections, in the editors' order",
    response={200: schemas.Sections, 400: schemas.Error},
)
def sections(request):
    params.only(request, ())
    shape = shapes.Shaper()
    items = [shape.section(row) for row in queries.sections()]
    return answer(request, {"results": items}, keys=keys.sections_keys(items), now=timezone.now())


@endpoint(
    "/changes/",
    url_name="changes",
    summary="What was published, updated or taken down since a time",
    description="Oldest first. Keep following `next` while it is not null; later, "
    "poll `resume`. Apply each change idempotently: `published` and `updated` mean "
    "fetch `api_url` again, `removed` means drop the story.",
    response={200: schemas.Changes, 400: schemas.Error},
)
def changes(
    request,
    since: str = Query(..., description="ISO 8601 with offset, e.g. 2026-12-01T08:00:00Z."),
    limit: int = INDEX_LIMIT,
    cursor: str | None = CURSOR,
):
    params.only(request, ("since", "limit", "cursor"))
    now = timezone.now()
    start = params.time("since", since)
    after = None
    if cursor is not None:
        at, kind, row = params.decode_cursor("changes", cursor, 3)
        after = (params.cursor_time(at), params.cursor_id(kind), params.cursor_id(row))
    entries = queries.changes(now=now, since=start, after=after, limit=limit + 1)
    shape = shapes.Shaper()
    items = [shape.change(entry, start) for entry in entries[:limit]]
    shown_limit = limit if limit != INDEX_LIMIT.default else None
    following = None
    if len(entries) > limit:
        at, kind, row, *_ = entries[limit - 1]
        cursor = params.encode_cursor("changes", at.isoformat(), kind, row)
        following = address(request, since=since, limit=shown_limit, cursor=cursor)
    seen_until = entries[min(limit, len(entries)) - 1][0] if entries else now
    resume_at = max(start, min(seen_until, now - SETTLE))
    body = {
        "changes": items,
        "next": following,
        "resume": address(request, since=shapes.iso(resume_at), limit=shown_limit),
    }
    fresh = queries.archive_freshness(now)
    return answer_with(request, body, keys=keys.changes_keys(), now=now, fresh=fresh)


def index(request):
    """/api/v1/: where everything is, for a client (or a person) starting here."""
    names = {
        "articles": "articles",
        "tags": "tags",
        "authors": "authors",
        "sections": "sections",
        "changes": "changes",
        "openapi": "openapi-json",
        "docs": "openapi-view",
    }
    body = {key: shapes.site(reverse(f"api:{name}")) for key, name in names.items()}
    return answer(request, body, keys=[], now=timezone.now())


def unknown(request, path=""):
    """Any other address under /api/v1/: JSON, not the site's HTML 404 page."""
    return not_found()
