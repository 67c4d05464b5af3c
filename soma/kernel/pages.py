"""The assessment pages' shared frame: one decorator, one context, one refusal page.

    @assessment_page                      # or @assessment_page(tab="sources") for the refusal page's tab
    def view(request, assessment, ...):   # the URL's `pk` arrives as the assessment, the user's membership read
        ...

Sign-in is required (an htmx request or API call of a signed-out browser gets 401 from
soma.core's SignedOutMiddleware instead of the redirect). Non-members get 404: the assessment's existence is
not revealed. A view refuses by raising PermissionDenied (from `require`) or Refused(message, status); both
become the one refusal page, with the message and the status.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.module_loading import import_string

from soma.kernel import clearance
from soma.kernel.access import Action, PermissionDenied, Role, can, membership

# The one read of an assessment with the user's membership (404 for non-members), found at the first request so
# that the kernel imports no app.
ASSESSMENT_FETCH = "soma.assessments.selectors.get_assessment"

Fetch = Callable[[Any, Any], Any]


@cache
def default_fetch() -> Fetch:
    return import_string(ASSESSMENT_FETCH)


class Refused(Exception):
    """Raised inside an assessment page to answer with the refusal page: the message, the status, and where to
    go back to (default: the plan)."""

    def __init__(self, message: str, status: int = 403, *, back: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.back = back


def assessment_page(view: Callable[..., HttpResponse] | None = None, *, tab: str = "plan",
                    methods: Sequence[str] | None = None, fetch: Fetch | None = None) -> Any:
    """Decorate a view `view(request, assessment, *args, **kwargs)` routed with the assessment's `pk`. `tab`
    is the tab the refusal page marks. `methods` (e.g. ["POST"]) answers any other method with 405 before the
    assessment is looked up, for anyone signed in (a view that checks the method itself, inside, answers
    outsiders 404 first). `fetch(user, pk)` replaces the assessments selector (tests)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def page(request: HttpRequest, pk: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            if methods is not None and request.method not in methods:
                return HttpResponseNotAllowed(methods)
            assessment = (fetch or default_fetch())(request.user, pk)
            try:
                return view(request, assessment, *args, **kwargs)
            except PermissionDenied as denied:
                return refusal(request, assessment, str(denied), 403, tab=tab)
            except Refused as refused:
                return refusal(request, assessment, str(refused), refused.status, tab=tab, back=refused.back)

        return page

    return decorate(view) if view is not None else decorate


def page_context(request: HttpRequest, assessment: Any, tab: str, **extra: Any) -> dict[str, Any]:
    """What every assessment page's frame and tabs use: the user's membership, role and clearance."""
    user = request.user
    member = membership(user, assessment)
    levels = clearance.cleared_levels(member)
    return {
        "assessment": assessment,
        "tab": tab,
        "membership": member,
        "can_edit": can(user, Action.EDIT, assessment),
        "can_manage": can(user, Action.MANAGE, assessment),
        "can_review": can(user, Action.REVIEW, assessment),
        "is_reviewer": member is not None and member.role == Role.REVIEWER,
        "may_see_restricted": clearance.may_see(levels, clearance.Level.RESTRICTED),
        "may_see_names": clearance.names_allowed(levels),
        **extra,
    }


def refusal(request: HttpRequest, assessment: Any, message: str, status: int = 403, *, tab: str = "plan",
            back: str | None = None) -> HttpResponse:
    """The one refusal page: what was not done and why (who may, or what to correct), with the status."""
    context = page_context(request, assessment, tab, message=message, status=status, back=back)
    return render(request, "kernel/refused.html", context, status=status)
