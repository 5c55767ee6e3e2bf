"""Revisions: who changed an article, when, and what it was then.

Storage is django-reversion: a `reversion.models.Revision` is one change (who:
`user`, or for a command the `source` written into its comment; when:
`date_created`; what: `comment`), and a `reversion.models.Version` holds one
article's recorded fields as JSON, tags included. History is never rewritten:
restoring an old revision saves it as a new one.

A revision is always taken from the stored row (as the write left it, in the
writer's transaction), never from the object in hand: a form may have filled that
with values that did not go live (a pending change's). A pending change is its
own entry, marked "pending, not live" (`record_pending`).

Nothing stored is lost, whoever wrote it: before a change, `snapshot_unrecorded()`
records the stored state of an article whose row differs from its latest revision
(a script's plain save(), a raw SQL fix, an import, which keeps no copy of its
own: articles.models.ImportRun) as "As found before this change", or "As
imported from FILE by import run N" when an import wrote it last.

Every path that changes an article's content or state records a revision through
this module, after its write (tags included), in the same transaction:

    from editorial import history

    article.save()
    history.record(article, user=request.user, comment="Published")

    # a command, naming itself and its file:
    history.record(article, source="summarize_articles", comment="Summary regenerated")

    # articles changed in bulk (a tag merge, a batch re-sanitized), as stored, in one revision:
    history.record_stored(article_ids, user=request.user, comment="Tag merged")
    history.record_stored(article_ids, source="resanitize_bodies", comment="Body cleaned again")

Reading: `revisions_of(article)` (newest first, users loaded, one query) and
`recorded_fields(version)` (the state as a dict of field values).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from reversion.models import Revision, Version

from articles.models import Article

# What a revision records: an article's content and state, as editors know them.
# Derived fields (plain text, search copies, renditions) follow from these.
RECORDED_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "summary",
    "summary_generated",
    "tags",
    "byline",
    "source_name",
    "source_url",
    "canonical_url",
    "status",
    "published_at",
    "lead_image",
    "lead_image_url",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "trashed_at",
]
DATE_FIELDS = {
    name
    for name in RECORDED_FIELDS
    if isinstance(Article._meta.get_field(name), models.DateTimeField)
}
FILE_FIELDS = {
    name for name in RECORDED_FIELDS if isinstance(Article._meta.get_field(name), models.FileField)
}
COMMENT_MAX_LENGTH = 2000
REPR_MAX_LENGTH = 191  # Version.object_repr


def register() -> None:
    """Register Article with django-reversion (from AppConfig.ready)."""
    if not reversion.is_registered(Article):
        reversion.register(Article, fields=RECORDED_FIELDS)


def record(article: Article, *, user=None, source: str = "", comment: str = "") -> Revision:
    """Record `article`'s stored state (the row, not this object) as a new revision,
    by `user` or by `source` (a command and its file, e.g. "import_articles
    feed.jsonl"). Call it after the write, tags included."""
    revision = record_stored([article.pk], user=user, source=source, comment=comment)
    article.recorded_revision = revision  # lets a later step of the same save skip a repeat
    return revision


def amend(revision: Revision, article: Article, comment: str) -> None:
    """Bring `revision`, recorded earlier in this same save of `article` (a move made
    before the form's tags and authors were saved), up to the stored state, with
    `comment`: one click is one History entry, holding what the click stored."""
    stored = Article.objects.get(pk=article.pk)  # what was stored, never the form's object
    tag_ids = list(stored.tags.values_list("pk", flat=True))
    Version.objects.filter(revision=revision, object_id=str(stored.pk)).update(
        serialized_data=serialize(stored, tag_ids), object_repr=str(stored)[:REPR_MAX_LENGTH]
    )
    revision.comment = describe("", comment)
    revision.save(update_fields=["comment"])


PENDING_NOT_LIVE = "pending, not live"


def record_pending(
    article: Article, fields: Mapping, tag_ids: Iterable[int], *, user=None, comment: str = ""
) -> Revision:
    """Record a pending change as its own entry: the stored row with the pending
    `fields` and tags over it, its comment saying it is pending, not live."""
    stored = Article.objects.get(pk=article.pk)
    for name, value in fields.items():
        setattr(stored, name, value)
    return record_batch(
        [stored], {stored.pk: list(tag_ids)}, user=user, comment=f"{comment} ({PENDING_NOT_LIVE})"
    )


AS_FOUND = "As found before this change"


def snapshot_unrecorded(article_ids: Iterable[int]) -> list[Revision]:
    """Before a change: record the stored state of each of these articles that
    differs from its latest revision (or has none), so no state ever stored is
    lost from History. Returns the revisions made (one per kind of finding)."""
    ids = list(article_ids)
    if not ids:
        return []
    latest = latest_versions(ids)
    stored = (
        Article.objects.filter(pk__in=ids).select_related("import_run").prefetch_related("tags")
    )
    found: dict[str, list[int]] = {}
    for article in stored:
        version = latest.get(article.pk)
        now = comparable(serialize(article, [tag.pk for tag in article.tags.all()]))
        if version is not None and comparable(version.serialized_data) == now:
            continue
        run = article.import_run
        if run is not None and (version is None or version.revision.date_created < run.started_at):
            comment = f"As imported from {run.source} by import run {run.pk}"
        else:
            comment = AS_FOUND
        found.setdefault(comment, []).append(article.pk)
    return [record_stored(pks, comment=comment) for comment, pks in found.items()]


def latest_versions(article_ids: list[int]) -> dict[int, Version]:
    """Each article's newest version of its stored row (with its revision), by article
    pk. A pending change's entry records text that is not stored, so it is passed over."""
    versions = (
        Version.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=[str(pk) for pk in article_ids],
        )
        .exclude(revision__comment__endswith=f"({PENDING_NOT_LIVE})")
        .select_related("revision")
        .order_by("object_id", "-pk")
    )
    if connection.vendor == "postgresql":
        versions = versions.distinct("object_id")
    latest: dict[int, Version] = {}
    for version in versions:
        latest.setdefault(int(version.object_id), version)
    return latest


def comparable(serialized: str) -> dict:
    """A version's recorded fields in a form that compares equal whichever writer
    (serialize() or PostgreSQL's insert_stored_versions()) built the JSON."""
    fields = json.loads(serialized)[0]["fields"]
    for name, value in fields.items():
        if isinstance(value, str) and name in DATE_FIELDS:
            fields[name] = parse_datetime(value)
        elif name == "tags":
            fields[name] = sorted(int(pk) for pk in value)
        elif value is None and name in FILE_FIELDS:
            fields[name] = ""
    return fields


def record_stored(
    article_ids: Iterable[int], *, user=None, source: str = "", comment: str = ""
) -> Revision | None:
    """Record the stored state of the articles with these ids as one revision (for
    writes made in bulk: moves, tag merges, imports). None when there are none.

    On PostgreSQL the database builds every version from the rows as they stand in
    this transaction, in one INSERT … SELECT: nothing is read back into Python and
    no body crosses the connection twice, which keeps an import's history cheap.
    Elsewhere the articles and their tags are read in two queries."""
    article_ids = list(article_ids)
    if not article_ids:
        return None
    if connection.vendor == "postgresql":
        with transaction.atomic(savepoint=False):  # whole with the caller's write
            revision = new_revision(user, source, comment)
            insert_stored_versions(revision, article_ids)
        return revision
    articles = list(Article.objects.filter(pk__in=article_ids).prefetch_related("tags"))
    tag_ids = {article.pk: [tag.pk for tag in article.tags.all()] for article in articles}
    return record_batch(articles, tag_ids, user=user, source=source, comment=comment)


def record_batch(
    articles: list[Article],
    tag_ids: Mapping[int, Iterable[int]] | None = None,
    *,
    user=None,
    source: str = "",
    comment: str = "",
) -> Revision | None:
    """Record these articles' states, as the objects hold them, as one revision:
    one row for the revision and one insert for all their versions. `tag_ids` maps
    an article's pk to its tags' pks (missing: no tags). None for an empty list."""
    if not articles:
        return None
    tag_ids = tag_ids or {}
    with transaction.atomic(savepoint=False):  # whole with the caller's write, no savepoint
        revision = new_revision(user, source, comment)
        content_type = ContentType.objects.get_for_model(Article)
        Version.objects.bulk_create(
            Version(
                revision=revision,
                content_type=content_type,
                object_id=str(article.pk),
                db="default",
                format="json",
                serialized_data=serialize(article, tag_ids.get(article.pk, ())),
                object_repr=str(article)[:REPR_MAX_LENGTH],
            )
            for article in articles
        )
    return revision


def new_revision(user, source: str, comment: str) -> Revision:
    return Revision.objects.create(
        date_created=timezone.now(), user=user, comment=describe(source, comment)
    )


def describe(source: str, comment: str) -> str:
    """A revision's comment: what changed, and which command did it when one did."""
    text = f"{comment} ({source})" if source and comment else comment or source
    return text[:COMMENT_MAX_LENGTH]


def serialize(article: Article, tag_ids: Iterable[int]) -> str:
    """`article`'s recorded fields in the JSON django-reversion stores (the format of
    Django's JSON serializer), built directly: the serializer's per-object work
    would cost an import more than storing the article does."""
    fields = {}
    for name in RECORDED_FIELDS:
        if name == "tags":
            fields[name] = sorted(tag_ids)
            continue
        value = getattr(article, name)
        fields[name] = (
            value.name or "" if isinstance(value, models.fields.files.FieldFile) else value
        )
    record = {"model": "articles.article", "pk": article.pk, "fields": fields}
    return json.dumps([record], cls=DjangoJSONEncoder, ensure_ascii=False)


def insert_stored_versions(revision: Revision, article_ids: list[int]) -> None:
    """Insert a version of each stored article, its JSON built by PostgreSQL in the
    shape `serialize()` writes (`recorded_fields()` reads both the same)."""
    quote = connection.ops.quote_name
    tags = Article.tags.through._meta
    recorded = []
    for name in RECORDED_FIELDS:
        field = Article._meta.get_field(name)
        if field.many_to_many:
            value = (
                f"COALESCE((SELECT json_agg(link.{quote('tag_id')} ORDER BY link.{quote('tag_id')})"
                f" FROM {quote(tags.db_table)} link"
                f" WHERE link.{quote('article_id')} = article.id), '[]'::json)"
            )
        elif isinstance(field, models.DateTimeField):
            # To the millisecond, as Django's JSON encoder writes times.
            value = f"date_trunc('milliseconds', article.{quote(field.column)})"
        else:
            value = f"article.{quote(field.column)}"
        recorded.append(f"'{name}', {value}")
    version = Version._meta
    columns = ", ".join(
        quote(version.get_field(name).column)
        for name in ("revision", "content_type", "object_id", "db", "format")
    )
    sql = (
        f"INSERT INTO {quote(version.db_table)}"
        f" ({columns}, {quote('serialized_data')}, {quote('object_repr')})"
        f" SELECT %s, %s, article.id::text, 'default', 'json',"
        f" json_build_array(json_build_object('model', 'articles.article', 'pk', article.id,"
        f" 'fields', json_build_object({', '.join(recorded)})))::text,"
        f" left(article.{quote('headline')}, {REPR_MAX_LENGTH})"
        f" FROM {quote(Article._meta.db_table)} article WHERE article.id = ANY(%s)"
    )
    content_type = ContentType.objects.get_for_model(Article)
    with connection.cursor() as cursor:
        cursor.execute(sql, [revision.pk, content_type.pk, article_ids])


def revisions_of(article: Article) -> models.QuerySet[Version]:
    """`article`'s versions, newest first, each with its revision and user: one query."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def recorded_fields(version: Version) -> dict:
    """The field values a version recorded (tags as a list of pks)."""
    return version.field_dict
