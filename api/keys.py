"""Surrogate keys: what each API answer depends on, declared in its `xkey` header.

The HTTP cache in front (Varnish with vmod xkey) files an answer under these keys,
and a change purges the keys it touches, so cached API answers go with the pages
that show the same things (PRODUCT.md, "What readers see, and how it is cached").
The key names and `declare()` are the page cache's (pagecache.keys): `article:<id>`,
`neighbours:<id>`, `tag:<id>`, `author:<id>`, `list:newest` (the public order:
anything published, moved or taken down) and `sections`, in the header the HTTP
cache in front reads (PAGE_CACHE_KEY_HEADER, `xkey` for Varnish). One function per
endpoint says which.
"""

from collections.abc import Iterable

from pagecache.keys import NEWEST, SECTIONS, article, author, declare, neighbours, tag

__all__ = ["declare"]


def shown(items: Iterable[dict]) -> list[str]:
    """What a list of stories shows: each story, its tags and its authors."""
    keys = []
    for item in items:
        keys.append(article(item["id"]))
        keys += [tag(link["id"]) for link in item["tags"]]
        keys += [author(link["id"]) for link in item["authors"]]
    return keys


def story_keys(item: dict) -> list[str]:
    """A story and the neighbours its Previous/Next links name. A story published,
    moved or taken down next to it purges its new and old neighbours' keys, as for
    the article pages."""
    linked = [article(link["id"]) for link in (item["previous"], item["next"]) if link]
    return [*shown([item]), neighbours(item["id"]), *linked]


def list_keys(items: list[dict], *, tag_id=None, author_id=None, section=False) -> list[str]:
    """A page of stories: each of them, and the listing it is a page of (a tag's, an
    author's, or the public order)."""
    listing = [NEWEST]
    if tag_id is not None:
        listing.append(tag(tag_id))
    if author_id is not None:
        listing.append(author(author_id))
    if section:
        listing.append(SECTIONS)
    return [*listing, *shown(items)]


def tags_keys(items: list[dict]) -> list[str]:
    return [tag(item["id"]) for item in items]


def authors_keys(items: list[dict]) -> list[str]:
    return [author(item["id"]) for item in items]


def sections_keys(items: list[dict]) -> list[str]:
    return [SECTIONS, *tags_keys(items)]


def changes_keys() -> list[str]:
    """The feed moves with every change; the public order's key is purged by most,
    and each answer names where to resume (api.views), so a late copy loses nothing."""
    return [NEWEST]
