"""The admin's article form, rich-text editor included, works under the strict CSP.

Chromium reports each blocked script, style or connection as a
`securitypolicyviolation` event (and a console error, which the `page` fixture
also fails on). The editor must load, take typing and formatting, and trigger none.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.signing_in import authenticator, pass_second_step

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long desk password 42"
COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


def test_article_form_and_body_editor_raise_no_csp_violation(page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    app = authenticator(User.objects.create_superuser("desk", "desk@example.org", PASSWORD))
    page.add_init_script(COLLECT_VIOLATIONS)
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    pass_second_step(page, app)
    page.wait_for_url(f"**{reverse('admin:index')}")

    response = page.goto(reverse("admin:articles_article_add"))
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    editor = page.locator(".prose-editor > .ProseMirror")
    editor.click()
    page.keyboard.type("Typed under a strict policy.")
    page.keyboard.press("Control+b")
    page.keyboard.type(" Bold.")
    assert editor.inner_html() == "<p>Typed under a strict policy.<strong> Bold.</strong></p>"
    page.locator("#id_headline").press_sequentially("Harbour wall repaired")
    assert page.input_value("#id_slug") == "harbour-wall-repaired"  # admin JS ran too
    assert page.evaluate("window.cspViolations") == []
