"""The user-management page (administrators) and the invited account's set-your-password page. Thin: forms
parse, soma.accounts.services decides and writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soma.accounts import forms, invitations, services
from soma.kernel.access import PermissionDenied
from soma.kernel.errors import ServiceError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PAGE_SIZE = 50


def base_url(request: HttpRequest) -> str:
    """The server's address as the browser sees it, for links in e-mails."""
    return request.build_absolute_uri("/")


def _administrator(request: HttpRequest) -> User:
    """The signed-in administrator; 403 (SOMA's page) for anyone else."""
    if not services.is_administrator(request.user):
        raise DjangoPermissionDenied(_("Only an administrator may manage accounts."))
    return cast("User", request.user)


def _render_users(request: HttpRequest, invite_form: forms.AdminInviteForm | None = None,
                  status: int = 200) -> HttpResponse:
    filter_form = forms.UserFilterForm(request.GET)
    query = filter_form.cleaned_data["q"] if filter_form.is_valid() else ""
    page = Paginator(services.accounts(_administrator(request), query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "query": query, "page": page,
               "invite_form": invite_form or forms.AdminInviteForm(), "days": invitations.valid_days()}
    return render(request, "accounts/users.html", context, status=status)


@login_required
def users(request: HttpRequest) -> HttpResponse:
    """The list of accounts (filtered by name) and the invitation form."""
    actor = _administrator(request)
    if request.method != "POST":
        return _render_users(request)
    form = forms.AdminInviteForm(request.POST)
    if form.is_valid():
        try:
            invited = services.invite(actor, form.cleaned_data["email"], base_url=base_url(request),
                                      first_name=form.cleaned_data["first_name"],
                                      last_name=form.cleaned_data["last_name"],
                                      username=form.cleaned_data["username"])
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is invited: SOMA sent a link to %(email)s to set a password.")
                             % {"name": invited.get_username(), "email": invited.email})
            return redirect("users")
    return _render_users(request, form, status=400)


@login_required
@require_POST
def user_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate, reactivate, reset two-factor sign-in or send the invitation again, for one account."""
    actor = _administrator(request)
    action = request.POST.get("action", "")
    try:
        account = services.account(actor, pk)
        name = account.get_username()
        if action == "deactivate":
            services.set_active(actor, account, False)
            messages.success(request, _("%(name)s is deactivated: they can no longer sign in.") % {"name": name})
        elif action == "reactivate":
            services.set_active(actor, account, True)
            messages.success(request, _("%(name)s can sign in again.") % {"name": name})
        elif action == "reset_two_factor":
            removed = services.reset_two_factor(actor, account)
            if removed:
                messages.success(request, _("%(name)s's authenticator app is removed: they sign in with their "
                                            "password, then set up a new one.") % {"name": name})
            else:
                messages.info(request, _("%(name)s had no authenticator app; nothing was removed.") % {"name": name})
        elif action == "resend":
            services.resend_invitation(actor, account, base_url=base_url(request))
            messages.success(request, _("A new link was sent to %(email)s.") % {"email": account.email})
        else:
            messages.error(request, _("Choose what to do with the account: nothing was changed."))
            return _render_users(request, status=400)
    except PermissionDenied as denied:
        raise DjangoPermissionDenied(str(denied)) from None
    except ServiceError as error:
        messages.error(request, str(error))
        return _render_users(request, status=400)
    back = request.POST.get("back", "")
    return redirect(back if _own_list(back) else "users")


def _own_list(target: str) -> bool:
    """A `back` address that is the users page itself (with its filter and page), never anywhere else."""
    return target.startswith(reverse("users") + "?") or target == reverse("users")


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The invitation link: choose a password, then be signed in. Django's reset view does the token handling
    (the token leaves the address at once, so no Referer carries it); the link works once, until it expires."""

    template_name = "registration/welcome.html"
    token_generator = invitations.tokens
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    reset_url_token = "set-password"
    success_url = reverse_lazy("home")
    http_method_names = ["get", "post", "head", "options"]  # a form: FormView would also take PUT as a POST

    def get_user(self, uidb64: str):  # type: ignore[override]
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def render_to_response(self, context, **kwargs):  # type: ignore[no-untyped-def]
        """An expired or used link answers its page with 400, not 200."""
        return super().render_to_response(context, status=200 if context.get("validlink") else 400, **kwargs)

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set and you are signed in. Welcome to SOMA."))
        return response
