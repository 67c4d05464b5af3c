"""Two-factor sign-in with an authenticator app (TOTP, django-otp): set-up, removal and the leads policy.

The sign-in steps are in soma/accounts/sign_in.py. This module holds the pages where a signed-in user sets up or
removes their authenticator app, and the middleware that
- signs out a session that was opened without the code by a user who has a confirmed app (one opened before
  the app was set up, or by any path that skipped the code step), and
- sends a lead who has no app to the set-up page when the administrator requires two-factor for leads.
"""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def clean_token(raw: str) -> str:
    """The code as typed, without spaces; empty unless it is 6 to 8 digits."""
    token = "".join(raw.split())
    return token if token.isdigit() and 6 <= len(token) <= 8 else ""


def check_code(device: TOTPDevice, raw: str) -> str:
    """Verify a typed code against the device: "" when it is right, else what to tell the user.

    django-otp refuses every code for a moment after a wrong one (doubling each time), so guessing is slow."""
    token = clean_token(raw)
    with transaction.atomic():  # as django_otp.verify_token: the throttling counts hold under concurrent tries
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _data = device.verify_is_allowed()
        if allowed and token and device.verify_token(token):
            return ""
    if not allowed:
        return _("Too many wrong codes in a row. Wait half a minute, then enter the code your app shows.")
    return _("That code is not right. Enter the six digits your authenticator app shows now.")


def remove_devices(user) -> int:
    """Remove the user's authenticator apps (set-up or recovery by an administrator)."""
    return TOTPDevice.objects.filter(user=user).delete()[0]


def _two_factor_state(user) -> dict:
    """Whether the user has a confirmed app, and whether the policy requires one of them, in one query."""
    from soma.core.models import SignInPolicy
    from soma.kernel.access import Role

    users = get_user_model().objects
    # Whether the user leads an assessment, through the memberships relation (accounts does not import assessments).
    required = Q(Exists(SignInPolicy.objects.filter(pk=1, require_two_factor_for_leads=True))) & Q(
        Exists(users.filter(pk=OuterRef("pk"), memberships__role=Role.LEAD))
    )
    state = (
        users.filter(pk=user.pk)
        .annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            required=ExpressionWrapper(required, output_field=BooleanField()),
        )
        .values("has_device", "required")
        .first()
    )
    return state or {"has_device": False, "required": False}


def _exempt(path: str) -> bool:
    exempt = (
        f"/{settings.STATIC_URL.lstrip('/')}",
        reverse("healthz"),
        reverse("two_factor"),
        reverse("logout"),
        "/i18n/",
    )
    return path.startswith(exempt)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        # Token requests to the API are authenticated by the API view itself, after this: not affected.
        if user.is_authenticated and not user.is_verified():
            state = _two_factor_state(user)
            if state["has_device"]:
                logout(request)
                messages.info(request, _("Enter your authenticator code to continue: sign in again."))
            elif state["required"] and not _exempt(request.path):
                return self._to_set_up(request)
        return self.get_response(request)

    @staticmethod
    def _to_set_up(request):
        message = _("Leads must sign in with two-factor authentication. Set up an authenticator app first.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        url = f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        messages.warning(request, message)
        return redirect(url)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _qr_svg(device: TOTPDevice) -> str:
    import segno  # only the set-up page draws a QR code; keep it out of every worker's start-up

    # Inline SVG with presentation attributes only (no style attributes), so the page's CSP allows it.
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("QR code for your authenticator app")
    )


def _secret(device: TOTPDevice) -> str:
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@sensitive_post_parameters("token")
@never_cache
@login_required
def set_up(request):
    """Set up an authenticator app (scan, confirm with a code), or remove it (with a code)."""
    user = request.user
    device = confirmed_device(user)
    error = ""
    if device is not None:
        if request.method == "POST" and request.POST.get("action") == "remove":
            error = check_code(device, request.POST.get("token", ""))
            if not error:
                remove_devices(user)
                messages.success(request, _("Two-factor sign-in is off. You sign in with your password only."))
                return redirect("two_factor")
        return render(request, "accounts/two_factor.html", {"device": device, "error": error},
                      status=400 if error else 200)

    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        error = check_code(pending, request.POST.get("token", ""))
        if not error:
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            django_otp.login(request, pending)
            messages.success(request, _("Two-factor sign-in is on. From now on SOMA asks for a code after your "
                                        "password."))
            return redirect(_next_url(request) or "two_factor")
    context = {"pending": pending, "qr_svg": _qr_svg(pending), "secret": _secret(pending), "error": error,
               "next": _next_url(request)}
    return render(request, "accounts/two_factor.html", context, status=400 if error else 200)
