"""Targeted invalidation for the page cache: a change evicts the pages that show it.

(Longer than 400 lines: one mechanism, whose three parts — recording what a page
shows, what a change bumps, and the clock both compare — share its topics and
rules; split apart, none could be read without the others.)

Every cached page is filed with the *topics* it shows, recorded while it renders:

- `a:<id>`   an article: every page that loaded it (its own page, the lists and
             feeds it is on, the pages linking it as Previous/Next or related);
- `n:<id>`   which articles are an article's Previous and Next;
- `t:<id>`   a tag: its name, and which articles it lists in what order (tag pages,
             and every page naming the tag: an article's tags and related stories);
- `au:<id>`  an author's profile; `al:<id>` which articles the author's page lists;
- `newest`   the newest published articles as a list (front page, site feeds),
             the newest story with a picture (the front page's fallback lead);
- `list`     the public order as a whole (older pages of the front page);
- `thin`     the archive shrinking below what the front page's page count shows;
- `front`    the editors' pins; `sections` the header's sections;
- `any`      pages with no targeted rule (search, sitemaps, corrections): bumped
             by every change, as the old single generation was;
- `all`      every page (bulk loads that know nothing of what they wrote).

Each topic holds the *clock* value of its last change. A page stores the clock it
read before rendering; it is fresh while none of its topics moved past that. The
clock is read before the page's rows and a change's topics are bumped after its
transaction commits, so a page rendered from rows older than a change always
carries a clock older than the change's bump. A bump raises the clock and its topics
in one atomic step on Redis (a script), so a slower bump never lowers a topic.

What a change bumps (`Pending.flush`, after the commit): the topics of what it wrote,
plus, when an article entered, left or moved in the public order, its tags' and
authors' listings, the articles now either side of it (their Previous/Next links;
the old neighbours' pages showed the article itself, so `a:<id>` reaches them), and
`newest` when its place is among the newest. Editing an archive story bumps only its
own topic: the front page stays cached.

Topics expire a little after the longest a page may be cached: a page filed before
a bump cannot outlive it. The cache must have room for its topics (Redis with a
`volatile-*` eviction policy, or enough memory), as an evicted topic reads as unchanged.
"""

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import batched

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from articles.models import MAX_PAGES, Article, ArticleAuthor, Author, Correction, Feature, Tag
from articles.shown import (
    ANY,
    FRONT,
    LIST,
    NEWEST,
    SECTIONS,
    THIN,
    article,
    author,
    author_listing,
    neighbours,
    tag,
)
from editorial.announcements import place
from pagecache.sections import forget_sections
from pagecache.tracked_reads import MISSING

logger = logging.getLogger(__name__)

CLOCK_KEY = "page-cache:clock"
TOPIC_PREFIX = "page-cache:t:"
# A topic outlives every page filed before its bump: the longest a page is cached,
# plus time for a slow render that read the clock before the bump.
TOPIC_MARGIN = 300

# The site feeds list 50 stories, the front page 20; one more tells whether an
# older page exists. A change at or above the 51st newest bumps `newest`.
NEWEST_COUNT = 51


# The clock and the topics ---------------------------------------------------------


def start_value() -> int:
    """Where a new (or lost) clock starts: the wall clock in microseconds, above every
    value an earlier clock reached one bump at a time, and exact in a Lua number."""
    return time.time_ns() // 1000


def clock() -> int:
    """The current clock, read before a page's rows."""
    value = cache.get(CLOCK_KEY)
    if value is None:
        cache.add(CLOCK_KEY, start_value(), timeout=None)
        value = cache.get(CLOCK_KEY, start_value())
    return value


def read_many(keys: list[str]) -> dict:
    """cache.get_many(), from this process's tracked copies where the cache keeps them
    (pagecache.redis_client.RedisCache: fresh without a round trip)."""
    return getattr(cache, "get_many_tracked", cache.get_many)(keys)


def is_fresh(read_at: int, topics: Iterable[str]) -> bool:
    """Whether no topic changed after a page that read the clock at `read_at`."""
    found = read_many([TOPIC_PREFIX + topic for topic in topics])
    return all(value <= read_at for value in found.values())


def topic_keys(topics: Iterable[str]) -> list[bytes] | None:
    """The topics' keys as the cache's tracked reads take them, made once when a
    page is stored (None where the cache has no tracked reads)."""
    if not hasattr(cache, "tracked_keys"):
        return None
    return cache.tracked_keys([TOPIC_PREFIX + topic for topic in topics])


def is_fresh_by_keys(read_at: int, keys: list[bytes]) -> bool:
    """is_fresh() for topic_keys(), right after the page itself was read from the
    tracked copies (whose read applied the invalidations that had arrived)."""
    values = cache.tracked_values(keys, drain=False)
    return all(value is MISSING or value <= read_at for value in values)


BUMP_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[2]) end
local now = redis.call('INCR', KEYS[1])
local stamp = string.format('%d', now)
for i = 2, #KEYS do redis.call('SET', KEYS[i], stamp, 'EX', ARGV[1]) end
return now
"""
_bump_lock = threading.Lock()


def bump(topics: Iterable[str]) -> None:
    """Move the clock on and stamp `topics` with it, at once."""
    keys = [TOPIC_PREFIX + topic for topic in sorted(set(topics))]
    if not keys:
        return
    lifetime = settings.PAGE_CACHE_TIMEOUT + TOPIC_MARGIN
    client = getattr(cache, "_cache", None)
    if hasattr(client, "get_client"):  # Redis: one script, atomic, one round trip
        names = [cache.make_and_validate_key(key) for key in [CLOCK_KEY, *keys]]
        redis = client.get_client(write=True)
        for chunk in batched(names[1:], 5000, strict=False):
            redis.eval(BUMP_SCRIPT, len(chunk) + 1, names[0], *chunk, lifetime, start_value())
        return
    with _bump_lock:  # one process's cache (tests, development)
        try:
            now = cache.incr(CLOCK_KEY)
        except ValueError:
            cache.add(CLOCK_KEY, start_value(), timeout=None)
            now = cache.incr(CLOCK_KEY)
        cache.set_many(dict.fromkeys(keys, now), timeout=lifetime)


# What a change bumps ----------------------------------------------------------------


@dataclass
class Pending:
    """A transaction's changes, bumped once when it commits."""

    using: str
    topics: set[str] = field(default_factory=lambda: {ANY})
    moved: set[int] = field(default_factory=set)  # entered, left or moved in the public order
    checked: set[int] = field(default_factory=set)  # public now: among the newest?
    removed: bool = False  # left the public order: the archive may have thinned

    def flush(self) -> None:
        if settings.PAGE_CACHE_TIMEOUT <= 0:
            return
        try:
            topics = self.topics | self.consequences()
            if SECTIONS in topics:
                forget_sections(self.using)  # before the bump: no page may read the old list
            bump(topics)
        except Exception:
            # A change already committed must not fail because the cache is away;
            # cached pages then live out their (short) timeout.
            logger.exception("Page cache invalidation failed")

    flush.page_cache_invalidation = True  # tests/conftest.py runs it where a commit would

    def consequences(self) -> set[str]:
        topics: set[str] = set()
        db = self.using
        moved = sorted(self.moved)
        if moved:
            topics.add(LIST)
            through = Article.tags.through.objects.using(db)
            bylines = ArticleAuthor.objects.using(db)
            for chunk in batched(moved, 500, strict=False):
                topics.update(
                    map(tag, through.filter(article_id__in=chunk).values_list("tag_id", flat=True))
                )
                topics.update(
                    map(
                        author_listing,
                        bylines.filter(article_id__in=chunk).values_list("author_id", flat=True),
                    )
                )
                # The articles now either side of each (their Previous/Next links).
                public = Article.objects.using(db).published().filter(pk__in=chunk)
                for either_side in public.neighbour_ids():
                    topics.update(neighbours(pk) for pk in either_side if pk)
        checked = sorted(self.checked | self.moved)
        if checked and self.among_newest(checked):
            topics.add(NEWEST)
        if self.removed and self.archive_thin():
            topics.add(THIN)
        return topics

    def among_newest(self, ids: list[int]) -> bool:
        """Whether any of these public articles is as new as the `newest` topic covers:
        among the NEWEST_COUNT newest, or newer than the newest with a picture."""
        published = Article.objects.using(self.using).published().order_by("-published_at", "-pk")
        edge = list(published.values_list("published_at", "pk")[NEWEST_COUNT - 1 : NEWEST_COUNT])
        if not edge:
            return True  # a short archive: every article is among the newest
        edge = edge[0]
        pictured = published.exclude(lead_image="").values_list("published_at", "pk").first()
        if pictured is not None:
            edge = min(edge, pictured)
        for chunk in batched(ids, 500, strict=False):
            rows = published.filter(pk__in=chunk).values_list("published_at", "pk")
            if any(row >= edge for row in rows):
                return True
        return False

    def archive_thin(self) -> bool:
        """Whether fewer articles are public than the front page's capped count shows."""
        full = 20 * MAX_PAGES  # the front page's per_page
        return Article.objects.using(self.using).published()[:full].count() < full


def changed(
    *, articles=(), moved=(), topics=(), checked=(), removed=False, using=DEFAULT_DB_ALIAS
) -> None:
    """Record a change; bumped when its transaction commits (at once outside one).

    `moved`: articles that entered, left or moved in the public order, or changed tags;
    `checked`: public articles whose content changed (a new picture may make one the
    front page's lead); `removed`: something left the public order."""
    if settings.PAGE_CACHE_TIMEOUT <= 0:
        return
    connection = transaction.get_connection(using)
    # Blocks Django's TestCase opens never commit; like Django's own `durable` check,
    # they count as autocommit, so tests see what a committed change does.
    immediate = all(block._from_testcase for block in connection.atomic_blocks)
    target = None
    if not immediate:
        for _, func, _ in connection.run_on_commit:
            if isinstance(getattr(func, "__self__", None), Pending):
                target = func.__self__
    if target is None:
        target = Pending(using)
        if not immediate:
            transaction.on_commit(target.flush, using=using, robust=True)
    target.topics.update(topics)
    target.topics.update(map(article, articles))
    target.topics.update(map(article, moved))
    target.moved.update(moved)
    target.checked.update(checked)
    target.removed |= removed
    if immediate:
        target.flush()


# Signals: the rules for every content model ------------------------------------------


def _article_pre_save(sender, instance, **kwargs):
    if instance._state.adding:
        instance._place_before = None
    else:
        instance._place_before = place(
            instance.stored_value("status"),
            instance.stored_value("published_at"),
            instance.stored_value("trashed_at"),
        )


def _article_saved(sender, instance, created, using=DEFAULT_DB_ALIAS, **kwargs):
    before = getattr(instance, "_place_before", None)
    now = place(instance.status, instance.published_at, instance.trashed_at)
    if created or before != now:
        changed(moved=[instance.pk], removed=before is not None, using=using)
    elif now is not None:
        changed(articles=[instance.pk], checked=[instance.pk], using=using)
    else:
        changed(articles=[instance.pk], using=using)  # a draft: shown nowhere cached


def _article_pre_delete(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    # The tag links go with the row, without signals: their pages must know now.
    tag_ids = type(instance).tags.through.objects.using(using).filter(article_id=instance.pk)
    instance._tags_before = list(tag_ids.values_list("tag_id", flat=True))


def _article_deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    if place(instance.status, instance.published_at, instance.trashed_at) is None:
        changed(articles=[instance.pk], using=using)
        return
    # The pages that showed it (its neighbours' included) carry its own topic.
    topics = [LIST, *map(tag, getattr(instance, "_tags_before", ()))]
    changed(articles=[instance.pk], topics=topics, removed=True, using=using)


def _tags_changed(sender, instance, action, reverse, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
    if action == "pre_clear":
        related = instance.articles if reverse else instance.tags
        instance._cleared = set(related.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    others = instance.__dict__.pop("_cleared", set()) if action == "post_clear" else pk_set or set()
    article_ids = others if reverse else {instance.pk}
    tag_ids = {instance.pk} if reverse else others
    # Tag pages and section blocks carry the tag's topic; the article's pages its own.
    changed(articles=article_ids, topics=map(tag, tag_ids), using=using)


def _byline_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    changed(
        articles=[instance.article_id],
        topics=[author_listing(instance.author_id)],
        using=using,
    )


def _author_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    changed(topics=[author(instance.pk), author_listing(instance.pk)], using=using)


def _tag_pre_save(sender, instance, **kwargs):
    instance._was_section = not instance._state.adding and instance.stored_value("is_section")


def _tag_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    topics = [tag(instance.pk)]
    if instance.is_section or getattr(instance, "_was_section", False):
        topics.append(SECTIONS)
    changed(topics=topics, using=using)


def _correction_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    changed(articles=[instance.article_id], using=using)


def _feature_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    changed(articles=[instance.article_id], topics=[FRONT], using=using)


def _anything_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """A model readers' pages do not show (redirects, review notes, pending changes):
    only the untargeted pages go."""
    changed(using=using)


def connect_signals() -> None:
    rules = {
        Article: (_article_saved, _article_deleted),
        ArticleAuthor: (_byline_changed, _byline_changed),
        Author: (_author_changed, _author_changed),
        Tag: (_tag_changed, _tag_changed),
        Correction: (_correction_changed, _correction_changed),
        Feature: (_feature_changed, _feature_changed),
    }
    pre_save.connect(_article_pre_save, sender=Article, dispatch_uid="pc-pre-article")
    pre_delete.connect(_article_pre_delete, sender=Article, dispatch_uid="pc-predel-article")
    pre_save.connect(_tag_pre_save, sender=Tag, dispatch_uid="pc-pre-tag")
    m2m_changed.connect(_tags_changed, sender=Article.tags.through, dispatch_uid="pc-m2m-tags")
    for model in apps.get_app_config("articles").get_models():
        if model._meta.auto_created or not model._meta.managed:
            continue
        saved, deleted = rules.get(model, (_anything_changed, _anything_changed))
        post_save.connect(saved, sender=model, dispatch_uid=f"pc-save-{model.__name__}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"pc-del-{model.__name__}")
