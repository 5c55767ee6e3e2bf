"""One place prepares an article for storage.

`Article.save()` calls `prepare()`, and bulk paths (imports, demo content) call it
for every record before `bulk_create`/`bulk_update`, so the admin, the importers
and the shell cannot disagree, and nothing is computed per request.
"""

from django.conf import settings
from django.utils.text import slugify

from articles.images import prepare_lead_image
from articles.sanitize import clean_html, html_to_text
from articles.summaries import generate_summary

SLUG_MAX_LENGTH = 255


def prepare(article) -> None:
    """Sanitize the body, derive plain text, summary and slug, in place.

    A newly uploaded lead image is re-encoded and its renditions stored here too.
    """
    article.body = clean_html(article.body)
    article.body_text = html_to_text(article.body)
    article.summary = (article.summary or "").strip()
    if article.summary_generated or not article.summary:
        # A generated summary follows the body; an editor's is never touched.
        article.summary = generate_summary(article.headline, article.body, article.body_text)
        article.summary_generated = bool(article.summary)
    if not article.slug:
        article.slug = unique_slug(article)
    prepare_lead_image(article)


def reserved_slugs() -> frozenset[str]:
    """Addresses at the site's root (articles/urls.py, the admin): an article there
    would be hidden behind them."""
    return frozenset({"feed", "search", settings.ADMIN_URL.strip("/").split("/")[0]})


def base_slug(headline: str) -> str:
    slug = slugify(headline, allow_unicode=True)[:200].strip("-") or "article"
    return f"{slug}-article" if slug in reserved_slugs() else slug


def unique_slug(article) -> str:
    """A slug from the headline, with a numeric suffix if another article has it."""
    from articles.models import Article

    slug = candidate = base_slug(article.headline)
    taken = Article.objects.exclude(pk=article.pk).filter(slug__startswith=slug)
    existing = set(taken.values_list("slug", flat=True))
    suffix = 2
    while candidate in existing:
        candidate = f"{slug}-{suffix}"
        suffix += 1
    return candidate
