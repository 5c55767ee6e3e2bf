"""One place processes an article for storage.

`Article.save()` calls `process()`, and bulk paths (imports, demo content) call it
for every record before `bulk_create`/`bulk_update`, so the admin, the importers
and the shell cannot disagree, and nothing is computed per request.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from articles.images import process_lead_image
from articles.sanitize import clean_html, html_to_text
from articles.summarizer import generate_summary
from newsroom.routers import primary_reads

SLUG_MAX_LENGTH = 255
# Tries at a free slug when concurrent saves keep taking the one just chosen.
SLUG_ATTEMPTS = 5


def process(article, *, summarize: bool = True, cleaned: tuple[str, str] | None = None) -> None:
    """Sanitize the body, derive plain text, summary and slug, in place.

    With `summarize=False` a summary due to be generated is left empty (pending):
    bulk paths store many articles first and generate their summaries afterwards
    on every core (editorial/backfill.py), since that costs more than the rest.
    `cleaned` is `clean_body(article.body)` when the caller has it already (imports
    compute it in worker processes).
    A newly uploaded lead image is re-encoded and its renditions stored here too,
    and a published article gets its first publication time if it has none.
    """
    article.body, article.body_text = cleaned or clean_body(article.body)
    article.summary = (article.summary or "").strip()
    if wants_generated_summary(article):
        article.summary = generated_summary(article) if summarize else ""
        article.summary_generated = bool(article.summary)
    if not article.slug:
        article.slug = unique_slug(article)
    process_lead_image(article)
    settle_first_publication(article)


def clean_body(html: str) -> tuple[str, str]:
    """The body's sanitized HTML and its plain text."""
    body = clean_html(html)
    return body, html_to_text(body)


def wants_generated_summary(article) -> bool:
    """A generated summary follows the body; an editor's is never touched."""
    return article.summary_generated or not article.summary


def generated_summary(article) -> str:
    return generate_summary(article.headline, article.body, article.body_text)


def reserved_slugs() -> frozenset[str]:
    """Addresses at the site's root (reader/urls.py, the admin): an article there
    would be hidden behind them."""
    return frozenset({"feed", "search", "corrections", settings.ADMIN_URL.strip("/").split("/")[0]})


def base_slug(headline: str) -> str:
    slug = slugify(headline, allow_unicode=True)[:200].strip("-") or "article"
    return f"{slug}-article" if slug in reserved_slugs() else slug


def unique_slug(article) -> str:
    """A slug from the headline, with a numeric suffix if another article has it."""
    slug = candidate = base_slug(article.headline)
    taken = type(article)._default_manager.exclude(pk=article.pk).filter(slug__startswith=slug)
    with primary_reads():  # a replica that lags would offer a slug already taken
        existing = set(taken.values_list("slug", flat=True))
    suffix = 2
    while candidate in existing:
        candidate = f"{slug}-{suffix}"
        suffix += 1
    return candidate


def is_slug_clash(error: IntegrityError, model) -> bool:
    """Whether `error` is another `model` row holding the slug: a race for it lost."""
    table = model._meta.db_table
    diag = getattr(error.__cause__, "diag", None)
    if diag is not None:  # PostgreSQL names the table and the constraint
        return diag.table_name == table and "slug" in (diag.constraint_name or "")
    return f"{table}.slug" in str(error)  # SQLite names the column


def claiming_slugs(model, insert: Callable[[], None], choose_again: Callable[[], None]) -> None:
    """Run `insert` (of `model` rows); when a concurrent save took a slug chosen for it (between the
    look-up and the insert), `choose_again()` and retry, instead of failing.

    Each try runs in a savepoint, so a failed one leaves the caller's transaction usable.
    """
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                insert()
            return
        except IntegrityError as error:
            if attempt == SLUG_ATTEMPTS or not is_slug_clash(error, model):
                raise
            choose_again()


def settle_first_publication(article) -> None:
    """Keep `first_published_at` true for writes that set status and date directly
    (imports, demo content): a published article was first public at its date
    unless it already has a first publication."""
    if article.status == article.Status.PUBLISHED and article.first_published_at is None:
        article.first_published_at = article.published_at
