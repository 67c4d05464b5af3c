"""The sources pages (desk review): list, add, edit, confirm, delete and download. Thin: forms parse,
evidence.services writes, evidence.selectors reads (only what the user is cleared for). A refused write (the
role, or material above the user's clearance) is the kernel's refusal page, raised by the services."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from soma.assessments import services as assessment_services
from soma.core import list_views
from soma.evidence import selectors, services
from soma.evidence.forms import SourceForm
from soma.evidence.list_filter import SOURCES
from soma.evidence.models import Credibility, Reliability, Source
from soma.kernel.access import Action, can, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import ServiceError
from soma.kernel.pages import assessment_page, page_context

sources_page = assessment_page(tab="sources")
# A write: another method is 405 for anyone signed in, before the assessment is looked up.
sources_page_post = assessment_page(tab="sources", methods=["POST"])
# Rows per page: the template costs about 0.1 ms a row, and a full assessment has hundreds of sources.
PAGE_SIZE = SOURCES.page_size


@sources_page
def source_list(request, assessment):
    can_edit = can(request.user, Action.EDIT, assessment)
    seen = seen_by(request.user, assessment)
    back = list_views.restore(request, SOURCES, assessment.pk)
    if back:
        return back
    choice = list_views.choose(request, SOURCES, assessment.pk, selectors.listed_sources(seen))
    page = choice.page
    context = page_context(
        request, assessment, "sources",
        page=page,
        sources=page.object_list,
        page_range=choice.page_range,
        filters=choice.form,
        filtered=choice.narrowed,
        choice=choice,
        deleted=selectors.deleted_sources(seen) if can_edit else [],
        can_purge=can(request.user, Action.MANAGE, assessment),
        reliability=Reliability.choices,
        credibility=Credibility.choices,
    )
    return render(request, "evidence/source_list.html", context)


@sources_page
def source_add(request, assessment):
    return _source_form(request, assessment, None)


@sources_page
def source_edit(request, assessment, source_pk):
    return _source_form(request, assessment, selectors.source(seen_by(request.user, assessment), source_pk))


def _row_url(request, assessment, source: Source) -> str:
    """The source's row on the (unfiltered) list page that holds it."""
    number = selectors.position(seen_by(request.user, assessment), source) // PAGE_SIZE + 1
    query = f"?page={number}" if number > 1 else ""
    return reverse("evidence:list", args=[assessment.pk]) + f"{query}#source-{source.pk}"


def _to_row(request, assessment, source: Source) -> HttpResponseRedirect:
    return redirect(_row_url(request, assessment, source))


def _source_form(request, assessment, source):
    require(request.user, Action.EDIT, assessment)
    status = 200
    if request.method == "POST":
        form = SourceForm(request.POST, request.FILES, user=request.user, assessment=assessment)
        if form.is_valid():
            try:
                saved = services.save_source(
                    request.user, assessment, source, upload=form.cleaned_data.get("file"), **form.service_fields()
                )
            except ServiceError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Source “%(title)s” saved.") % {"title": saved.title})
                return _to_row(request, assessment, saved)
        else:
            status = 400
    else:
        initial = SourceForm.initial_for(source) if source else {
            "classification": seen_by(request.user, assessment).default_classification()}
        form = SourceForm(initial=initial, user=request.user, assessment=assessment)
    back = _row_url(request, assessment, source) if source else reverse("evidence:list", args=[assessment.pk])
    context = page_context(request, assessment, "sources", form=form, source=source, back=back)
    return render(request, "evidence/source_form.html", context, status=status)


@sources_page
def source_delete(request, assessment, source_pk):
    """GET: what goes with the source, and a button to confirm. POST with `confirmed`: delete it (restorable)."""
    source = selectors.source(seen_by(request.user, assessment), source_pk)
    require(request.user, Action.EDIT, assessment)
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        try:
            count = services.delete_source(request.user, assessment, source)
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
    context = page_context(request, assessment, "sources", source=source, back=_row_url(request, assessment, source),
                           impact=selectors.deletion_impact(seen_by(request.user, assessment), source))
    return render(request, "evidence/source_delete.html", context)


@sources_page_post
def source_restore(request, assessment, source_pk):
    source = selectors.deleted_source(seen_by(request.user, assessment), source_pk)
    try:
        count = services.restore_source(request.user, assessment, source)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("evidence:list", pk=assessment.pk)
    messages.success(request, ngettext(
        "Source “%(title)s” restored with %(count)d citation.", "Source “%(title)s” restored with %(count)d citations.",
        count) % {"title": source.title, "count": count})
    return _to_row(request, assessment, source)


@sources_page_post
def source_purge(request, assessment, source_pk):
    """A deleted source removed for good, after the confirmation on the sources page."""
    source = selectors.deleted_source(seen_by(request.user, assessment), source_pk)
    try:
        services.purge_source(request.user, assessment, source)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Source “%(title)s” removed for good.") % {"title": source.title})
    return redirect("evidence:list", pk=assessment.pk)


@sources_page_post
def source_confirm(request, assessment, source_pk):
    """A source carried over from the previous assessment, checked as still valid."""
    source = selectors.source(seen_by(request.user, assessment), source_pk)
    try:
        assessment_services.confirm_carried_over(request.user, assessment, source)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Source “%(title)s” confirmed for this assessment.") % {"title": source.title})
    return _to_row(request, assessment, source)


@sources_page
def source_download(request, assessment, source_pk):
    """The stored file, always as a download of opaque bytes: never rendered or sniffed by the browser."""
    source = selectors.source(seen_by(request.user, assessment), source_pk)
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
