"""Helpers the browser tests share: keyboard travel, focus style, page content."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from articles.models import Article
from editorial import publishing

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SUMMARY_CONTROL = "details.summary > summary"


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def focus_outline(page) -> dict:
    """The computed outline of the focused element: the visible focus indicator."""
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
        }"""
    )


def assert_focus_visible(page) -> None:
    outline = focus_outline(page)
    assert outline["style"] != "none" and outline["width"] >= 2, outline


def card_headlines(page) -> list[str]:
    return [text.strip() for text in page.locator(".card-headline").all_inner_texts()]


def front_headlines(page) -> list[str]:
    """Every story on the front page in reading order: the lead, the top stories, the latest."""
    stories = page.locator(".lead-headline, .top-headline, .card-headline")
    return [text.strip() for text in stories.all_inner_texts()]


def make_stories(make_article):
    """Three published stories in time order, with a draft and a scheduled one that
    the public pages must skip, two tags, and a rich body on the middle one."""
    oldest = make_article(
        headline="Harbour fog delays the morning ferries",
        standfirst="Commuters waited two hours on the quay.",
        tags=["Transport"],
    )
    middle = make_article(
        headline="Library opens late on Fridays",
        standfirst="The central library will stay open until ten.",
        byline="Ada Reporter",
        summary="The central library now stays open until 10pm on Fridays, starting next month.",
        body=(
            "<p>The <strong>central library</strong> will open late every Friday.</p>"
            "<h2>What changes</h2><ul><li>Doors close at 10pm.</li><li>The café stays open."
            "</li></ul><blockquote><p>We want the building used.</p></blockquote>"
            '<p>Read the <a href="https://example.org/library">council notice</a>.</p>'
        ),
        source_name="City Desk",
        source_url="https://example.org/city-desk",
        tags=["Culture", "Local"],
    )
    make_article(headline="Draft about parking fees", status=Article.Status.DRAFT)
    newest = make_article(headline="Council approves new cycle lanes", tags=["Transport", "Local"])
    make_article(
        headline="Embargoed budget story",
        published_at=timezone.now() + timedelta(days=1),
        tags=["Transport"],
    )
    return oldest, middle, newest


def axe_violations(page, axe_script) -> list[str]:
    """axe-core's violations on the page as it is now, one line each.

    axe runs all its default rules (WCAG 2.x A and AA, colour contrast included, and
    its best practices) on the whole document.
    """
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate("async () => (await axe.run()).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in violations
    ]


def add_correction(article, note="An earlier version gave the wrong closing time."):
    """A correction published under `article`, as the desk's save_change() makes one."""
    publishing.save_change(article, by=None, kind="correction", note=note)
    return article


def make_newspaper(make_article, make_tag):
    """A front page with hierarchy: sections, two reporters, pictured stories, a pinned
    lead and top stories, and tags shared so every story has related ones. Returns
    the stories by name."""
    from articles.models.author import Author
    from articles.models.feature import Feature
    from ingest.demo_pictures import ensure_pictures

    for order, name in enumerate(["Politics", "Transport", "Culture", "Sport"], 1):
        make_tag(name, is_section=True, section_order=order)
    ann = Author.objects.create(
        name="Ann Reed",
        slug="ann-reed",
        role="Transport correspondent",
        bio="Ann has covered the region's roads, railways and ports for ten years.",
    )
    ben = Author.objects.create(name="Ben Cole", slug="ben-cole", role="Politics reporter")
    pictures = ensure_pictures()
    body = (
        "<p>The council met on Tuesday to settle the plan, after two years of argument.</p>"
        "<p>Officials put the cost at twelve million, spread over four years. About 3,000 "
        "people answered the consultation, a record for the area.</p>"
        "<p>Critics say the timetable leaves little room for the surveys the law requires. "
        "Supporters point to similar schemes elsewhere that finished on time.</p>"
        "<p>A decision is due next month, when the full figures are published.</p>"
    )
    specs = [
        ("rail", "Night trains return to the coast line after twenty years", ["Transport"], [ann]),
        ("ferry", "Harbour ferry timetable cut for the winter", ["Transport"], [ann, ben]),
        ("budget", "Council budget vote delayed by a week", ["Politics"], [ben]),
        ("library", "Library opens late on Fridays", ["Culture"], []),
        ("cup", "Town side reaches the county cup final", ["Sport"], []),
        ("bridge", "Footbridge repairs finish ahead of schedule", ["Transport", "Politics"], [ann]),
        ("festival", "Film festival brings record crowds", ["Culture"], []),
        ("tram", "Tram line survey starts in the spring", ["Transport"], [ann]),
    ]
    stories = {}
    for number, (key, headline, tags, authors) in enumerate(specs):
        picture = pictures[number % len(pictures)]
        article = make_article(
            headline=headline,
            standfirst=f"{headline.split(' ', 3)[-1].capitalize()}: what it means for readers.",
            body=body,
            byline="" if authors else "Newsroom Wire",
            tags=tags,
            lead_image=picture.name,
            lead_image_renditions=picture.renditions,
            lead_image_alt=picture.alt,
            lead_image_caption=picture.caption,
            lead_image_credit="Drawing: Newsroom demo",
        )
        for position, author in enumerate(authors):
            article.bylines.create(author=author, position=position)
        stories[key] = article
    earlier = timezone.now() - timedelta(days=60)
    for number in range(24):  # older stories, for the front page's section blocks
        section = ["Politics", "Transport", "Culture", "Sport"][number % 4]
        make_article(
            headline=f"{section} briefing: week {24 - number} in review",
            standfirst="The week's stories in brief.",
            body=body,
            tags=[section],
            published_at=earlier - timedelta(days=number),
        )
    Feature.objects.create(article=stories["rail"], slot=Feature.Slot.LEAD)
    for key in ("budget", "cup", "library"):
        Feature.objects.create(article=stories[key], slot=Feature.Slot.TOP)
    return stories
