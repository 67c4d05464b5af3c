"""The Exchange tab: one page that gathers what an assessment's data can be exported to and imported from."""

from django.shortcuts import render

from soma.accounts import permissions
from soma.assessments.views import _context, assessment_view
from soma.core import jobs


@assessment_view
def index(request, assessment):
    context = _context(
        request,
        assessment,
        "exchange",
        can_edit=permissions.can(request.user, permissions.Action.EDIT, assessment),
        jobs=jobs.jobs_for(request.user, assessment=assessment).exclude(kind="report")[:5],
    )
    return render(request, "exchange/index.html", context)
