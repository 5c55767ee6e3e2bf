"""The one fallback for old addresses: a view addressed by a slug answers an old
slug with a 301 to the current one, and a trashed story's address with 410 Gone.
An imported article's address on its old site answers the same way: on the
article route's 404, at the last route (`old_address()`, for addresses of several
parts such as `/2007/04/11/post-name/`), and on the front page for WordPress's
`/?p=<id>` (`imported_target()`).

The bookkeeping (which old slugs and addresses lead where) is the models'
(articles.models.redirect). As django.contrib.redirects' middleware answers a 404
by looking up an old path, a live address costs nothing: an old address is looked
up only where the site has no page, so it never shadows one.
"""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from articles.addresses import address_key
from articles.models import OldAddress


def follow_old_slugs(redirects, *, gone=None, imported=False):
    """Wrap a view addressed by `slug`: on a 404, an old slug that `redirects`
    (ArticleRedirect or TagRedirect) knows is answered with a 301 to the same view
    at the current slug; with `imported`, so is an imported article's old address
    (`/<slug>/` on its old site); else, when `gone(slug)` says the address's owner
    is in the trash, with 410 Gone; else the 404 stands."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, slug, **kwargs):
            try:
                return view(request, slug=slug, **kwargs)
            except Http404:
                owner = redirects.target(slug, request)
                if owner is not None:
                    name = request.resolver_match.view_name
                    return redirect(name, slug=owner.slug, **kwargs, permanent=True)
                if imported and (article := imported_target(request, request.path_info)):
                    return redirect(article, permanent=True)
                if gone is not None and gone(slug):
                    return TemplateResponse(request, "410.html", status=410)
                raise

        return wrapper

    return decorate


def imported_target(request, path: str, post_id: str = ""):
    """The visible article imported from `path` (with WordPress's `?p=<id>`), or None."""
    return OldAddress.target(address_key(path, post_id if post_id.isdigit() else ""), request)


def old_address(request, path):
    """The last route: an address no page answers may be an imported article's old one."""
    article = imported_target(request, path)
    if article is None:
        raise Http404("No page at this address.")
    return redirect(article, permanent=True)
