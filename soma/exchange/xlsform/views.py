"""XLSForm pages: the form for field collection out, the submissions collected with it in (preview, then a job).

Thin: the forms parse, `xlsform` and `submissions` decide, the task writes."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from soma.assessments import selectors
from soma.exchange.safe_files import UnsafeFile, read_limited
from soma.exchange.xlsform import form_writer, submissions, tasks
from soma.kernel.access import Action, require
from soma.kernel.clearance import seen_by
from soma.kernel.pages import Refused, assessment_page, page_context


class ExportForm(forms.Form):
    scope = forms.MultipleChoiceField(
        label=gettext_lazy("Subsections"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave all unticked for the whole scope."),
    )
    activity = forms.TypedChoiceField(label=gettext_lazy("Or the questions of one activity"), required=False,
                                      coerce=int, empty_value=None)

    def __init__(self, data, *, subsections, activities):
        super().__init__(data)
        self.fields["scope"].choices = [(sub.code, f"{sub.code} {sub.title}") for sub in subsections]
        self.fields["activity"].choices = [("", "—"), *[(a.pk, a.title) for a in activities]]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Submissions file"),
        help_text=gettext_lazy("A CSV or XLSX export from ODK Central or KoboToolbox, or ODK Central's .csv.zip as "
                               "downloaded, of a form made by SOMA, with XML names (not labels) as column headers."),
    )
    activity = forms.TypedChoiceField(label=gettext_lazy("Activity the submissions come from"), coerce=int)

    def __init__(self, data=None, files=None, *, activities):
        super().__init__(data, files)
        self.fields["activity"].choices = [("", "—"), *[(a.pk, a.title) for a in activities]]


@assessment_page(tab="exchange")
def export(request, assessment):
    user = request.user
    subsections = selectors.questions_in_scope(seen_by(user, assessment))
    activities = selectors.activities(seen_by(user, assessment))
    wanted = {"scope", "activity", "all"} & set(request.GET)
    form = ExportForm(request.GET if wanted else None, subsections=subsections, activities=activities)
    status = 200
    if wanted and form.is_valid():
        activity_pk = form.cleaned_data["activity"]
        activity = selectors.activity(seen_by(user, assessment), activity_pk) if activity_pk else None
        try:
            made = form_writer.build(user, assessment, scope=form.cleaned_data["scope"] or None, activity=activity)
        except form_writer.FormError as error:
            form.add_error(None, str(error))
        else:
            response = HttpResponse(
                made.content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
            response["Cache-Control"] = "private, no-store"
            return response
        status = 400
    elif wanted:
        status = 400
    context = page_context(request, assessment, "exchange", form=form)
    return render(request, "exchange/xlsform_export.html", context, status=status)


@assessment_page(tab="exchange")
def submissions_import(request, assessment):
    user = request.user
    require(user, Action.EDIT, assessment)
    activities = selectors.activities(seen_by(user, assessment))
    form = ImportForm(request.POST or None, request.FILES or None, activities=activities)
    if request.method == "POST" and form.is_valid():
        activity = selectors.activity(seen_by(user, assessment), form.cleaned_data["activity"])
        upload = form.cleaned_data["file"]
        try:
            data = read_limited(upload, what=_("The file"))
            result = submissions.preview(user, assessment, activity, data, upload.name)
        except UnsafeFile as error:
            form.add_error("file", str(error))
        else:
            held = tasks.hold(user, assessment, data, upload.name) if result.ok and result.drafts else None
            context = page_context(request, assessment, "exchange", preview=result, held=held)
            return render(request, "exchange/xlsform_preview.html", context, status=200 if result.ok else 400)
    status = 400 if request.method == "POST" else 200
    context = page_context(request, assessment, "exchange", form=form)
    return render(request, "exchange/xlsform_import.html", context, status=status)


@assessment_page(tab="exchange")
@require_POST
def submissions_apply(request, assessment):
    user = request.user
    require(user, Action.EDIT, assessment)
    upload = tasks.held(user, assessment, request.POST.get("upload"))
    if upload is None:
        raise Refused(_("The uploaded file is no longer kept. Upload it again."), 400)
    try:
        activity = selectors.activity(seen_by(user, assessment), request.POST.get("activity"))
    except Http404:
        raise Refused(_("That activity is not in this assessment any more. Upload the file again."), 400) from None
    job = tasks.start(user, assessment, activity, upload, request.POST.get("digest", ""))
    return redirect("job", job.pk)
