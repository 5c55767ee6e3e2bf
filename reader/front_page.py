"""The front page's hierarchy: a lead story, top stories, the latest, a block per section.

Editors pin the lead and the top stories (articles.models.feature); without a pinned
lead, the newest published story with a picture leads. Everything is read
through `Article.objects.published()`, so a pin never shows a story the public
may not see. The page costs the same few queries at any archive size: the pins,
the fallback lead (only without a pinned lead), and one query for every section
block together (ArticleQuerySet.with_any_tag).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Q

from articles.models import Article
from articles.models.feature import Feature

TOP_STORIES = 4
SECTION_STORIES = 4
# The list columns a card shows: bodies stay in the database.
CARD_DEFERRED = ("body", "body_text")


@dataclass
class SectionBlock:
    section: dict  # as pagecache.sections.sections() gives it
    articles: list[Article]


@dataclass
class FrontPage:
    lead: Article | None
    top: list[Article]
    latest: list[Article]
    sections: list[SectionBlock] = field(default_factory=list)
    # When the first pin runs out: the page must not be kept (cached) past it.
    expires_at: datetime | None = None


def pinned(now) -> list[Article]:
    """Published articles with an active feature, lead first, newest pin first."""
    active = Q(feature__expires_at__isnull=True) | Q(feature__expires_at__gt=now)
    articles = (
        Article.objects.published(now)
        .filter(feature__slot__in=Feature.Slot.values)
        .filter(active)
        .annotate(
            feature_slot=F("feature__slot"),
            feature_expires_at=F("feature__expires_at"),
            feature_created_at=F("feature__created_at"),
        )
        .defer(*CARD_DEFERRED)
        .with_tag_links()
        .with_author_links()
    )
    return sorted(
        articles,
        key=lambda a: (a.feature_slot != Feature.Slot.LEAD, -a.feature_created_at.timestamp()),
    )


def newest_pictured(now) -> Article | None:
    """The newest published story with an uploaded picture (a partial index serves it)."""
    articles = Article.objects.published(now).exclude(lead_image="")
    articles = articles.defer(*CARD_DEFERRED).with_tag_links().with_author_links()
    return articles.order_by("-published_at", "-pk").first()


def section_blocks(sections: list[dict], shown: set[int], now) -> list[SectionBlock]:
    """Each section's newest stories not shown higher up the page, in one query."""
    if not sections:
        return []
    tag_ids = [section["id"] for section in sections]
    found = (
        Article.objects.with_any_tag(tag_ids, SECTION_STORIES, exclude=shown)
        .defer(*CARD_DEFERRED)
        .with_tag_links()
        .order_by("-published_at", "-pk")
    )
    found = list(found)
    blocks = []
    for section in sections:
        articles = [a for a in found if any(t.pk == section["id"] for t in a.tag_list)]
        if articles:
            blocks.append(SectionBlock(section, articles[:SECTION_STORIES]))
    return blocks


def build(page: list[Article], sections: list[dict], now) -> FrontPage:
    """The front page around `page`, the newest published articles (the list's first page)."""
    pins = pinned(now)
    leads = [a for a in pins if a.feature_slot == Feature.Slot.LEAD]
    lead = leads[0] if leads else newest_pictured(now)
    if lead is None and page:
        lead = page[0]
    top = [a for a in pins if lead is None or a.pk != lead.pk][:TOP_STORIES]
    shown = {a.pk for a in top} | ({lead.pk} if lead else set())
    latest = [a for a in page if a.pk not in shown]
    expiries = [a.feature_expires_at for a in pins if a.feature_expires_at]
    return FrontPage(
        lead=lead,
        top=top,
        latest=latest,
        sections=section_blocks(sections, shown | {a.pk for a in latest}, now),
        expires_at=min(expiries, default=None),
    )
