"""Excel spreadsheets: the questionnaire out and back in, the recommendations out. Thin: the modules do the work."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soma.assessments import selectors as assessment_selectors
from soma.exchange import safe_files
from soma.exchange.spreadsheets import questionnaire, recommendations, services
from soma.kernel.access import Action, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import ServiceError
from soma.kernel.pages import Refused, assessment_page, page_context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, assessment, what: str) -> HttpResponse:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", assessment.title).strip("-")[:60] or "assessment"
    name = f"{slug}-{what}-{timezone.localdate().isoformat()}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@assessment_page(tab="exchange")
@require_GET
def questionnaire_export(request, assessment):
    scope = request.GET.getlist("scope") or None
    try:
        data = questionnaire.export_questionnaire(request.user, assessment, scope)
    except ServiceError as error:
        raise Refused(str(error), status=400) from None
    return _download(data, assessment, "questionnaire")


@assessment_page(tab="exchange")
@require_GET
def recommendations_export(request, assessment):
    return _download(recommendations.export_recommendations(request.user, assessment), assessment,
                     "recommendations")


@assessment_page(tab="exchange")
@require_http_methods(["GET", "POST"])
def questionnaire_import(request, assessment):
    require(request.user, Action.EDIT, assessment)  # the role is checked before the file is read
    error, status = "", 200
    if request.method == "POST":
        try:
            job = services.start_questionnaire_import(request.user, assessment, request.FILES.get("file"))
        except safe_files.UnsafeFile as refused:
            error, status = str(refused), 400
        else:
            return redirect("job", job.pk)
    context = page_context(request, assessment, "exchange", error=error)
    return render(request, "exchange/questionnaire_import.html", context, status=status)


@assessment_page(tab="exchange")
@require_POST
def conflict_dismiss(request, assessment):
    try:
        questionnaire.dismiss_conflict(request.user, assessment, request.POST.get("conflict"))
    except (ServiceError, ValueError) as error:
        messages.error(request, str(error) if isinstance(error, ServiceError) else _("No such kept row."))
    else:
        messages.success(request, _("The kept spreadsheet row was removed."))
    return redirect("exchange:index", assessment.pk)


def section_context(request, assessment) -> dict:
    """What the spreadsheets section of the Exchange tab shows (used by its template tag)."""
    return {
        "subsections": assessment_selectors.questions_in_scope(seen_by(request.user, assessment)),
        "conflicts": questionnaire.conflicts(request.user, assessment),
    }
