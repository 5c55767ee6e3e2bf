"""Two-factor sign-in pages, in the admin's look.

The second step (verify), the staff member's own page (overview: their apps,
passkeys and recovery codes, and adding or removing one), and the resets an Editor
or a superuser makes for someone who lost their device. Passkey ceremonies are
django-otp-webauthn's own endpoints, driven by its scripts on these pages; no page
has inline script (the site's CSP forbids it).
"""

from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import devices
from accounts.forms import AppCodeForm, RecoveryCodeForm
from accounts.policy import (
    may_reset,
    must_verify,
    resets_others,
    resettable_by,
    second_factor_required,
)

WRONG_APP_CODE = (
    "That code is not right. Codes change every 30 seconds and each works once: "
    "type the one your app shows now."
)
WRONG_RECOVERY_CODE = "That recovery code is not valid, or it was used already."
THROTTLED = "Too many wrong codes in a row: wait a little, then try again."


def next_url(request) -> str:
    """Where to go once signed in: a `next` on this site, else the desk."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else reverse("admin:index")


def with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url(request)})}"


def enrolling(view):
    """Staff who have passed their second factor, or have none yet to pass."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not request.user.is_verified() and user_has_device(request.user):
            return redirect(with_next("accounts:verify", request))
        return view(request, *args, **kwargs)

    return staff_member_required(never_cache(check))


def verified(view):
    """Staff whose session passed a second factor."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not request.user.is_verified():
            return redirect(with_next("accounts:verify", request))
        return view(request, *args, **kwargs)

    return staff_member_required(never_cache(check))


def render(request, template, context):
    """A page in the admin's frame; half-signed-in sessions get no admin links."""
    user = request.user
    signed_in = user.is_verified() or not must_verify(user)
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            "has_permission": signed_in and admin.site.has_permission(request),
            "is_nav_sidebar_enabled": False,
            "next": next_url(request),
            **context,
        },
    )


@staff_member_required
@never_cache
def verify(request):
    """The second step: a code from an app, a passkey, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not user_has_device(user):
        if second_factor_required(user):
            return redirect(with_next("accounts:overview", request))
        return redirect(next_url(request))

    app_form = AppCodeForm(request.POST if "code" in request.POST else None)
    recovery_form = RecoveryCodeForm(request.POST if "recovery_code" in request.POST else None)
    attempts = [
        (app_form, "code", TOTPDevice, WRONG_APP_CODE),
        (recovery_form, "recovery_code", StaticDevice, WRONG_RECOVERY_CODE),
    ]
    for form, field, model, wrong in attempts:
        if not form.is_valid():  # unbound, or not a code at all
            continue
        if devices.throttled(model.objects.devices_for_user(user, confirmed=True)):
            form.add_error(field, THROTTLED)
        elif device := devices.verify(user, model, form.cleaned_data[field]):
            otp_login(request, device)
            if model is StaticDevice:
                messages.warning(
                    request,
                    f"Recovery code used; {devices.recovery_codes_left(user)} left. Each works "
                    "once: make new ones on your Two-factor sign-in page before they run out.",
                )
            return redirect(next_url(request))
        else:
            form.add_error(field, wrong)

    kinds = {kind for kind, _ in devices.authenticators(user)}
    return render(
        request,
        "accounts/verify.html",
        {
            "title": "Two-factor sign-in",
            "app_form": app_form if "app" in kinds else None,
            "has_passkey": "passkey" in kinds,
            "recovery_form": recovery_form,
            "has_recovery_codes": devices.recovery_codes_left(user) > 0,
        },
    )


@enrolling
def overview(request):
    """The staff member's own second factors; where a first one is set up."""
    user = request.user
    signed_in = user.is_verified() or not must_verify(user)
    return render(
        request,
        "accounts/overview.html",
        {
            "title": "Two-factor sign-in",
            "authenticators": devices.authenticators(user),
            "recovery_codes_left": devices.recovery_codes_left(user),
            "signed_in": signed_in,
            "resets_others": signed_in and resets_others(user),
        },
    )


@enrolling
def add_app(request):
    """Set up an authenticator app: scan, then prove it with one code."""
    user = request.user
    device = devices.pending_app(user)
    form = AppCodeForm(request.POST or None)
    if form.is_valid():
        if devices.throttled([device]):
            form.add_error("code", THROTTLED)
        elif devices.confirm_app(device, form.cleaned_data["code"]):
            if not user.is_verified():
                otp_login(request, device)
            messages.success(request, "Authenticator app added.")
            return first_recovery_codes(request) or redirect(
                with_next("accounts:overview", request)
            )
        else:
            form.add_error("code", WRONG_APP_CODE)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/add_app.html",
        {
            "title": "Add an authenticator app",
            "form": form,
            "qr_code": mark_safe(  # segno's own SVG markup of our otpauth:// URL
                segno.make(device.config_url, error="m").svg_inline(
                    scale=4, title="QR code for your authenticator app", svgclass="qr-code"
                )
            ),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@enrolling
def add_passkey(request):
    """Register a passkey; django-otp-webauthn's script drives the browser."""
    return render(
        request,
        "accounts/add_passkey.html",
        {
            "title": "Add a passkey",
            "done_url": with_next("accounts:overview", request),
        },
    )


def first_recovery_codes(request):
    """With the first app or passkey, the recovery codes that back it up, shown once."""
    if devices.recovery_codes_left(request.user):
        return None
    return show_recovery_codes(request, devices.new_recovery_codes(request.user))


def show_recovery_codes(request, codes):
    return render(
        request,
        "accounts/recovery_codes.html",
        {"title": "Your recovery codes", "codes": codes},
    )


@verified
def recovery_codes(request):
    """How many recovery codes are left; a POST replaces them with a new set."""
    user = request.user
    if request.method == "POST":
        return show_recovery_codes(request, devices.new_recovery_codes(user))
    return render(
        request,
        "accounts/recovery_codes.html",
        {"title": "Recovery codes", "left": devices.recovery_codes_left(user)},
    )


@require_POST
@verified
def remove_device(request, kind, pk):
    user = request.user
    model = devices.AUTHENTICATORS.get(kind)
    if model is None:
        raise PermissionDenied
    device = get_object_or_404(model, pk=pk, user=user, confirmed=True)
    if second_factor_required(user) and len(devices.authenticators(user)) == 1:
        messages.error(
            request,
            "Your role needs a second factor: add another app or passkey before removing this one.",
        )
    else:
        devices.remove(device)
        messages.success(request, format_html("Removed “{}”.", device.name or kind))
    return redirect("accounts:overview")


@verified
def staff(request):
    """The staff whose second factors this user may reset, with what each has."""
    if not resets_others(request.user):
        raise PermissionDenied
    users = list(resettable_by(request.user, get_user_model().objects.all()).order_by("username"))
    counts = devices.counts(users)
    return render(
        request,
        "accounts/staff.html",
        {
            "title": "Reset a colleague's two-factor sign-in",
            "rows": [(user, counts[user.pk]) for user in users],
        },
    )


@require_POST
@verified
def reset(request, user_id):
    target = get_object_or_404(get_user_model(), pk=user_id)
    if not may_reset(request.user, target):
        raise PermissionDenied
    devices.reset(target, by=request.user)
    messages.success(
        request,
        format_html(
            "Two-factor sign-in reset for {}: they set it up again when they next sign in.",
            target.get_username(),
        ),
    )
    return redirect("accounts:staff")
