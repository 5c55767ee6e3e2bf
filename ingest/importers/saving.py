"""The one save path of every import: records in, articles written batch by batch.

(Longer than 400 lines: `_BatchSaver` is one batch's read, decide and write, whose
steps share the batch's state; split over modules it would be harder to follow.)

Parsers (one module per format) are pure: they read bytes and yield
`ImportedArticle`, `Rejection` or `Skipped` items, never touching the database.
`save_articles()` is the only writer. It validates each record, then upserts the
records batch by batch, each batch in its own transaction:

- existing articles are found by `import_ref` in one query per batch;
- every record ends as exactly one of created / updated / unchanged / rejected,
  and an unchanged record writes nothing, so a re-run of the same file is a no-op;
- `articles.content.process()` runs on every record (bulk writes skip `save()`),
  leaving generated summaries pending: `ImportResult.unsummarized` lists the
  articles whose summaries `editorial.backfill.fill_summaries()` should generate;
- an existing article keeps its slug; a new one whose slug is taken gets a suffix;
- an existing article's state (status, publication time, first publication,
  trash) is the desk's: an import updates its content only, unless the operator
  passes `update_status`; a record whose article is in the trash is skipped and
  counted (editorial.imports owns these rules);
- an update is conditional on the version read when the batch was built: an
  article an editor saved meanwhile is left as they saved it and counted as a
  conflict (a re-run updates it, from what is then stored);
- a run records one ImportRun naming the command and file (`source`), and each
  article it writes points at it; no per-article copy goes to History, where
  an article's stored state is recorded before its next change instead
  (editorial/history.py).

A batch is committed whole or not at all, so an interrupted run leaves only whole
batches behind, and running the file again finishes the job without duplicates.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from articles.content import base_slug, claiming_slugs, clean_body, process
from articles.models import Article, Tag, removal
from articles.models.author import ArticleAuthor
from articles.parallel import parallel_map
from articles.search import (
    refresh_search_index,
    tag_names_text,
)
from editorial import announcements, imports, versions
from ingest.bulk import (
    among,
    batch_settings,
    insert_articles,
    insert_tag_links,
    new_article,
    unprepared,
    update_batch_size,
)
from ingest.importers.authors import AuthorMatcher, insert_author_links
from ingest.importers.media import MediaError, MediaSource
from ingest.importers.pipeline import batch_writer
from ingest.importers.records import (
    NATIVE_PREFIX,
    SLUG_MAX_LENGTH,
    ImportedArticle,
    ImportResult,
    LeadImage,
    Rejection,
    Skipped,
    is_native,
    slug_from_ref,
    tag_key,
    validate,
)
from ingest.importers.related import StoredRows, add_rows
from ingest.planner import refresh_statistics
from newsroom.routers import primary_reads

# Records per transaction: large enough that per-batch round trips and commits are
# a small share of the work, small enough that a batch holds a few megabytes.
DEFAULT_BATCH_SIZE = 2000

# The fields compared to decide between "updated" and "unchanged", and written by
# bulk_update: the content. The slug is not among them: it never changes on
# re-import; nor is the state (editorial.imports.STATE_FIELDS), but with update_status.
COMPARED_FIELDS = [
    "headline",
    "standfirst",
    "summary",
    "summary_generated",
    "body",
    "body_text",
    "byline",
    "source_name",
    "source_url",
    "canonical_url",
    "modified_at",
    "lead_image",
    "lead_image_url",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "author",
]
# Also written by bulk_update: what follows from the compared fields.
DERIVED_WRITES = ["lead_image_renditions", "updated_at", "import_run", "changed_at"]


@primary_reads()  # every look-up here decides a write
def save_articles(
    items: Iterable[ImportedArticle | Rejection | Skipped],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    default_status: str = Article.Status.DRAFT,
    on_reject: Callable[[Rejection], None] | None = None,
    on_batch: Callable[[ImportResult], None] | None = None,
    result: ImportResult | None = None,
    workers: int = 1,
    media: MediaSource | None = None,
    source: str = "import_articles",
    update_status: bool = False,
) -> ImportResult:
    """Validate and upsert `items`; return (and update `result` with) the counts.

    `result` is updated as batches commit, so a caller that sees an exception
    mid-stream still knows what was written. With `workers` > 1, bodies are
    sanitized in that many processes; on PostgreSQL, outside a transaction, each
    batch is written on a second thread while the next ones are read and built
    (ingest/importers/pipeline.py). `media` says where uploaded lead images
    named by the records are found (ingest/importers/media.py); `source` names
    the command and file in the run recorded (editorial.imports.start_run).
    `update_status` lets records set existing articles' states.
    """
    result = result if result is not None else ImportResult()
    media = media or MediaSource()
    run = imports.start_run(source, update_status=update_status)
    before = ImportResult()
    before.add(result)
    saver = _BatchSaver(default_status, result, media, run)

    def write_batch(built: BuiltBatch) -> None:
        with unprepared():
            saver.save(built)
        if on_batch:
            on_batch(result)

    try:
        with (
            parallel_map(clean_body, workers) as clean,
            batch_writer() as write,
            unprepared(),
        ):
            waiting = None  # the previous batch, whose bodies the workers are cleaning
            try:
                for batch in valid_batches(items, batch_size, result, on_reject, media):
                    cleaning = clean([item.body for item in batch])
                    if waiting:
                        write(partial(write_batch, saver.build_batch(*waiting)))
                    waiting = (batch, cleaning)
            finally:
                # Also when the file turns out broken further on: what was read is whole.
                if waiting:
                    write(partial(write_batch, saver.build_batch(*waiting)))
    finally:
        imports.finish_run(run, result.since(before))  # a broken file's run says what it wrote
    refresh_statistics(result.created + result.updated)  # readers' queries are planned on them
    return result


def valid_batches(
    items: Iterable[ImportedArticle | Rejection | Skipped],
    batch_size: int,
    result: ImportResult,
    on_reject: Callable[[Rejection], None] | None,
    media: MediaSource,
) -> Iterator[list[ImportedArticle]]:
    """The valid records in batches; rejections and skips are counted on the way."""
    seen_refs: set[str] = set()
    batch: list[ImportedArticle] = []

    def rejected(rejection: Rejection) -> None:
        result.rejected += 1
        if on_reject:
            on_reject(rejection)

    for item in items:
        if isinstance(item, Skipped):
            result.skipped[item.kind] += 1
            continue
        if isinstance(item, Rejection):
            rejected(item)
            continue
        problem = validate(item)
        if problem is None and item.import_ref:
            if item.import_ref in seen_refs:
                problem = Rejection(
                    item.record,
                    "import_ref",
                    f"duplicate import_ref {item.import_ref!r}: an earlier record has it",
                    line=item.line,
                    raw=item.raw,
                )
            seen_refs.add(item.import_ref)
        if problem is None and item.lead_image_file:
            problem = place_uploaded_image(item, media)
        if problem:
            rejected(problem)
            continue
        result.untitled += item.untitled
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def place_uploaded_image(item: ImportedArticle, media: MediaSource) -> Rejection | None:
    """Find the record's uploaded image in storage or beside the file; without it,
    keep the image as an external URL (which fetch_lead_images can download)."""
    try:
        name = media.resolve(item.lead_image_file)
    except MediaError as error:
        return Rejection(item.record, "lead_image", str(error), line=item.line, raw=item.raw)
    if name:
        item.lead_image_name = name
    elif item.lead_image is None:
        item.lead_image = LeadImage(url=item.lead_image_file)
    elif not item.lead_image.url:
        item.lead_image.url = item.lead_image_file
    return None


@dataclass
class BuiltBatch:
    """A batch of valid records, each with its processed Article and the one it updates."""

    items: list[ImportedArticle]
    articles: list[Article]
    existing: list[Article | None]
    existing_tags: dict[int, list[int]]
    counts: ImportResult
    stored_rows: StoredRows


class _BatchSaver:
    """Builds a batch's articles, then writes them in one transaction with a handful
    of queries. Building reads only committed articles by their own import_refs, so
    it may run while the previous batch is being written."""

    def __init__(self, default_status: str, result: ImportResult, media: MediaSource, run):
        self.default_status = default_status
        self.run = run
        fields = [*COMPARED_FIELDS, *(imports.STATE_FIELDS if run.update_status else ())]
        self.written = [*fields, *DERIVED_WRITES]
        self.compared = [Article._meta.get_field(name).attname for name in fields]
        self.result = result
        self.media = media
        self.zone = timezone.get_current_timezone()
        self.now = timezone.now()
        self.tag_names: dict[int, str] = {}
        self.authors = AuthorMatcher()

    def build_batch(self, items: list[ImportedArticle], cleaned: Callable[[], list]) -> BuiltBatch:
        """`cleaned()` gives each item's `clean_body()`, in order."""
        counts = ImportResult()
        existing, existing_tags = self.find_existing(items)
        self.user_ids = find_users(items)
        currents = [existing.get(item.import_ref) if item.import_ref else None for item in items]
        articles = [
            self.build(item, current, counts, clean)
            for item, current, clean in zip(items, currents, cleaned(), strict=True)
        ]
        stored_rows = StoredRows(items, currents)
        return BuiltBatch(items, articles, currents, existing_tags, counts, stored_rows)

    def save(self, batch: BuiltBatch) -> None:
        counts = batch.counts
        with transaction.atomic(), batch_settings():
            tag_ids = self.resolve_tags(batch.items)
            to_create: list[tuple[Article, list[int]]] = []
            to_update: list[tuple[Article, list[int] | None]] = []
            additions = []  # (article, corrections, old slugs, old addresses) it lacks
            in_trash = set()  # left as they are, summaries included
            for item, article, current in zip(
                batch.items, batch.articles, batch.existing, strict=True
            ):
                if current is not None and imports.skipped_in_trash(current):
                    counts.in_trash += 1
                    in_trash.add(article.pk)
                    continue
                wanted = sorted({tag_ids[tag_key(name)] for name in item.tags})
                missing = batch.stored_rows.missing(item, current)
                additions.append((article, *missing))
                if current is None:
                    article.import_authors = self.authors.author_ids(article.byline, item.authors)
                    to_create.append((article, wanted))
                    continue
                # An existing article keeps the authors its editors gave it, unless
                # our own export says who they are.
                article.import_authors = (
                    None if item.authors is None else self.authors.from_export(item.authors)
                )
                changed_tags = wanted != batch.existing_tags.get(current.pk, [])
                if (
                    changed_tags
                    or any(missing)
                    or any(getattr(article, f) != getattr(current, f) for f in self.compared)
                ):
                    to_update.append((article, wanted if changed_tags else None))
                else:
                    counts.unchanged += 1
            to_update = self.still_as_read(to_update, counts)
            imports.before_update([article.pk for article, _ in to_update])
            self.write(to_create, to_update)
            removal.record(taken_down(to_update, batch.existing))
            add_rows(additions, self.zone)
            if self.run.update_status:
                imports.record_state_changes(self.run, [article.pk for article, _ in to_update])
        counts.unsummarized = [
            article.pk
            for article in batch.articles
            if not article.summary and article.pk not in in_trash
        ]
        counts.created = len(to_create)
        counts.updated = len(to_update)
        counts.batches_committed = 1
        self.result.add(counts)

    def find_existing(self, items):
        """Existing articles by import_ref, and their tag ids, in two queries."""
        refs = {item.import_ref for item in items if item.import_ref}
        if not refs:
            return {}, {}
        native_slugs = [ref.removeprefix(NATIVE_PREFIX) for ref in refs if is_native(ref)]
        # The `<> ''` spelled out lets PostgreSQL use the partial import_ref index,
        # which it cannot prove from a long list of values alone.
        query = among("import_ref", refs) & ~Q(import_ref="")
        if native_slugs:
            query |= Q(import_ref="") & among("slug", native_slugs)
        existing = {}
        for article in (
            Article.objects.filter(query)
            .order_by()
            .only(
                "pk",
                "slug",
                "import_ref",
                "version",
                "lead_image_renditions",
                "trashed_at",
                *COMPARED_FIELDS,
                *imports.STATE_FIELDS,
            )
        ):
            existing[article.import_ref or NATIVE_PREFIX + article.slug] = article
        existing_tags: dict[int, list[int]] = {}
        through = Article.tags.through.objects.filter(
            among("article_id", [a.pk for a in existing.values()], model=Article.tags.through)
        ).values_list("article_id", "tag_id")
        for article_id, tag_id in through:
            existing_tags.setdefault(article_id, []).append(tag_id)
        for ids in existing_tags.values():
            ids.sort()
        return existing, existing_tags

    def resolve_tags(self, items) -> dict[str, int]:
        """Tag ids keyed by tag_key(name), creating missing tags in one insert."""
        names = {tag_key(name): name.strip() for item in items for name in item.tags}
        if not names:
            return {}
        slugs = {key: tag_slug(name) for key, name in names.items()}
        found = Tag.objects.filter(
            Q(name__in=names.values()) | Q(slug__in=slugs.values())
        ).values_list("pk", "name", "slug")
        self.tag_names = {pk: name for pk, name, _ in found}  # for Article.tag_names
        by_name = {tag_key(name): pk for pk, name, _ in found}
        by_slug = {slug: pk for pk, _, slug in found}
        ids: dict[str, int] = {}
        new_tags: dict[str, Tag] = {}  # by slug: two spellings of one slug make one tag
        for key, name in names.items():
            pk = by_name.get(key) or by_slug.get(slugs[key])
            if pk:
                ids[key] = pk
            else:
                new_tags.setdefault(slugs[key], Tag(name=name, slug=slugs[key]))
        if new_tags:
            Tag.objects.bulk_create(new_tags.values())
            self.tag_names.update((tag.pk, tag.name) for tag in new_tags.values())
            for key in names.keys() - ids.keys():
                ids[key] = new_tags[slugs[key]].pk
        return ids

    def build(self, item: ImportedArticle, current: Article | None, counts, cleaned) -> Article:
        """A processed Article for `item`, carrying `current`'s identity when it exists."""
        published_at = item.published_at
        if published_at is not None and timezone.is_naive(published_at):
            published_at = timezone.make_aware(published_at, self.zone)
            counts.naive_dates += 1
        if published_at is None:
            published_at = current.published_at if current else self.now
        wanted = {
            "status": item.status or (current.status if current else self.default_status),
            "published_at": published_at,
            "first_published_at": self.aware(item.first_published_at),
        }
        state = imports.state_for(current, wanted, update_status=self.run.update_status)
        article = new_article(
            **state,
            headline=item.headline.strip(),
            standfirst=item.standfirst.strip(),
            summary=item.summary,
            body=item.body,
            byline=item.byline.strip(),
            source_name=item.source_name.strip(),
            source_url=item.source_url,
            canonical_url=item.canonical_url,
            # When readers were last told of a change: the source's word, else as it was.
            modified_at=self.aware(item.modified_at)
            if item.modified_at
            else (current.modified_at if current else None),
            import_ref=current.import_ref if current else item.import_ref,
            author_id=self.user_ids.get(item.author) if item.author else None,
            import_run_id=self.run.pk,
        )
        set_lead_image(article, item.lead_image, current)
        self.set_uploaded_image(article, item, current)
        if current:
            article.pk = current.pk
            article.slug = current.slug
            versions.as_read(article, current.version)  # still_as_read() claims it
            if item.author is None or item.author not in self.user_ids:
                article.author_id = current.author_id  # the source names no one we know
        else:
            article.created_at = self.aware(item.created_at)
            article.updated_at = self.aware(item.updated_at)
            # A placeholder keeps process() from looking up a unique slug per record;
            # assign_slugs() settles the batch's slugs in one or two queries.
            article.slug = item.slug or slug_from_ref(item.import_ref) or base_slug(item.headline)
        process(article, summarize=False, cleaned=cleaned)
        if item.summary_generated and article.summary:
            # Our own export says this summary was generated from the body: keep it
            # following the body, without paying to generate it again here.
            article.summary_generated = True
        elif current and article.summary == current.summary:
            article.summary_generated = current.summary_generated  # same text, same origin
        elif current and current.summary_generated and not article.summary:
            if (current.body, current.headline) == (article.body, article.headline):
                # The generated summary was made from this very text: it still holds.
                article.summary, article.summary_generated = current.summary, True
        return article

    def aware(self, value: datetime | None) -> datetime | None:
        if value is not None and timezone.is_naive(value):
            return timezone.make_aware(value, self.zone)
        return value

    def set_uploaded_image(self, article, item: ImportedArticle, current: Article | None) -> None:
        """The record's uploaded image, else an existing article's; renditions are
        made by process() only for an image the article did not have."""
        if item.lead_image_file is None:
            name = current.lead_image.name if current else ""
        else:
            name = item.lead_image_name
        article.lead_image = name
        if current and name and current.lead_image.name == name:
            article.lead_image_renditions = current.lead_image_renditions
        elif name and not self.media.store:
            article.lead_image_renditions = {"source": name}  # a dry run stores no files

    def insert_new(self, articles: list[Article]) -> None:
        """Insert new articles under free slugs, choosing again when a concurrent save
        takes one between the look-up and the insert."""
        wanted = [(article.slug, article.import_ref) for article in articles]

        def choose_slugs() -> None:
            for article, (slug, ref) in zip(articles, wanted, strict=True):
                article.slug, article.import_ref = slug, ref
            self.assign_slugs(articles)
            for article in articles:
                if article.import_ref == NATIVE_PREFIX + article.slug:
                    # This site's own article under its own address, as it was exported.
                    article.import_ref = ""

        choose_slugs()
        claiming_slugs(Article, partial(insert_articles, articles, self.now), choose_slugs)

    def assign_slugs(self, articles: list[Article]) -> None:
        """Give new articles unique slugs: their own when free, else with a suffix."""
        if not articles:
            return
        wanted = [article.slug for article in articles]
        taken = set(
            Article.objects.filter(among("slug", set(wanted))).values_list("slug", flat=True)
        )
        counts = Counter(wanted)
        clashing = {slug for slug in wanted if slug in taken or counts[slug] > 1}
        if clashing:
            query = Q()
            for slug in clashing:
                query |= Q(slug__startswith=f"{slug}-")
            taken.update(Article.objects.filter(query).values_list("slug", flat=True))
        used: set[str] = set()
        for article in articles:
            slug = candidate = article.slug
            suffix = 2
            while candidate in taken or candidate in used:
                stem = slug[: SLUG_MAX_LENGTH - len(str(suffix)) - 1]
                candidate = f"{stem}-{suffix}"
                suffix += 1
            article.slug = candidate
            used.add(candidate)

    def still_as_read(self, to_update, counts) -> list:
        """The updates whose article is still at the version read when the batch was
        built, their versions moved on and locked until the batch commits
        (editorial.versions.claim); the rest are counted as conflicts."""
        if not to_update:
            return to_update
        claimed = versions.claim({article.pk: article.version for article, _ in to_update})
        counts.conflicts += len(to_update) - len(claimed)
        return [(article, tag_ids) for article, tag_ids in to_update if article.pk in claimed]

    def write(self, to_create, to_update) -> None:
        Through = Article.tags.through
        links = []
        if to_create:
            for article, tag_ids in to_create:
                # Set before the insert, so PostgreSQL indexes each text for search once.
                article.tag_names = tag_names_text(self.tag_names[i] for i in tag_ids)
            self.insert_new([article for article, _ in to_create])
            links += [(article, tag_id) for article, tag_ids in to_create for tag_id in tag_ids]
        read = announcements.before_update(article.pk for article, _ in to_update)
        if to_update:
            articles = [article for article, _ in to_update]
            written = timezone.now()  # the batch's own time, for the API's change feed
            for article in articles:
                article.updated_at = self.now
                article.changed_at = written
            fields = self.written
            Article.objects.bulk_update(articles, fields, batch_size=update_batch_size(fields))
            retagged = [(article, ids) for article, ids in to_update if ids is not None]
            if retagged:
                Through.objects.filter(article_id__in=[a.pk for a, _ in retagged]).delete()
                links += [(article, tag_id) for article, tag_ids in retagged for tag_id in tag_ids]
        if links:
            insert_tag_links(links)
        self.write_authors([a for a, _ in to_create], [a for a, _ in to_update])
        if to_update:
            refresh_search_index([article.pk for article, ids in to_update if ids is not None])
        if to_create or to_update:  # bulk writes send no signals; cached pages must go
            announcements.after_update(read, created=[article.pk for article, _ in to_create])

    @staticmethod
    def write_authors(created: list[Article], updated: list[Article]) -> None:
        """Bylines of new articles, and of updated ones whose source names them."""
        replaced = [a for a in updated if a.import_authors is not None]
        if replaced:
            ArticleAuthor.objects.filter(article_id__in=[a.pk for a in replaced]).delete()
        insert_author_links(
            (article, author_id, position)
            for article in [*created, *replaced]
            for position, author_id in enumerate(article.import_authors)
        )


def taken_down(to_update, existing) -> list[Article]:
    """Updated articles that were public and are not any more (`--update-status`)."""
    now = timezone.now()
    was_public = {
        current.pk
        for current in existing
        if current and current.status == Article.Status.PUBLISHED and current.published_at <= now
    }
    return [
        article
        for article, _ in to_update
        if article.pk in was_public and not article.is_published()
    ]


IMAGE_PARTS = ("url", "alt", "caption", "credit")


def set_lead_image(article: Article, image: LeadImage | None, current: Article | None) -> None:
    """The source's image when it has one; else an existing article keeps its own."""
    if image is not None:
        values = [image.url, image.alt, image.caption, image.credit]
    elif current is not None:
        values = [getattr(current, f"lead_image_{part}") for part in IMAGE_PARTS]
    else:
        return
    for part, value in zip(IMAGE_PARTS, values, strict=True):
        setattr(article, f"lead_image_{part}", value)


def find_users(items: list[ImportedArticle]) -> dict[str, int]:
    """Staff accounts named as records' authors, by username, in one query."""
    names = {item.author for item in items if item.author}
    if not names:
        return {}
    User = get_user_model()
    found = User.objects.filter(**{f"{User.USERNAME_FIELD}__in": names})
    return dict(found.values_list(User.USERNAME_FIELD, "pk"))


def tag_slug(name: str) -> str:
    slug = slugify(name, allow_unicode=True)[:100].strip("-")
    # A name of punctuation alone has no slug; give it a stable one of its own.
    return slug or "tag-" + hashlib.sha1(name.encode()).hexdigest()[:10]
