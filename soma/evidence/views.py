"""The sources pages (desk review): list, add, edit, confirm, delete and download. Thin: forms parse,
evidence.services writes, evidence.selectors reads (only what the user is cleared for)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from soma.accounts import permissions
from soma.accounts.permissions import Action, PermissionDenied
from soma.assessments import selectors as assessment_selectors
from soma.assessments.services import ServiceError
from soma.evidence import selectors, services
from soma.evidence.forms import SourceForm
from soma.evidence.models import Credibility, Reliability
from soma.followup import services as followup_services


def denied(request, assessment, error, tab):
    """A member without the right role: say who may, with HTTP 403."""
    context = {"assessment": assessment, "tab": tab, "message": str(error)}
    return render(request, "evidence/denied.html", context, status=403)


@login_required
def source_list(request, pk):
    assessment = assessment_selectors.get_assessment(request.user, pk)
    can_edit = permissions.can(request.user, Action.EDIT, assessment)
    context = {
        "assessment": assessment,
        "tab": "sources",
        "sources": selectors.sources(request.user, assessment),
        "can_edit": can_edit,
        "deleted": selectors.deleted_sources(request.user, assessment) if can_edit else [],
        "can_purge": permissions.can(request.user, Action.MANAGE, assessment),
        "reliability": Reliability.choices,
        "credibility": Credibility.choices,
    }
    return render(request, "evidence/source_list.html", context)


@login_required
def source_add(request, pk):
    return _source_form(request, pk, None)


@login_required
def source_edit(request, pk, source_pk):
    return _source_form(request, pk, source_pk)


def _source_form(request, pk, source_pk):
    assessment = assessment_selectors.get_assessment(request.user, pk)
    source = selectors.source(request.user, assessment, source_pk) if source_pk else None
    try:
        permissions.require(request.user, Action.EDIT, assessment)
    except PermissionDenied as error:
        return denied(request, assessment, error, "sources")
    status = 200
    if request.method == "POST":
        form = SourceForm(request.POST, request.FILES, user=request.user, assessment=assessment)
        if form.is_valid():
            try:
                saved = services.save_source(
                    request.user, assessment, source, upload=form.cleaned_data.get("file"), **form.service_fields()
                )
            except PermissionDenied as error:
                return denied(request, assessment, error, "sources")
            except ServiceError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Source “%(title)s” saved.") % {"title": saved.title})
                return redirect("evidence:list", pk=assessment.pk)
        else:
            status = 400
    else:
        initial = SourceForm.initial_for(source) if source else {
            "classification": assessment_selectors.default_classification(request.user, assessment)}
        form = SourceForm(initial=initial, user=request.user, assessment=assessment)
    context = {"assessment": assessment, "tab": "sources", "form": form, "source": source}
    return render(request, "evidence/source_form.html", context, status=status)


@login_required
def source_delete(request, pk, source_pk):
    """GET: what goes with the source, and a button to confirm. POST with `confirmed`: delete it (restorable)."""
    assessment = assessment_selectors.get_assessment(request.user, pk)
    source = selectors.source(request.user, assessment, source_pk)
    try:
        permissions.require(request.user, Action.EDIT, assessment)
    except PermissionDenied as error:
        return denied(request, assessment, error, "sources")
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        try:
            count = services.delete_source(request.user, assessment, source)
        except PermissionDenied as error:
            return denied(request, assessment, error, "sources")
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, ngettext(
                "Source “%(title)s” deleted with its citation. You can restore it below, under Deleted sources.",
                "Source “%(title)s” deleted with its %(count)d citations. You can restore it below, under Deleted "
                "sources.", count) % {"title": source.title, "count": count} if count else
                _("Source “%(title)s” deleted. You can restore it below, under Deleted sources.")
                % {"title": source.title})
            return redirect(reverse("evidence:list", args=[assessment.pk]) + f"#deleted-source-{source.pk}")
        return redirect("evidence:list", pk=assessment.pk)
    context = {"assessment": assessment, "tab": "sources", "source": source,
               "impact": selectors.deletion_impact(request.user, assessment, source)}
    return render(request, "evidence/source_delete.html", context)


@login_required
@require_POST
def source_restore(request, pk, source_pk):
    assessment = assessment_selectors.get_assessment(request.user, pk)
    source = selectors.deleted_source(request.user, assessment, source_pk)
    try:
        count = services.restore_source(request.user, assessment, source)
    except PermissionDenied as error:
        return denied(request, assessment, error, "sources")
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("evidence:list", pk=assessment.pk)
    messages.success(request, ngettext(
        "Source “%(title)s” restored with %(count)d citation.", "Source “%(title)s” restored with %(count)d citations.",
        count) % {"title": source.title, "count": count})
    return redirect(reverse("evidence:list", args=[assessment.pk]) + f"#source-{source.pk}")


@login_required
@require_POST
def source_purge(request, pk, source_pk):
    """A deleted source removed for good, after the confirmation on the sources page."""
    assessment = assessment_selectors.get_assessment(request.user, pk)
    source = selectors.deleted_source(request.user, assessment, source_pk)
    try:
        services.purge_source(request.user, assessment, source)
    except PermissionDenied as error:
        return denied(request, assessment, error, "sources")
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Source “%(title)s” removed for good.") % {"title": source.title})
    return redirect("evidence:list", pk=assessment.pk)


@login_required
@require_POST
def source_confirm(request, pk, source_pk):
    """A source carried over from the previous assessment, checked as still valid."""
    assessment = assessment_selectors.get_assessment(request.user, pk)
    source = selectors.source(request.user, assessment, source_pk)
    try:
        followup_services.confirm_carried_over(request.user, assessment, source)
    except PermissionDenied as error:
        return denied(request, assessment, error, "sources")
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Source “%(title)s” confirmed for this assessment.") % {"title": source.title})
    return redirect("evidence:list", pk=assessment.pk)


@login_required
def source_download(request, pk, source_pk):
    """The stored file, always as a download of opaque bytes: never rendered or sniffed by the browser."""
    assessment = assessment_selectors.get_assessment(request.user, pk)
    source = selectors.source(request.user, assessment, source_pk)
    if not source.file:
        raise Http404("This source has no file.")
    try:
        handle = source.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=source.file_name or "document", content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
