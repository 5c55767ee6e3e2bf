"""Two-factor sign-in for staff (accounts/): who needs it, the second step, enrolment,
recovery codes, and resets. The browser tests (tests/browser/test_two_factor.py) drive
the same pages with a real app code and a virtual passkey."""

import re
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import devices
from articles.models import Article
from editorial.roles import AUTHORS
from tests.signing_in import app_code, authenticator, recovery_codes

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
VERIFY = reverse("accounts:verify")
OVERVIEW = reverse("accounts:overview")
ADD_APP = reverse("accounts:add_app")
DESK = reverse("admin:index")
DRAFTS = reverse("admin:articles_article_changelist")


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(make_user, roles):
    """A staff member in a role, with a password, as the admin's login form needs."""

    def make(username, role=None, **fields):
        user = make_user(username, role, **fields)
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


def sign_in(client, user, **extra):
    """The admin's login form, password only: the first of the two steps."""
    return client.post(
        reverse("admin:login"),
        {"username": user.get_username(), "password": PASSWORD, "next": DESK},
        **extra,
    )


def second_step(response) -> str:
    assert response.status_code == 302, response
    return response["Location"]


# Who must pass a second factor.


def test_an_editor_without_a_second_factor_cannot_reach_the_desk(client, staff, make_article):
    editor = staff("eve", "Editors")
    draft = make_article(status=Article.Status.DRAFT)
    assert second_step(sign_in(client, editor)) == DESK  # the password was right
    for url in [
        DESK,
        DRAFTS,
        reverse("admin:articles_article_change", args=[draft.pk]),
        reverse("admin:password_change"),
        draft.get_preview_url(),  # a staff preview
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{VERIFY}?next="), url
    # Posting is refused the same way: nothing is written.
    response = client.post(reverse("admin:articles_article_add"), {"headline": "Forged"})
    assert response["Location"].startswith(VERIFY)
    assert not Article.objects.filter(headline="Forged").exists()
    # The second step sends someone with nothing enrolled to set something up.
    enrol = client.get(f"{VERIFY}?next={DRAFTS}")
    assert enrol["Location"] == f"{OVERVIEW}?next={DRAFTS.replace('/', '%2F')}"
    page = client.get(enrol["Location"]).content.decode()
    assert "Your role needs a second factor to use the desk" in page
    assert 'id="user-tools"' not in page  # no desk links, only a way out:
    assert f'action="{reverse("admin:logout")}"' in page


def test_a_fresh_installs_first_superuser_is_walked_into_enrolment(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser",
        "--noinput",
        "--username=chief",
        "--email=c@example.org",
        stdout=StringIO(),
    )
    response = client.post(
        reverse("admin:login"),
        {"username": "chief", "password": PASSWORD, "next": DESK},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(OVERVIEW)
    assert "Add an authenticator app" in response.content.decode()
    assert client.get(ADD_APP).status_code == 200
    device = TOTPDevice.objects.get(user__username="chief", confirmed=False)
    page = client.post(ADD_APP, {"code": app_code(device), "next": DESK})
    assert page.status_code == 200
    assert len(recovery_code_list(page)) == 10  # shown once, with the first app
    assert client.get(DESK).status_code == 200


def recovery_code_list(response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


@pytest.mark.parametrize("role", ["Editors", None])
def test_editors_and_staff_without_a_role_need_a_second_factor(client, staff, role):
    client.force_login(staff("eve", role), second_factor=False)
    assert client.get(DESK)["Location"].startswith(VERIFY)


def test_authors_may_go_without_one_unless_the_setting_says_otherwise(client, staff, settings):
    author = staff("ann", AUTHORS)
    client.force_login(author, second_factor=False)
    assert client.get(DRAFTS).status_code == 200
    settings.TWO_FACTOR_REQUIRED_FOR_AUTHORS = True
    assert client.get(DRAFTS)["Location"].startswith(VERIFY)


def test_an_author_who_enrolled_must_use_it(client, staff):
    author = staff("ann", AUTHORS)
    authenticator(author)
    client.force_login(author, second_factor=False)
    assert client.get(DRAFTS)["Location"].startswith(VERIFY)


def test_readers_requests_are_left_alone(client):
    """Without a session cookie nobody is signed in: the session is not even read, so
    public responses do not start to vary on cookies."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")


def test_logging_out_needs_no_second_factor(client, staff):
    client.force_login(staff("eve", "Editors"), second_factor=False)
    client.post(reverse("admin:logout"))
    assert "_auth_user_id" not in client.session


# The second step.


def test_an_app_code_finishes_signing_in_and_works_once(client, staff):
    editor = staff("eve", "Editors")
    device = authenticator(editor)
    sign_in(client, editor)
    code = app_code(device)
    response = client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}", "next": DRAFTS})
    assert response["Location"] == DRAFTS
    assert client.get(DRAFTS).status_code == 200

    client.logout()
    sign_in(client, editor)
    page = client.post(VERIFY, {"code": code, "next": DRAFTS})
    assert page.status_code == 200
    assert "That code is not right" in page.content.decode()
    assert client.get(DRAFTS)["Location"].startswith(VERIFY)


def test_wrong_codes_are_throttled(client, staff):
    editor = staff("eve", "Editors")
    device = authenticator(editor)
    sign_in(client, editor)
    assert "That code is not right" in client.post(VERIFY, {"code": "000000"}).content.decode()
    # Even the right code waits until the delay (doubling with each failure) is over.
    page = client.post(VERIFY, {"code": app_code(device)}).content.decode()
    assert "Too many wrong codes in a row" in page
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the refused attempt was not even tried


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "12345", "Enter the six digits your authenticator app shows."),
        ("code", "abcdef", "Enter the six digits your authenticator app shows."),
        ("recovery_code", "not a code!", "Enter one of your recovery codes"),
    ],
)
def test_malformed_codes_are_named(client, staff, field, value, message):
    editor = staff("eve", "Editors")
    authenticator(editor)
    recovery_codes(editor, "abcd2345")
    sign_in(client, editor)
    page = client.post(VERIFY, {field: value})
    assert page.status_code == 200
    assert message in page.content.decode()


def test_a_recovery_code_works_once_and_only_once(client, staff):
    editor = staff("eve", "Editors")
    authenticator(editor)
    recovery_codes(editor, "abcd2345", "wxyz6777")
    sign_in(client, editor)
    response = client.post(VERIFY, {"recovery_code": "ABCD-2345", "next": DRAFTS})
    assert response["Location"] == DRAFTS
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["wxyz6777"]
    assert "1 left" in client.get(DRAFTS, follow=True).content.decode()

    client.logout()
    sign_in(client, editor)
    page = client.post(VERIFY, {"recovery_code": "abcd2345", "next": DRAFTS})
    assert "That recovery code is not valid, or it was used already." in page.content.decode()
    assert client.get(DRAFTS)["Location"].startswith(VERIFY)


def test_an_operator_lets_a_locked_out_superuser_in_with_a_one_time_code(client, staff):
    """The last superuser lost everything: `addstatictoken` (django-otp's) on the server."""
    root = staff("root", is_superuser=True)
    authenticator(root)  # the phone that was lost
    out = StringIO()
    call_command("addstatictoken", "root", stdout=out)
    sign_in(client, root)
    response = client.post(VERIFY, {"recovery_code": out.getvalue().strip(), "next": DESK})
    assert response["Location"] == DESK
    assert client.get(DESK).status_code == 200


def test_next_never_leaves_the_site(client, staff):
    editor = staff("eve", "Editors")
    device = authenticator(editor)
    sign_in(client, editor)
    response = client.post(VERIFY, {"code": app_code(device), "next": "https://evil.example/"})
    assert response["Location"] == DESK


def test_passkeys_are_never_a_password_substitute(client):
    """Passwordless sign-in is off: an anonymous passkey ceremony is refused."""
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code == 403
    assert response.json()["code"] == "passwordless_login_disabled"


# Enrolment.


def test_a_half_signed_in_session_cannot_add_a_device(client, staff):
    """Someone holding only the password of an enrolled account adds nothing of theirs."""
    editor = staff("eve", "Editors")
    authenticator(editor)
    sign_in(client, editor)
    for url in [ADD_APP, reverse("accounts:add_passkey"), OVERVIEW]:
        assert client.get(url)["Location"].startswith(VERIFY), url
    assert client.post(ADD_APP, {"code": "123456"})["Location"].startswith(VERIFY)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_adding_an_app_keeps_one_secret_until_it_is_confirmed(client, staff):
    editor = staff("eve", "Editors")
    client.force_login(editor, second_factor=False)
    first, again = client.get(ADD_APP), client.get(ADD_APP)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', first.content.decode()).group(1)
    assert secret in again.content.decode()
    assert "<svg" in first.content.decode()  # the QR code, inline: no script, no data: URL
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    page = client.post(ADD_APP, {"code": "000000"})
    assert "That code is not right" in page.content.decode()
    assert client.get(DESK)["Location"].startswith(VERIFY)


def test_recovery_codes_can_be_replaced_by_a_signed_in_user(client, staff):
    editor = staff("eve", "Editors")
    recovery_codes(editor, "abcd2345")
    client.force_login(editor)
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert "You have 1 recovery code left" in page
    codes = recovery_code_list(client.post(reverse("accounts:recovery_codes")))
    assert len(set(codes)) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)


def test_an_editor_cannot_remove_their_last_second_factor(client, staff):
    editor = staff("eve", "Editors")
    client.force_login(editor)
    device = authenticator(editor)
    url = reverse("accounts:remove_device", args=["app", device.pk])
    assert "add another app or passkey" in client.post(url, follow=True).content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_an_author_may_remove_theirs_and_the_recovery_codes_go_with_it(client, staff):
    author = staff("ann", AUTHORS)
    client.force_login(author)
    recovery_codes(author, "abcd2345")
    device = authenticator(author)
    client.post(reverse("accounts:remove_device", args=["app", device.pk]))
    assert not TOTPDevice.objects.filter(user=author).exists()
    assert not StaticDevice.objects.filter(user=author).exists()
    assert client.get(DRAFTS).status_code == 200  # optional for Authors


def test_nobody_removes_another_users_device(client, staff):
    editor, other = staff("eve", "Editors"), staff("ed", "Editors")
    client.force_login(editor)
    device = authenticator(other)
    url = reverse("accounts:remove_device", args=["app", device.pk])
    assert client.post(url).status_code == 404
    assert (
        client.post(reverse("accounts:remove_device", args=["sms", device.pk])).status_code == 403
    )


# Resets after a lost device.


def enrol_everything(user):
    authenticator(user)
    recovery_codes(user, "abcd2345")
    WebAuthnCredential.objects.create(
        user=user, credential_id=b"x" * 16, public_key=b"key", confirmed=True
    )


def test_an_editor_resets_an_authors_second_factors(client, staff):
    editor, author = staff("eve", "Editors"), staff("ann", AUTHORS)
    enrol_everything(author)
    client.force_login(editor)
    page = client.get(reverse("accounts:staff")).content.decode()
    assert "<td>ann</td>" in page and "<td>eve</td>" not in page
    response = client.post(reverse("accounts:reset", args=[author.pk]), follow=True)
    assert "Two-factor sign-in reset for ann" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=author).exists()
    assert not StaticDevice.objects.filter(user=author).exists()
    assert not WebAuthnCredential.objects.filter(user=author).exists()
    entry = LogEntry.objects.get(object_id=str(author.pk))
    assert (entry.user, entry.change_message) == (
        editor,
        "Reset two-factor sign-in: every device and recovery code removed.",
    )


def test_a_session_that_passed_a_reset_device_goes_back_to_enrolment(client, staff):
    editor, root = staff("eve", "Editors"), staff("root", is_superuser=True)
    client.force_login(editor)
    assert client.get(DRAFTS).status_code == 200
    devices.reset(editor, by=root)
    assert client.get(DRAFTS)["Location"].startswith(VERIFY)
    assert client.get(VERIFY)["Location"].startswith(OVERVIEW)


@pytest.mark.parametrize(
    ("roles", "superuser"), [(["Editors"], False), ([AUTHORS, "Editors"], False), ([], True)]
)
def test_an_editor_resets_nobody_but_authors(client, staff, roles, superuser):
    editor = staff("eve", "Editors")
    target = staff("ed", is_superuser=superuser)
    target.groups.set(Group.objects.filter(name__in=roles))
    enrol_everything(target)
    client.force_login(editor)
    assert "ed</td>" not in client.get(reverse("accounts:staff")).content.decode()
    assert client.post(reverse("accounts:reset", args=[target.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()


def test_a_superuser_resets_an_editors(client, staff):
    root, editor = staff("root", is_superuser=True), staff("eve", "Editors")
    enrol_everything(editor)
    client.force_login(root)
    client.post(reverse("accounts:reset", args=[editor.pk]))
    assert not TOTPDevice.objects.filter(user=editor).exists()
    # The editor's next sign-in walks them into enrolment again.
    other = type(client)()
    sign_in(other, editor)
    assert other.get(VERIFY)["Location"].startswith(OVERVIEW)


def test_authors_reset_nobody(client, staff):
    author, other = staff("ann", AUTHORS), staff("al", AUTHORS)
    client.force_login(author)
    assert client.get(reverse("accounts:staff")).status_code == 403
    assert client.post(reverse("accounts:reset", args=[other.pk])).status_code == 403


def test_resets_need_a_verified_session(client, staff):
    editor, author = staff("eve", "Editors"), staff("ann", AUTHORS)
    authenticator(editor)
    enrol_everything(author)
    client.force_login(editor, second_factor=False)
    assert client.post(reverse("accounts:reset", args=[author.pk]))["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=author).exists()
