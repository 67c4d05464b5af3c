"""Overview, findings, conclusions and recommendations pages. Thin: forms parse, services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soma.assessments import selectors as assessment_selectors
from soma.assessments import services as assessment_services
from soma.core import list_views
from soma.evidence import services as evidence_services
from soma.findings import forms, list_filters, selectors, services
from soma.findings.models import ReviewState
from soma.kernel.access import Action, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import EditConflict, ServiceError
from soma.kernel.pages import Refused, assessment_page, page_context

findings_page = assessment_page(tab="findings")


def _stale_form(form, obj, message: str):
    """Keep the user's input, say why it was not saved, and let a second save knowingly replace the other edit."""
    data = form.data.copy()
    data["expected_version"] = str(obj.version)
    form.data = data
    form.add_error(None, message + " " + _("Your text is kept below; their version is shown beside it. "
                                           "Saving again replaces their version."))


# --- Overview ------------------------------------------------------------------------------------------------------


@findings_page
@require_GET
def overview(request, assessment):
    view = selectors.overview(seen_by(request.user, assessment))
    return render(request, "findings/overview.html", page_context(request, assessment, "overview", overview=view))


# --- Findings ------------------------------------------------------------------------------------------------------


@findings_page
@require_GET
def finding_list(request, assessment):
    """Findings, filtered, sorted and paged as asked, each page by subsection and kind; the choice is remembered
    (soma/core/list_views.py)."""
    back = list_views.restore(request, list_filters.FINDINGS, assessment.pk)
    if back:
        return back
    seen = seen_by(request.user, assessment)
    subsections, provisions = selectors.finding_filter_choices(seen)
    choice = list_views.choose(request, list_filters.FINDINGS, assessment.pk, selectors.finding_rows(seen),
                               form_kwargs={"subsections": subsections, "provisions": provisions})
    grouped = selectors.findings_grouped(seen, choice.rows)
    return render(request, "findings/finding_list.html",
                  page_context(request, assessment, "findings", grouped=grouped, choice=choice))


@findings_page
def finding_create(request, assessment):
    return _finding_form(request, assessment, None)


@findings_page
def finding_edit(request, assessment, finding_pk):
    return _finding_form(request, assessment, selectors.finding(seen_by(request.user, assessment), finding_pk))


def _finding_form(request, assessment, finding, cite_form=None, status=200):
    require(request.user, Action.EDIT, assessment)
    kwargs = {"user": request.user, "assessment": assessment}
    linked = frozenset(finding.responses.values_list("pk", flat=True)) if finding else frozenset()
    theirs = None
    if request.method == "POST" and cite_form is None:
        form = forms.FindingForm(request.POST, linked=linked, **kwargs)
        if form.is_valid():
            try:
                saved = services.save_finding(request.user, assessment, finding,
                                              expected_version=form.cleaned_data["expected_version"],
                                              **form.service_fields())
            except EditConflict as stale:
                theirs = selectors.finding(seen_by(request.user, assessment), finding.pk)
                _stale_form(form, theirs, str(stale))
                status = 409
            except ServiceError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Finding saved."))
                return redirect(reverse("findings:findings", args=[assessment.pk]) + f"#finding-{saved.pk}")
        else:
            status = 400
    elif finding is not None:
        form = forms.FindingForm(initial=forms.FindingForm.initial_for(finding), linked=linked, **kwargs)
    else:
        initial = {"subsection": request.GET.get("subsection", ""),
                   "classification": seen_by(request.user, assessment).default_classification()}
        form = forms.FindingForm(initial=initial, **kwargs)
    citations = selectors.finding_citations(seen_by(request.user, assessment), finding) if finding else []
    if finding is not None and cite_form is None:
        cite_form = forms.CitationForm(**kwargs)
    context = page_context(request, assessment, "findings", form=form, finding=finding, theirs=theirs,
                       citations=citations, cite_form=cite_form)
    return render(request, "findings/finding_form.html", context, status=status)


@findings_page
@require_POST
def finding_cite(request, assessment, finding_pk):
    finding = selectors.finding(seen_by(request.user, assessment), finding_pk)
    require(request.user, Action.EDIT, assessment)
    cite_form = forms.CitationForm(request.POST, user=request.user, assessment=assessment)
    if cite_form.is_valid():
        try:
            evidence_services.cite(request.user, assessment, finding=finding, **cite_form.service_fields())
        except ServiceError as error:
            cite_form.add_error(None, str(error))
        else:
            messages.success(request, _("Citation added."))
            return redirect("findings:finding_edit", assessment.pk, finding.pk)
    return _finding_form(request, assessment, finding, cite_form=cite_form, status=400)


# --- Conclusions ---------------------------------------------------------------------------------------------------


@findings_page
@require_GET
def conclusion_list(request, assessment):
    """Conclusions, filtered, sorted and paged as asked; the choice is remembered (soma/core/list_views.py)."""
    back = list_views.restore(request, list_filters.CONCLUSIONS, assessment.pk)
    if back:
        return back
    seen = seen_by(request.user, assessment)
    choice = list_views.choose(request, list_filters.CONCLUSIONS, assessment.pk, selectors.conclusions(seen))
    rows = selectors.conclusions_list(seen, choice.rows)
    return render(request, "findings/conclusion_list.html",
                  page_context(request, assessment, "findings", conclusions=rows, choice=choice))


@findings_page
def conclusion_create(request, assessment):
    return _conclusion_form(request, assessment, None)


@findings_page
def conclusion_edit(request, assessment, conclusion_pk):
    return _conclusion_form(request, assessment, selectors.conclusion(seen_by(request.user, assessment), conclusion_pk))


def _conclusion_form(request, assessment, conclusion):
    require(request.user, Action.EDIT, assessment)
    kwargs = {"user": request.user, "assessment": assessment}
    status, theirs = 200, None
    if request.method == "POST":
        form = forms.ConclusionForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                saved = services.save_conclusion(request.user, assessment, conclusion,
                                                 expected_version=form.cleaned_data["expected_version"],
                                                 **form.service_fields())
            except EditConflict as stale:
                theirs = selectors.conclusion(seen_by(request.user, assessment), conclusion.pk)
                _stale_form(form, theirs, str(stale))
                status = 409
            except ServiceError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Conclusion saved."))
                return redirect(reverse("findings:conclusions", args=[assessment.pk]) + f"#conclusion-{saved.pk}")
        else:
            status = 400
    elif conclusion is not None:
        form = forms.ConclusionForm(initial=forms.ConclusionForm.initial_for(conclusion), **kwargs)
    else:
        initial = {"classification": seen_by(request.user, assessment).default_classification()}
        form = forms.ConclusionForm(initial=initial, **kwargs)
    context = page_context(request, assessment, "findings", form=form, conclusion=conclusion, theirs=theirs)
    return render(request, "findings/conclusion_form.html", context, status=status)


# --- Recommendations -----------------------------------------------------------------------------------------------


@findings_page
@require_GET
def recommendation_list(request, assessment):
    """Recommendations, filtered, sorted and paged as asked, each page by horizon and area; the choice is
    remembered (soma/core/list_views.py)."""
    back = list_views.restore(request, list_filters.RECOMMENDATIONS, assessment.pk)
    if back:
        return back
    seen = seen_by(request.user, assessment)
    choice = list_views.choose(request, list_filters.RECOMMENDATIONS, assessment.pk,
                               selectors.recommendation_rows(seen),
                               form_kwargs={"institutions": assessment_selectors.institutions(seen)})
    grouped = selectors.recommendations_grouped(seen, choice.rows)
    return render(request, "findings/recommendation_list.html",
                  page_context(request, assessment, "recommendations", grouped=grouped, choice=choice))


@findings_page
def recommendation_create(request, assessment):
    return _recommendation_form(request, assessment, None)


@findings_page
def recommendation_edit(request, assessment, recommendation_pk):
    recommendation = selectors.recommendation(seen_by(request.user, assessment), recommendation_pk)
    return _recommendation_form(request, assessment, recommendation)


def _recommendation_form(request, assessment, recommendation):
    require(request.user, Action.EDIT, assessment)
    kwargs = {"user": request.user, "assessment": assessment}
    status, theirs = 200, None
    if request.method == "POST":
        form = forms.RecommendationForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                saved = services.save_recommendation(request.user, assessment, recommendation,
                                                     expected_version=form.cleaned_data["expected_version"],
                                                     **form.service_fields())
            except EditConflict as stale:
                theirs = selectors.recommendation(seen_by(request.user, assessment), recommendation.pk)
                _stale_form(form, theirs, str(stale))
                status = 409
            except ServiceError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Recommendation saved."))
                url = reverse("findings:recommendations", args=[assessment.pk])
                return redirect(url + f"#recommendation-{saved.pk}")
        else:
            status = 400
        area = request.POST.get("area", "")
        chosen = {"toolkit": form.current("toolkit"), "framework": form.current("framework")}
    elif recommendation is not None:
        form = forms.RecommendationForm(initial=forms.RecommendationForm.initial_for(recommendation), **kwargs)
        area = recommendation.area
        chosen = {"toolkit": recommendation.toolkit, "framework": recommendation.framework}
    else:
        areas = selectors.areas(seen_by(request.user, assessment))
        first = areas[0].key if areas else ""
        area = request.GET.get("area") or first
        initial = {"area": area, "priority": "short", "rank": 1, "sequence": 1, "status": "proposed",
                   "classification": seen_by(request.user, assessment).default_classification()}
        form = forms.RecommendationForm(initial=initial, **kwargs)
        chosen = None
    suggested = forms.suggestion_choices(assessment, area, chosen)
    context = page_context(request, assessment, "recommendations", form=form, recommendation=recommendation,
                       theirs=theirs, suggested=suggested, area_label=selectors.area_label(assessment, area))
    return render(request, "findings/recommendation_form.html", context, status=status)


@findings_page
@require_GET
def recommendation_suggestions(request, assessment):
    """htmx: the Toolkit and Framework checkboxes for the chosen area (the top ones ticked on a new one)."""
    require(request.user, Action.EDIT, assessment)
    area = request.GET.get("area", "")
    if area not in {a.key for a in selectors.areas(seen_by(request.user, assessment))} | {
        key for a in selectors.areas(seen_by(request.user, assessment)) for key, _label in a.subsections
    }:
        area = ""
    chosen = None if request.GET.get("new") else {
        "toolkit": request.GET.getlist("toolkit"), "framework": request.GET.getlist("framework")
    }
    suggested = forms.suggestion_choices(assessment, area, chosen)
    return render(request, "findings/_suggestions.html", {
        "assessment": assessment, "suggested": suggested, "area_label": selectors.area_label(assessment, area),
    })


@findings_page
@require_POST
def recommendation_review(request, assessment, recommendation_pk):
    recommendation = selectors.recommendation(seen_by(request.user, assessment), recommendation_pk)
    form = forms.ReviewForm(request.POST)
    back = reverse("findings:recommendations", args=[assessment.pk]) + f"#recommendation-{recommendation.pk}"
    if not form.is_valid():
        raise Refused(_("Choose a review state."), 400, back=back)
    try:
        services.set_review_state(request.user, assessment, recommendation, form.cleaned_data["state"])
    except ServiceError as error:
        raise Refused(str(error), 400, back=back) from None
    messages.success(request, _("Recommendation marked: %(state)s.")
                     % {"state": ReviewState(form.cleaned_data["state"]).label})
    return redirect(back)


@findings_page
@require_POST
def recommendation_confirm(request, assessment, recommendation_pk):
    recommendation = selectors.recommendation(seen_by(request.user, assessment), recommendation_pk)
    back = reverse("findings:recommendations", args=[assessment.pk]) + f"#recommendation-{recommendation.pk}"
    try:
        assessment_services.confirm_carried_over(request.user, assessment, recommendation)
    except ServiceError as error:
        raise Refused(str(error), 400, back=back) from None
    messages.success(request, _("Carried-over recommendation confirmed for this assessment."))
    return redirect(back)
