"""Helpers the browser tests share: keyboard travel, focus style, page content."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from articles.models import Article

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
    article.save_change(by=None, kind="correction", note=note)
    return article
