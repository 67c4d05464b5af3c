"""The Reports tab: write the narrative chapters, preview each version, issue a report, download issued ones.
Thin: the composer and selectors read, services write, a background task renders."""

from __future__ import annotations

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soma.core import jobs
from soma.kernel.access import Action, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import EditConflict, ServiceError
from soma.kernel.pages import Refused, assessment_page, page_context
from soma.reports import composer, forms, left_out, selectors, services
from soma.reports.render_html import render_html
from soma.reports.tasks import issue_report_task

FILES = {
    "html": ("html", "text/html; charset=utf-8"),
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


reports_page = assessment_page(tab="reports")


def _issue_form(request, assessment, data=None, versions=None):
    versions = versions if versions is not None else left_out.left_out(request.user, assessment)
    return forms.IssueForm(data, audiences=selectors.audiences(seen_by(request.user, assessment)),
                           profiles=selectors.profiles(), initial={"language": get_language()}, left_out=versions)


@reports_page
def index(request, assessment, issue_form=None, status=200):
    """The Reports tab; before issuing, it says what each version leaves out (soma.reports.left_out)."""
    versions = issue_form.left_out if issue_form is not None else left_out.left_out(request.user, assessment)
    context = page_context(
        request, assessment, "reports",
        reports=selectors.issued_reports(seen_by(request.user, assessment)),
        audiences=selectors.audiences(seen_by(request.user, assessment)),
        chapters=selectors.chapters(seen_by(request.user, assessment)),
        issue_form=issue_form or _issue_form(request, assessment, versions=versions),
        left_out=list(versions.values()),
        jobs=jobs.jobs_for(request.user, assessment=assessment).filter(kind="report")[:3],
    )
    return render(request, "reports/index.html", context, status=status)


@csp_update({"style-src": [NONCE]})
@reports_page
@require_GET
def preview(request, assessment):
    """The report as it would be issued now, for a version within the user's clearance (nothing is kept)."""
    audience = request.GET.get("audience", "public")
    if audience not in dict(selectors.audiences(seen_by(request.user, assessment))):
        raise Refused(_("Your clearance on this assessment does not allow that version."), 403)
    snapshot = composer.compose(request.user, assessment, audience)
    notice = left_out.left_out(request.user, assessment, [audience])[audience]
    # The report is one standalone page with its stylesheet inline (the same HTML is the download and the PDF's
    # input); only this response's copy carries the nonce that lets the page's CSP allow that <style>.
    return HttpResponse(render_html({**snapshot, "csp_nonce": str(request.csp_nonce)}, notice=notice))


@reports_page
@require_POST
def issue(request, assessment):
    require(request.user, Action.MANAGE, assessment)
    form = _issue_form(request, assessment, request.POST)
    if not form.is_valid():
        return index(request, assessment.pk, issue_form=form, status=400)
    data = form.cleaned_data
    profile = data["profile"]
    job = jobs.start(
        request.user, "report", _("Issuing the %(version)s") % {"version": dict(form.fields["audience"].choices)
                                                                 [data["audience"]].lower()},
        issue_report_task, request.user.pk, assessment.pk, data["audience"], profile.pk if profile else None,
        data["language"], assessment=assessment,
    )
    return redirect("job", job.pk)


@reports_page
@require_GET
def issued(request, assessment, report_pk):
    report = selectors.issued_report(seen_by(request.user, assessment), report_pk)
    return render(request, "reports/issued.html", page_context(request, assessment, "reports", report=report))


@reports_page
@require_GET
def download(request, assessment, report_pk, fmt):
    report = selectors.issued_report(seen_by(request.user, assessment), report_pk)
    if fmt not in FILES:
        raise Refused(_("Reports come as HTML, PDF or DOCX."), 404)
    extension, content_type = FILES[fmt]
    response = HttpResponse(bytes(getattr(report, fmt)), content_type=content_type)
    name = f"{slugify(report.assessment.title)[:60]}-{report.audience}-{report.issued_at:%Y%m%d}-{report.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@reports_page
def chapters(request, assessment):
    """The narrative chapters; each saves on its own, and a concurrent edit keeps both texts."""
    seen = seen_by(request.user, assessment)
    rows = selectors.chapters(seen)
    forms_by_key, status = {}, 200
    new_level, levels = seen.default_classification(), seen.classification_choices()
    for chapter, row, _hidden in rows:
        initial = {"text": row.text if row else "", "classification": row.classification if row else new_level,
                   "expected_version": row.version if row else None}
        forms_by_key[chapter.value] = forms.ChapterForm(initial=initial, prefix=chapter.value, classifications=levels)
    conflict = None
    if request.method == "POST":
        require(request.user, Action.EDIT, assessment)
        key = request.POST.get("chapter", "")
        if key not in forms_by_key:
            raise Refused(_("Choose one of the report's chapters."), 400)
        form = forms.ChapterForm(request.POST, prefix=key, classifications=levels)
        forms_by_key[key] = form
        if form.is_valid():
            try:
                services.save_chapter(request.user, assessment, key, text=form.cleaned_data["text"],
                                      classification=form.cleaned_data["classification"],
                                      expected_version=form.cleaned_data["expected_version"])
            except EditConflict as stale:
                current = next(row for chapter, row, _hidden in selectors.chapters(seen)
                               if chapter.value == key)
                form.add_error(None, str(stale))
                conflict = {"key": key, "theirs": current.text if current else "",
                            "version": current.version if current else None}
                data = form.data.copy()
                data[f"{key}-expected_version"] = conflict["version"]
                form.data = data  # the user's text stays in the box; saving again keeps it over theirs
                status = 409
            except ServiceError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Chapter saved."))
                return redirect(reverse("reports:chapters", args=[assessment.pk]) + f"#chapter-{key}")
        else:
            status = 400
    context = page_context(request, assessment, "reports",
                       chapters=[(c, forms_by_key[c.value], hidden) for c, _row, hidden in rows], conflict=conflict)
    return render(request, "reports/chapters.html", context, status=status)
