"""Signing staff in, in tests, with both factors.

The desk asks Editors and superusers (and anyone enrolled) for a second factor on
every request (accounts/). Tests that are not about signing in log in as a user
who holds a real, confirmed authenticator app and whose session passed it, marked
by django-otp's own `login()`: two-factor stays on in every test.
"""

from django.http import HttpRequest
from django.test import Client
from django_otp import login as otp_login
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user) -> TOTPDevice:
    """The user's authenticator app, confirmed (made on first use)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Test authenticator app", defaults={"confirmed": True}
    )
    return device


def app_code(device: TOTPDevice) -> str:
    """The code the app shows now; if that one was used already, the next one.

    Codes work once each (django-otp keeps the last step used), and the device
    accepts the next step too, so a test may sign the same user in twice in 30 s.
    """
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now, device.last_t + 1)
    return str(hotp(device.bin_key, step, digits=device.digits)).zfill(device.digits)


def recovery_codes(user, *codes: str) -> list[str]:
    """Give the user these recovery codes (eight of a-z and 2-7, as django-otp makes them)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return list(codes)


class StaffClient(Client):
    """The test client; force_login() also passes the second factor, as the app would."""

    def force_login(self, user, backend=None, *, second_factor=True):
        super().force_login(user, backend)
        if second_factor:
            request = HttpRequest()
            request.session, request.user = self.session, user
            otp_login(request, authenticator(user))
            request.session.save()


def pass_second_step(page, device: TOTPDevice) -> None:
    """In a browser on the second step, type the app's code, as its owner would."""
    page.fill("#id_code", app_code(device))
    page.get_by_role("button", name="Verify").click()
