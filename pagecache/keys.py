"""Surrogate keys: what a public response depends on, declared by the view that makes it.

An HTTP cache (Varnish with vmod xkey, a CDN) files each response under the keys in
its header, and a change purges the keys it touches (pagecache.purges says which);
the embedded Django-side cache (pagecache.caching) files its entries the same way.
The names are shared with the content API:

- `article:<id>`  a story: its own page, and every response listing or linking it
                  (lists, feeds, its neighbours' Previous/Next, related stories);
- `neighbours:<id>` which stories are a story's Previous and Next (its own page);
- `tag:<id>`      a tag: its name, and which stories it lists in what order;
- `author:<id>`   an author: the profile, and which stories it lists;
- `list:newest`   the public order: anything published, scheduled, moved or taken down;
- `front`         the editors' pins on the front page;
- `sections`      the header's sections (every HTML page shows them);
- `any`           responses depending on every change (search, sitemaps, corrections);
- `all`           every response: a bulk load that does not say what it wrote purges it.

No key is recorded as a side effect of loading a row or rendering a template: a
view computes its keys from what it renders, and `declare()` puts them on the response.
"""

from collections.abc import Iterable
from functools import wraps

from django.conf import settings

NEWEST = "list:newest"
FRONT = "front"
SECTIONS = "sections"
ANY = "any"
ALL = "all"


def article(pk) -> str:
    return f"article:{pk}"


def neighbours(pk) -> str:
    return f"neighbours:{pk}"


def tag(pk) -> str:
    return f"tag:{pk}"


def author(pk) -> str:
    return f"author:{pk}"


def shown(articles: Iterable) -> list[str]:
    """What showing these stories depends on: each story, and the tags and authors
    its query carried along for the page to render (Article.tag_list, author_list);
    links a query did not carry cost a query each, so no page renders them."""
    keys = []
    for item in articles:
        keys.append(article(item.pk))
        if "tag_links" in item.__dict__ or "tag_list" in item.__dict__:
            keys += [tag(t.pk) for t in item.tag_list]
        if "author_links" in item.__dict__ or "author_list" in item.__dict__:
            keys += [author(a.pk) for a in item.author_list]
    return keys


def header_name() -> str:
    """`xkey` for Varnish, `Surrogate-Key` for Fastly, `Cache-Tag` for Cloudflare."""
    return settings.PAGE_CACHE_KEY_HEADER


def declare(response, keys: Iterable[str]):
    """Put `keys` (and `all`) on `response`, once each, in their first order."""
    unique = dict.fromkeys([*keys, ALL])
    separator = "," if header_name().lower() == "cache-tag" else " "
    response[header_name()] = separator.join(unique)
    return response


def declared(response) -> list[str]:
    """The keys a response declared (empty when it declared none)."""
    value = response.get(header_name(), "")
    return value.replace(",", " ").split()


def declares(*view_keys: str):
    """A view decorator for responses whose keys are fixed: those that depend on
    every change (`any`: sitemaps, corrections' feeds) or on nothing but a deploy."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return declare(view(request, *args, **kwargs), view_keys)

        return wrapper

    return decorate
