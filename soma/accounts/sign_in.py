"""Signing in: the password step, the two-factor code step, and the lockout after repeated failures.

Lockout is django-axes': a username from one address is locked out after AXES_FAILURE_LIMIT failures (wrong
passwords and wrong two-factor codes alike) for AXES_COOLOFF_TIME. Whether the username exists makes no
difference to the counting, the messages or the lockout page.

A user with a confirmed authenticator device is not signed in by the password alone: the password step keeps
them "pending" in the session for a few minutes and the code step signs them in.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import django_otp
from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from soma.accounts import two_factor

PENDING = "soma_pending_sign_in"
PENDING_SECONDS = 300


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username and address before any password is checked.

    authenticate() without a request is not a sign-in over the web (a script on the server, Django's test
    client); there is no address to count failures against, so it is left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request) -> str | None:
    """The address failures are counted against. Behind SOMA_PROXY_COUNT proxies it is the one the outermost
    of them saw, read from the right of X-Forwarded-For, where a client cannot write it itself."""
    proxies = settings.SOMA_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def locked_out(request, original_response=None, credentials=None):
    """The page shown instead of the sign-in form while a username and address are locked out."""
    context = {"minutes": lockout_minutes(), "failures": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class SignInView(LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("login_code")


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@sensitive_post_parameters("token", "recovery_code")
@never_cache
@csrf_protect
def login_code(request):
    """Second step of signing in for users with an authenticator app: the six-digit code."""
    user, pending = _pending_user(request)
    device = two_factor.confirmed_device(user) if user else None
    if device is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("Your sign-in took too long or was interrupted. Sign in again."))
        return redirect("login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return locked_out(request, credentials=credentials)
    error = ""
    if request.method == "POST":
        if "recovery_code" in request.POST:  # no phone at hand: one of the recovery codes, used up
            recovery, error = two_factor.check_recovery_code(user, request.POST["recovery_code"])
            used = recovery or device
        else:
            error, used = two_factor.check_code(device, request.POST.get("token", "")), device
        if not error:
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            django_otp.login(request, used)
            if used is not device:
                left = two_factor.recovery_codes_left(user)
                messages.warning(request, ngettext(
                    "You signed in with a recovery code; %(left)d is left. Make new ones on the Two-factor sign-in "
                    "page once you have your phone again.",
                    "You signed in with a recovery code; %(left)d are left. Make new ones on the Two-factor "
                    "sign-in page once you have your phone again.", left) % {"left": left})
            target = pending.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = settings.LOGIN_REDIRECT_URL
            return redirect(target)
        # A wrong code counts as a failed sign-in towards the lockout, as a wrong password does.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, credentials=credentials)
    return render(request, "registration/login_code.html", {"error": error}, status=400 if error else 200)


def admin_login(request):
    """The administration pages' sign-in: SOMA's own (with lockout and two-factor) for anyone not signed in; a
    signed-in administrator goes on to them; anyone else is told, on a SOMA page, that they are not for them."""
    if request.user.is_authenticated:
        from django.contrib import admin

        if admin.site.has_permission(request):
            return admin.site.login(request)
        return render(request, "registration/admin_refused.html", status=403)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("admin:index")
    return redirect_to_login(target)


class SignedOutMiddleware:
    """An htmx request or an API call from a signed-out browser (an expired session) gets 401, not the sign-in
    page: htmx would swap that page into the part of the page being saved, and the text typed there would be
    gone. The page's own script keeps the unsent text and asks the user to sign in again (static/soma)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code not in (301, 302, 303) or request.user.is_authenticated:
            return response
        htmx = request.headers.get("HX-Request") == "true"
        if not (htmx or request.path.startswith("/api/")):
            return response
        if urlsplit(response.get("Location", "")).path != resolve_url(settings.LOGIN_URL):
            return response
        message = _("Your session has ended. Sign in again, then repeat the request.")
        if htmx:
            signed_out = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
        else:
            signed_out = JsonResponse({"detail": message}, status=401)
        patch_vary_headers(signed_out, ("HX-Request",))
        return signed_out
