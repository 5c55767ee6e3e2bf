"""A staff member's second factors, as django-otp devices.

Three kinds, all django-otp devices, so one session marker (`django_otp.login`)
and one middleware (django-otp's OTPMiddleware) cover them:
- an authenticator app: TOTP, django-otp's TOTPDevice (any app: codes from a shared secret);
- passkeys: django-otp-webauthn's WebAuthnCredential;
- recovery codes: django-otp's StaticDevice, one per user, whose StaticTokens are
  each deleted when accepted, so a code works once. They are stored as django-otp
  stores them, in clear like the TOTP secrets beside them: hashing the codes alone
  would not change what a copy of the database gives away.

Recovery codes back up an app or a passkey; they are never the only factor.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import Count
from django_otp import devices_for_user, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
AUTHENTICATORS = {"app": TOTPDevice, "passkey": WebAuthnCredential}  # by URL name


def authenticators(user) -> list[tuple[str, object]]:
    """(kind, device) for the user's apps, then passkeys (recovery codes are not one)."""
    return [
        (kind, device)
        for kind, model in AUTHENTICATORS.items()
        for device in model.objects.devices_for_user(user, confirmed=True).order_by("pk")
    ]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_app(user) -> TOTPDevice:
    """The app being set up: one unconfirmed TOTP device, kept until its first code.

    Reloading the page shows the same secret, so a scan already made stays good.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def confirm_app(device: TOTPDevice, code: str) -> bool:
    """Confirm a new app with a code it shows: proof that the scan worked."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def verify(user, model, code: str):
    """The user's device of `model` that accepts `code`, or None.

    django-otp's verify_token locks the device, counts failures for its
    throttling (each failure doubles the wait) and spends the code.
    """
    for device in model.objects.devices_for_user(user, confirmed=True).order_by("pk"):
        if accepted := verify_token(user, device.persistent_id, code):
            return accepted
    return None


def throttled(devices) -> bool:
    """Whether every one of `devices` is waiting out its failures (django-otp's throttling)."""
    return bool(devices) and not any(device.verify_is_allowed()[0] for device in devices)


def new_recovery_codes(user) -> list[str]:
    """A fresh set of recovery codes, replacing any earlier ones; shown once."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        # Any earlier codes go, an operator's `addstatictoken` ones included.
        StaticToken.objects.filter(device__user=user).delete()
        device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remove(device) -> None:
    """Remove one authenticator; with the last one go the recovery codes that backed it up."""
    with transaction.atomic():
        device.delete()
        if not authenticators(device.user):
            StaticDevice.objects.filter(user=device.user).delete()


def reset(user, *, by) -> int:
    """Remove every second factor of `user`, for whoever lost theirs; logged on the user.

    Sessions that passed one of them go back to the second step, which sends the
    user to set up a new one.
    """
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=type(user).objects.filter(pk=user.pk),
            action_flag=CHANGE,
            change_message="Reset two-factor sign-in: every device and recovery code removed.",
        )
    return len(devices)


def counts(users) -> dict[int, dict[str, int]]:
    """Confirmed apps and passkeys, and recovery codes left, per user id: three queries."""
    result = {user.pk: {"app": 0, "passkey": 0, "recovery": 0} for user in users}
    for kind, model in AUTHENTICATORS.items():
        rows = model.objects.filter(user__in=users, confirmed=True).values("user")
        for row in rows.annotate(n=Count("pk")):
            result[row["user"]][kind] = row["n"]
    tokens = StaticToken.objects.filter(device__user__in=users, device__confirmed=True)
    for row in tokens.values("device__user").annotate(n=Count("pk")):
        result[row["device__user"]]["recovery"] = row["n"]
    return result
