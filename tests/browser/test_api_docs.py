"""The API's docs page (Swagger UI from our own static files) works under the site's
strict Content-Security-Policy: no CDN, no inline script, no violation. (Its one
allowance: the stylesheet's icons as data: images; api/views.py says why.)"""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


def test_docs_page_shows_every_endpoint_under_the_strict_policy(page, make_article):
    article = make_article(headline="Harbour wall repaired")
    page.add_init_script(COLLECT_VIOLATIONS)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto("/api/v1/docs/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    for path in ["/api/v1/articles/", "/api/v1/articles/{slug}/", "/api/v1/changes/"]:
        page.locator(f".opblock-summary-path[data-path='{path}']").wait_for()
    # Try one out: the UI calls the API from the page (connect-src 'self').
    page.locator(".opblock-summary-path[data-path='/api/v1/articles/{slug}/']").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_placeholder("slug").fill(article.slug)
    page.get_by_role("button", name="Execute").click()
    page.locator(".response .microlight", has_text="Harbour wall repaired").first.wait_for()
    assert page.evaluate("window.cspViolations") == []
    origin = page.url.split("/api/")[0]
    assert all(url.startswith(origin) for url in requested), "only our own files"
