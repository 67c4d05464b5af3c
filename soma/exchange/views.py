"""The Exchange tab: one page that gathers what an assessment's data can be exported to and imported from."""

from django.shortcuts import render

from soma.core import jobs
from soma.kernel.pages import assessment_page, page_context


@assessment_page(tab="exchange")
def index(request, assessment):
    context = page_context(
        request,
        assessment,
        "exchange",
        jobs=jobs.jobs_for(request.user, assessment=assessment).exclude(kind="report")[:5],
    )
    return render(request, "exchange/index.html", context)
