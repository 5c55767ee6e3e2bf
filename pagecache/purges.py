"""What a change purges: the surrogate keys (pagecache.keys) of every response that
showed the content before the change or would show it after.

Computed inside the change's transaction, from the change itself: the stored row
before (read by pre_save, pre_delete) and after, and for bulk writes from what
editorial announces (pagecache.announcements). The keys go to the outbox
(pagecache.outbox) in that same transaction, and are purged once it commits.

- a story edited in place: `article:<id>` (its page, and every list, feed and
  neighbour's page linking it, which declare it too);
- a story entering, leaving or moving in the public order (published, scheduled,
  unpublished, trashed, its time changed): also `list:newest`, its tags and authors
  (their listings), and `neighbours:<id>` of the stories now either side of it
  (their Previous/Next; those before linked the story, so its own key reaches them);
  a scheduled story counts by its time, so what will show it is re-rendered now
  and capped at that time (pagecache.caching), with no job to run when it passes;
- tags, authors, bylines, corrections, pins: their own keys and their stories';
- every change purges `any` (search, sitemaps, corrections); a bulk load that does
  not say what it wrote purges `all`.
"""

from itertools import batched

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from articles.models import Article, ArticleAuthor, Author, Correction, Feature, Tag
from editorial.announcements import place
from pagecache import keys, outbox


def changed(purged, using=DEFAULT_DB_ALIAS) -> None:
    outbox.write([keys.ANY, *purged], using=using)


def moved(ids, using=DEFAULT_DB_ALIAS) -> list[str]:
    """The keys of stories that entered, left or moved in the public order: their
    listings, and their neighbours now (those before linked the story itself)."""
    ids = sorted(set(ids))
    if not ids or settings.PAGE_CACHE_TIMEOUT <= 0:
        return []  # nothing is cached: no query to find what to purge
    purged = [keys.NEWEST, *map(keys.article, ids)]
    through = Article.tags.through.objects.using(using)
    bylines = ArticleAuthor.objects.using(using)
    for chunk in batched(ids, 500, strict=False):
        links = through.filter(article_id__in=chunk).values_list("tag_id", flat=True)
        purged += map(keys.tag, links)
        purged += map(
            keys.author, bylines.filter(article_id__in=chunk).values_list("author_id", flat=True)
        )
        public = Article.objects.using(using).published().filter(pk__in=chunk)
        for either_side in public.neighbour_ids():
            purged += [keys.neighbours(pk) for pk in either_side if pk]
        # A scheduled story's neighbours-to-be: their pages gain its link at its time.
        for story in Article.objects.using(using).scheduled().filter(pk__in=chunk):
            purged += [keys.neighbours(pk) for pk in neighbours_to_be(story, using)]
    return purged


def neighbours_to_be(story: Article, using) -> list[int]:
    published = Article.objects.using(using).published()
    older = published.older_than(story).order_by("-published_at", "-pk")
    newer = published.newer_than(story).order_by("published_at", "pk")
    return [pk for pk in (older.values_list("pk", flat=True).first(),
                          newer.values_list("pk", flat=True).first()) if pk]  # fmt: skip


# Signals: what a save, a delete or a link change purges --------------------------------


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
    if (created or before != now) and (before is not None or now is not None):
        changed(moved([instance.pk], using), using)
    else:
        changed([keys.article(instance.pk)], using)


def _article_pre_delete(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    # The tag links and bylines go with the row, without signals: read them now.
    instance._purged_before = moved([instance.pk], using)


def _article_deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    changed(getattr(instance, "_purged_before", [keys.article(instance.pk)]), using)


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
    changed([*map(keys.article, article_ids), *map(keys.tag, tag_ids)], using)


def _byline_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    changed([keys.article(instance.article_id), keys.author(instance.author_id)], using)


def _author_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    changed([keys.author(instance.pk)], using)


def _tag_pre_save(sender, instance, **kwargs):
    instance._was_section = not instance._state.adding and instance.stored_value("is_section")


def _tag_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    purged = [keys.tag(instance.pk)]
    if instance.is_section or getattr(instance, "_was_section", False):
        purged.append(keys.SECTIONS)
    changed(purged, using)


def _correction_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    changed([keys.article(instance.article_id)], using)


def _feature_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    changed([keys.article(instance.article_id), keys.FRONT], using)


def _anything_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """A model readers' pages do not show (redirects, review notes, pending changes):
    only the responses depending on every change go."""
    changed([], using)


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
