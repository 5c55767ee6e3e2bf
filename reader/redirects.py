"""The one fallback for old addresses: a view addressed by a slug answers an old
slug with a 301 to the current one, and a trashed story's address with 410 Gone.

The bookkeeping (which old slugs lead where) is the models' (articles.models.redirect).
As django.contrib.redirects' middleware answers a 404 by looking up an old path, a
live address costs nothing.
"""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from articles.models import Article, ArticleRedirect


def follow_old_slugs(redirects, *, gone=None):
    """Wrap a view addressed by `slug`: on a 404, an old slug that `redirects`
    (ArticleRedirect or TagRedirect) knows is answered with a 301 to the same view
    at the current slug; else, when `gone(slug)` says the address's owner is in the
    trash, with 410 Gone; else the 404 stands."""

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
                if gone is not None and gone(slug):
                    return TemplateResponse(request, "410.html", status=410)
                raise

        return wrapper

    return decorate


def gone(slug: str) -> bool:
    """Whether an address was an article now in the trash, or one of its old slugs:
    readers get 410 Gone there rather than Not Found."""
    trashed = Article.objects.trashed()
    return (
        trashed.filter(slug=slug).exists()
        or ArticleRedirect.objects.filter(old_slug=slug, article__in=trashed).exists()
    )
