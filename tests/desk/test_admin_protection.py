"""The admin door: lockout by account and by address, a configurable address, password rules."""

import importlib

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import clear_url_caches, reverse

from newsroom.client_ip import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Every login attempt hashes a password; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", password=PASSWORD, is_staff=True)


def log_in(client, username, password, address="203.0.113.5"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def fail_until_locked(client, settings, username="editor", address="203.0.113.5"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, username, "wrong password", address)
    return response


def test_failure_limit_locks_the_username_from_that_address(client, settings, editor):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "editor", "wrong password").status_code == 200  # form again
    locked = log_in(client, "editor", "wrong password")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Even the right password is refused while locked.
    assert log_in(client, "editor", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_username_sprayed_from_many_addresses_is_locked(client, settings, editor):
    """One failure from each of many addresses: the account is locked everywhere."""
    User.objects.create_user("other", password=PASSWORD, is_staff=True)
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "editor", "wrong", address=f"203.0.113.{number}").status_code == 200
    locked = log_in(client, "editor", "wrong", address="198.51.100.99")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    # Even the right password, from an address never seen before.
    assert log_in(client, "editor", PASSWORD, address="192.0.2.200").status_code == 429
    assert "_auth_user_id" not in client.session
    # Nobody else is locked out by it; and the usual way out works.
    assert log_in(client, "other", PASSWORD, address="192.0.2.201").status_code == 302
    client.logout()
    call_command("axes_reset_username", "editor", stdout=None)
    assert log_in(client, "editor", PASSWORD, address="192.0.2.200").status_code == 302


def test_many_usernames_from_one_address_lock_the_address(client, settings, editor):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess{number}", "wrong", address="203.0.113.5")
    assert log_in(client, "editor", PASSWORD, address="203.0.113.5").status_code == 429
    assert log_in(client, "editor", PASSWORD, address="198.51.100.7").status_code == 302


def test_lockout_ends_after_the_cool_off(client, settings, editor):
    fail_until_locked(client, settings)
    assert log_in(client, "editor", PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get()
    AccessAttempt.objects.update(attempt_time=attempt.attempt_time - settings.AXES_COOLOFF_TIME)
    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_axes_reset_username_unlocks(client, settings, editor):
    fail_until_locked(client, settings)
    assert log_in(client, "editor", PASSWORD).status_code == 429
    call_command("axes_reset_username", "editor", stdout=None)
    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_successful_login_clears_earlier_failures(client, settings, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "editor", "wrong password")
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "editor", "wrong password")
    assert log_in(client, "editor", PASSWORD).status_code == 302  # not locked: count restarted


@pytest.fixture
def admin_url(settings):
    """Rebuild the URLconf with the admin somewhere else, then put it back."""
    import newsroom.urls

    def move(url):
        settings.ADMIN_URL = url
        importlib.reload(newsroom.urls)
        clear_url_caches()

    yield move
    settings.ADMIN_URL = "admin/"
    importlib.reload(newsroom.urls)
    clear_url_caches()


def test_admin_address_is_configurable(client, admin_url, editor):
    admin_url("desk-4f7a/")
    assert reverse("admin:index") == "/desk-4f7a/"
    assert client.get("/desk-4f7a/").status_code == 302  # to the login page
    assert client.get("/desk-4f7a/login/").status_code == 200
    assert client.get("/admin/").status_code == 404


@pytest.mark.parametrize("password", ["password", "12345678901", "short1", "editor2026"])
def test_weak_passwords_are_rejected(editor, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


def test_admin_password_change_rejects_a_common_password(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_client_address_comes_from_our_proxies_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "10.0.0.2"  # no trusted proxy: the peer
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw; 6.6.6.6 is client-written


def test_lockout_behind_a_proxy_follows_the_forwarded_address(client, settings, editor):
    settings.TRUSTED_PROXY_COUNT = 1
    User.objects.create_user("other", password=PASSWORD, is_staff=True)

    def via_proxy(username, address, password):
        return client.post(
            reverse("admin:login"),
            {"username": username, "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=address,
        )

    for number in range(settings.AXES_FAILURE_LIMIT):
        via_proxy(f"guess{number}", "203.0.113.5", "wrong")
    assert via_proxy("editor", "203.0.113.5", PASSWORD).status_code == 429
    # Another reader behind the same proxy is not locked out.
    assert via_proxy("other", "198.51.100.7", PASSWORD).status_code == 302
