"""The one JSON Lines schema: what `export_articles` writes and `import_articles` reads.

Every field an article has is either in `FIELDS` (written by export, read back by
import, so a round trip into an empty database keeps it) or in `DERIVED_FIELDS`
(recomputed from the others whenever an article is stored, so never in the file).
`tests/ingest/test_schema.py` fails when a field of `Article` is in neither:
a change that adds a field extends this schema (export in `record()`, import in
`ingest.importers.jsonl.from_fields` and `saving._BatchSaver.build`) or says
below why the field is derived.

Besides fields, an article has rows of its own in other tables; those that are
content (its corrections, its old addresses) are lists in the file
(`ingest.importers.related`), and the others are listed in `DERIVED_FIELDS` too.

Keys are named as the model's fields. Four take another shape in the file:
`tags` is a list of tag names, `author` the desk account's username, `authors`
the byline's profiles as `{"name", "slug"}` in order, and
`lead_image` (an uploaded image) its absolute URL, built from `SITE_URL`
(`ingest.importers.media` writes the files beside the export and takes them back).
"""

from articles.models import Article
from ingest.importers.media import exported_url
from ingest.importers.records import NATIVE_PREFIX
from ingest.importers.related import (
    exported_corrections,
    exported_old_addresses,
    exported_redirects,
)

FIELDS = (
    "import_ref",
    "slug",
    "headline",
    "standfirst",
    "summary",
    "summary_generated",
    "body",
    "tags",
    "byline",
    "source_name",
    "source_url",
    "canonical_url",
    "status",
    "published_at",
    "first_published_at",
    "modified_at",
    "created_at",
    "updated_at",
    "lead_image",
    "lead_image_url",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "author",
    "corrections",
    "redirects",
    "old_addresses",
    "authors",
)

# Model fields that are not in the file, and why: each is rebuilt when the article
# is stored, from fields that are. (PostgreSQL's search vector is a column the
# model does not declare; it too is computed from the article's text.)
DERIVED_FIELDS = {
    "id": "the database's own key: an article's identity travels as import_ref and slug",
    "body_text": "the sanitized body's plain text (articles.content.process)",
    "tag_names": "the tags' names, copied onto the row for search (articles.search)",
    "lead_image_renditions": "resized copies of the uploaded image, made when it is stored",
    "listings": "PostgreSQL's copy of the article's tag links, kept by triggers",
    # Not derived but desk work in progress, not the story: an In review article
    # travels with its status; the notes and a pending change stay at the desk.
    "review_notes": "an editor's notes to the author from review (editorial.review)",
    "pending_change": "an editor's unpublished edits to a live story (editorial.pending)",
    "version": "this database's count of saves, for the desk's conflict check; starts afresh",
    "import_run": "which of this site's import runs last wrote the article: its own record",
    "changed_at": "when this database last wrote the row, for the API's change feed; an "
    "import is a write, so it is the import's own time",
    "trashed_at": "the trash is this site's waiting room before deletion: not exported",
    "trashed_by": "the trash is this site's waiting room before deletion: not exported",
    "bylines": "the rows behind `authors`, which the file carries as names and slugs",
    "feature": "a front-page pin: this site's editors' choice for a time, not the story's",
}


def record(article: Article) -> dict:
    """One article in the schema. `article` comes from `exportable()`."""
    return {
        "import_ref": article.import_ref or NATIVE_PREFIX + article.slug,
        "slug": article.slug,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "summary": article.summary,
        "summary_generated": article.summary_generated,
        "body": article.body,
        "tags": sorted(tag.name for tag in article.tags.all()),
        "byline": article.byline,
        "source_name": article.source_name,
        "source_url": article.source_url,
        "canonical_url": article.canonical_url,
        "status": article.status,
        "published_at": article.published_at.isoformat(),
        "first_published_at": iso(article.first_published_at),
        "modified_at": iso(article.modified_at),
        "created_at": article.created_at.isoformat(),
        "updated_at": article.updated_at.isoformat(),
        "lead_image": exported_url(article),
        "lead_image_url": article.lead_image_url,
        "lead_image_alt": article.lead_image_alt,
        "lead_image_caption": article.lead_image_caption,
        "lead_image_credit": article.lead_image_credit,
        "author": article.author_username or "",
        "corrections": exported_corrections(article),
        "redirects": exported_redirects(article),
        "old_addresses": exported_old_addresses(article),
        "authors": [{"name": a.name, "slug": a.slug} for a in article.author_list],
    }


def iso(value) -> str | None:
    return value.isoformat() if value else None
