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
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
# The codes just made, kept in the session until the two-factor page has shown them once.
SHOW_CODES = "soma_recovery_codes"


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
    """Remove the user's authenticator apps and recovery codes (set-up or recovery by an administrator); how many
    devices (an app, the set of recovery codes) were removed."""
    apps = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    codes = StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    return apps + codes


# --- Recovery codes ----------------------------------------------------------------------------------------------
#
# Ten single-use codes (django-otp's static device), made when two-factor sign-in is turned on and again on
# request; shown once. Each signs in once in place of the app's code, for a user without their phone.


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes by RECOVERY_CODES new ones and return them (to show once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def clean_recovery_code(raw: str) -> str:
    """A recovery code as typed (any case, with spaces or a dash), as stored; empty unless it can be one."""
    code = "".join(raw.split()).replace("-", "").lower()
    return code if len(code) == 8 and all(c in "abcdefghijklmnopqrstuvwxyz234567" for c in code) else ""


def check_recovery_code(user, raw: str) -> tuple[StaticDevice | None, str]:
    """Use up one recovery code: (the device, "") when it is one of the user's, else (None, what to tell them).
    Throttled like the app's codes: after a wrong one every code is refused for a moment, doubling each time."""
    code = clean_recovery_code(raw)
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return None, _("You have no recovery codes. Enter the code your authenticator app shows.")
        allowed, _data = device.verify_is_allowed()
        if allowed and code and device.verify_token(code):
            return device, ""
        if allowed and not code:
            device.throttle_increment()
    if not allowed:
        return None, _("Too many wrong codes in a row. Wait half a minute, then try again.")
    return None, _("That is not one of your unused recovery codes. Check it (eight letters and digits), or enter "
                   "the code your authenticator app shows.")


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
        action = request.POST.get("action") if request.method == "POST" else None
        if action in ("remove", "codes"):
            error = check_code(device, request.POST.get("token", ""))
            if not error and action == "remove":
                remove_devices(user)
                messages.success(request, _("Two-factor sign-in is off. You sign in with your password only."))
                return redirect("two_factor")
            if not error:
                request.session[SHOW_CODES] = new_recovery_codes(user)
                messages.success(request, _("New recovery codes are made; the old ones no longer work."))
                return redirect("two_factor")
        context = {"device": device, "error": error, "error_action": action if error else "",
                   "codes": request.session.pop(SHOW_CODES, None) if not error else None,
                   "codes_left": recovery_codes_left(user), "next": _next_url(request)}
        return render(request, "accounts/two_factor.html", context, status=400 if error else 200)

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
            request.session[SHOW_CODES] = new_recovery_codes(user)
            messages.success(request, _("Two-factor sign-in is on. From now on SOMA asks for a code after your "
                                        "password."))
            # The page shows the recovery codes once, then offers to continue where the user was going.
            target = _next_url(request)
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': target})}" if target else "two_factor")
    context = {"pending": pending, "qr_svg": _qr_svg(pending), "secret": _secret(pending), "error": error,
               "next": _next_url(request)}
    return render(request, "accounts/two_factor.html", context, status=400 if error else 200)
