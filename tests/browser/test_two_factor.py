"""Two-factor sign-in in a real browser, under the site's strict CSP: an Editor sets
up an authenticator app and signs in with it; a passkey is made and used with
Chromium's virtual authenticator; a recovery code works once; and an Editor who has
not set up a second factor never reaches the desk."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.signing_in import app_code, authenticator, recovery_codes

from .pages import axe_violations
from .test_admin_csp import COLLECT_VIOLATIONS
from .test_desk import PASSWORD, staff

pytestmark = pytest.mark.django_db(transaction=True)

DESK_HEADING = "The desk"


@pytest.fixture
def desk_page(new_page, roles):
    """A page that records CSP violations (checked by each test) and console errors."""
    page = new_page()
    page.add_init_script(COLLECT_VIOLATIONS)
    return page


def sign_in(page, username):
    """The admin's password form: the first step."""
    page.goto(reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"**{reverse('admin:logout')}")


def at_the_desk(page) -> bool:
    page.wait_for_load_state()
    return page.get_by_role("heading", name=DESK_HEADING).is_visible()


def assert_no_csp_violations(page):
    assert page.evaluate("window.cspViolations") == []


def test_an_editor_sets_up_an_app_and_signs_in_with_it(desk_page):
    page = desk_page
    editor = staff("eve", "Editors")
    sign_in(page, "eve")
    page.wait_for_url(f"**{reverse('accounts:overview')}?next=*")
    assert page.get_by_text("Your role needs a second factor").is_visible()
    assert_no_csp_violations(page)

    page.get_by_role("link", name="Add an authenticator app").click()
    assert page.locator(".qr svg").is_visible()
    # What an authenticator app would compute from the key on the page.
    secret = page.inner_text("#totp-secret").replace(" ", "")
    page.fill("#id_code", f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="Add the app").click()

    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    assert_no_csp_violations(page)
    page.get_by_role("link", name="I have saved them: continue").click()
    assert at_the_desk(page)

    log_out(page)
    sign_in(page, "eve")
    assert page.get_by_role("heading", name="Authenticator app").is_visible()
    page.fill("#id_code", app_code(TOTPDevice.objects.get(user=editor)))
    page.get_by_role("button", name="Verify").click()
    assert at_the_desk(page)
    assert_no_csp_violations(page)


def add_virtual_authenticator(page):
    """Chromium's virtual authenticator (CDP), as a platform one with a fingerprint."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator_id = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]
    return cdp, authenticator_id


def test_an_editor_makes_a_passkey_and_signs_in_with_it(desk_page, live_server, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    page = desk_page
    cdp, authenticator_id = add_virtual_authenticator(page)
    editor = staff("eve", "Editors")

    sign_in(page, "eve")
    page.get_by_role("link", name="Add a passkey").click()
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(f"**{reverse('accounts:overview')}?next=*")
    assert page.locator(".two-factor-devices td", has_text="Passkey").is_visible()
    credential = WebAuthnCredential.objects.get(user=editor)
    assert credential.confirmed
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1  # the key stays in the authenticator
    page.get_by_role("link", name="Continue to the desk").click()
    assert at_the_desk(page)

    log_out(page)
    sign_in(page, "eve")
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url(f"{live_server.url}{reverse('admin:index')}")  # the script's redirect
    assert at_the_desk(page)
    credential.refresh_from_db()
    assert credential.last_used_at is not None
    assert_no_csp_violations(page)


def test_a_recovery_code_works_once_and_only_once(desk_page):
    page = desk_page
    editor = staff("eve", "Editors")
    authenticator(editor)
    recovery_codes(editor, "abcd2345", "wxyz6777")

    sign_in(page, "eve")
    page.fill("#id_recovery_code", "abcd2345")
    page.get_by_role("button", name="Use the recovery code").click()
    assert at_the_desk(page)
    assert "1 left" in page.locator(".messagelist").inner_text()

    log_out(page)
    sign_in(page, "eve")
    page.fill("#id_recovery_code", "abcd2345")
    page.get_by_role("button", name="Use the recovery code").click()
    assert page.get_by_text("That recovery code is not valid, or it was used already.").is_visible()
    page.goto(reverse("admin:articles_article_changelist"))
    assert page.get_by_role("heading", name="Two-factor sign-in").is_visible()
    assert not at_the_desk(page)
    assert_no_csp_violations(page)


def test_an_editor_without_a_second_factor_never_reaches_the_desk(desk_page):
    page = desk_page
    staff("eve", "Editors")
    sign_in(page, "eve")
    for url in [reverse("admin:index"), reverse("admin:articles_article_add")]:
        page.goto(url)
        assert page.get_by_text("Your role needs a second factor").is_visible()
        assert page.locator("#user-tools").count() == 0
        assert not at_the_desk(page)


def test_two_factor_pages_have_no_axe_violations(new_page, roles, axe_script, scheme):
    page = new_page(color_scheme=scheme, bypass_csp=True)  # axe is injected inline
    editor = staff("eve", "Editors")
    sign_in(page, "eve")  # nothing enrolled: the set-up page
    assert axe_violations(page, axe_script) == []
    page.get_by_role("link", name="Add an authenticator app").click()
    assert axe_violations(page, axe_script) == []
    page.fill("#id_code", app_code(TOTPDevice.objects.get(user=editor)))
    page.get_by_role("button", name="Add the app").click()
    assert axe_violations(page, axe_script) == []  # the recovery codes
    log_out(page)
    sign_in(page, "eve")  # the second step
    assert axe_violations(page, axe_script) == []
