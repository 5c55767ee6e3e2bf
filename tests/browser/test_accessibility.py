"""Accessibility: axe-core run in Chromium on the reader pages, in light and dark schemes.

axe runs all of its default rules (WCAG 2.x A and AA, colour contrast included, plus
its best practices). The script is injected with Playwright; `bypass_csp` lets it
run under the site's Content-Security-Policy, which is the page's own business.
"""

import pytest

from .pages import DESKTOP, PHONE, add_correction, axe_violations, make_newspaper, make_stories

pytestmark = pytest.mark.django_db(transaction=True)

# Backgrounds of the two schemes in reader/static/css/site.css, to prove the scheme applied.
BACKGROUNDS = {"light": "rgb(255, 255, 255)", "dark": "rgb(18, 18, 18)"}


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def scheme_page(new_page, scheme, request):
    page = new_page(viewport=request.param, color_scheme=scheme, bypass_csp=True)
    return page


def test_reader_pages_have_no_axe_violations(
    scheme_page, scheme, axe_script, make_article, make_tag, console_errors
):
    paper = make_newspaper(make_article, make_tag)
    oldest, middle, newest = make_stories(make_article)
    add_correction(middle)  # its page shows the corrections box and "Updated"
    page = scheme_page
    for url in [
        "/",
        middle.get_absolute_url(),
        paper["ferry"].get_absolute_url(),
        "/tags/transport/",
        "/authors/ann-reed/",
        "/tags/local/",
        "/search/?q=library",
        "/corrections/",
        "/no-such-page/",
    ]:
        response = page.goto(url)
        assert response.status == (404 if url == "/no-such-page/" else 200)
        assert (
            page.evaluate("() => getComputedStyle(document.body).backgroundColor")
            == (BACKGROUNDS[scheme])
        )
        if page.locator("details.summary").count():
            # Check the summary's text too, which is hidden until opened.
            page.get_by_text("No time to read? Get a summary").click()
            assert page.locator(".summary-text").is_visible()
        assert axe_violations(page, axe_script) == [], url
    # The 404 response itself is the only error the browser may report.
    assert [
        e for e in console_errors if "status of 404" not in e or "/no-such-page/" not in e
    ] == []
    console_errors.clear()


def test_axe_reports_poor_contrast(scheme_page, axe_script):
    """The check above would pass vacuously if axe did not run or skipped contrast."""
    page = scheme_page
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Contrast</title></head><body>'
        '<main><h1>Contrast</h1><p style="color:#777;background:#888">Faint text</p></main>'
        "</body></html>"
    )
    assert any(v.startswith("color-contrast") for v in axe_violations(page, axe_script))
