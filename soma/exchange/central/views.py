"""ODK Central pages: the assessment's connection (its lead), a pull (as a job), and the pulled file's preview.

Thin: the forms parse, `services` saves and downloads, the job pulls; the preview and the import are the
XLSForm submissions' own (soma.exchange.xlsform)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.validators import URLValidator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from soma.assessments import selectors
from soma.exchange.central import services, tasks
from soma.exchange.safe_files import UnsafeFile
from soma.exchange.xlsform import submissions
from soma.exchange.xlsform import tasks as xlsform_tasks
from soma.kernel.access import Action, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import ServiceError
from soma.kernel.pages import Refused, assessment_page, page_context


class ConnectionForm(forms.Form):
    base_url = forms.URLField(
        label=gettext_lazy("Server address"), max_length=300, assume_scheme="https",
        validators=[URLValidator(schemes=["https", "http"])],
        help_text=gettext_lazy("The address you open ODK Central at, e.g. https://central.example.org."),
    )
    project_id = forms.IntegerField(label=gettext_lazy("Project number"), min_value=1,
                                    help_text=gettext_lazy("The number in the project's address in Central "
                                                           "(…/projects/3)."))
    form_id = forms.CharField(label=gettext_lazy("Form ID"), max_length=200,
                              help_text=gettext_lazy("The form's ID in Central (its XML ID, shown on the form's "
                                                     "page), as made from SOMA's XLSForm."))
    email = forms.EmailField(label=gettext_lazy("E-mail of the Central account"),
                             help_text=gettext_lazy("A Central web user allowed to read the form's submissions "
                                                    "(a Data Collector cannot; a Project Viewer can)."))
    password = forms.CharField(
        label=gettext_lazy("Password of the Central account"), required=False, strip=False, max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Stored encrypted and never shown again. Leave empty to keep the stored password."),
    )
    clear_password = forms.BooleanField(label=gettext_lazy("Remove the stored password"), required=False)

    def __init__(self, data=None, *, has_password: bool, **kwargs):
        super().__init__(data, **kwargs)
        self.has_password = has_password
        if not has_password:
            del self.fields["clear_password"]
            self.fields["password"].help_text = gettext_lazy("Stored encrypted and never shown again.")

    def clean(self):
        cleaned = super().clean()
        if not self.has_password and not cleaned.get("password"):
            self.add_error("password", _("Enter the password of the Central account."))
        if cleaned.get("password") and cleaned.get("clear_password"):
            self.add_error("clear_password", _("Either enter a new password or remove the stored one, not both."))
        return cleaned


class PullForm(forms.Form):
    activity = forms.TypedChoiceField(label=gettext_lazy("Activity the submissions come from"), coerce=int)

    def __init__(self, data=None, *, activities):
        super().__init__(data)
        self.fields["activity"].choices = [("", "—"), *[(a.pk, a.title) for a in activities]]


def _initial(row) -> dict:
    if row is None:
        return {}
    return {"base_url": row.base_url, "project_id": row.project_id, "form_id": row.form_id, "email": row.email}


@assessment_page(tab="exchange")
def central(request, assessment):
    user = request.user
    require(user, Action.EDIT, assessment)
    row = services.connection(assessment)
    activities = selectors.activities(seen_by(user, assessment))
    status = 200
    if request.method == "POST":
        require(user, Action.MANAGE, assessment)
        form = ConnectionForm(request.POST, has_password=bool(row and row.has_password))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_connection(user, assessment, base_url=data["base_url"], project_id=data["project_id"],
                                         form_id=data["form_id"], email=data["email"], password=data["password"],
                                         clear_password=data.get("clear_password", False), request=request)
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The ODK Central connection is saved."))
                return redirect("exchange:central", assessment.pk)
        status = 400
    else:
        form = ConnectionForm(initial=_initial(row), has_password=bool(row and row.has_password))
    context = page_context(request, assessment, "exchange", connection=row, form=form,
                           pull_form=PullForm(activities=activities))
    return render(request, "exchange/central.html", context, status=status)


@assessment_page(tab="exchange")
@require_POST
def central_remove(request, assessment):
    services.remove_connection(request.user, assessment, request=request)
    messages.success(request, _("The ODK Central connection and its stored password are removed."))
    return redirect("exchange:central", assessment.pk)


@assessment_page(tab="exchange")
@require_POST
def central_pull(request, assessment):
    user = request.user
    require(user, Action.EDIT, assessment)
    activities = selectors.activities(seen_by(user, assessment))
    pull_form = PullForm(request.POST, activities=activities)
    row = services.connection(assessment)
    if pull_form.is_valid():
        activity = selectors.activity(seen_by(user, assessment), pull_form.cleaned_data["activity"])
        try:
            job = tasks.start(user, assessment, activity)
        except ServiceError as error:
            pull_form.add_error(None, str(error))
        else:
            return redirect("job", job.pk)
    form = ConnectionForm(initial=_initial(row), has_password=bool(row and row.has_password))
    context = page_context(request, assessment, "exchange", connection=row, form=form, pull_form=pull_form)
    return render(request, "exchange/central.html", context, status=400)


@assessment_page(tab="exchange")
def central_preview(request, assessment):
    user = request.user
    require(user, Action.EDIT, assessment)
    upload = xlsform_tasks.held(user, assessment, request.GET.get("upload"))
    if upload is None:
        raise Refused(_("The downloaded submissions are no longer kept. Pull them from ODK Central again."), 400)
    try:
        activity = selectors.activity(seen_by(user, assessment), request.GET.get("activity"))
    except Http404:
        raise Refused(_("That activity is not in this assessment any more. Pull the submissions again and choose "
                        "another one."), 400) from None
    try:
        result = submissions.preview(user, assessment, activity, bytes(upload.data), upload.file_name)
    except UnsafeFile as error:
        raise Refused(_("ODK Central's export could not be read: %(reason)s") % {"reason": error}, 400) from None
    held = upload if result.ok and result.drafts else None
    context = page_context(request, assessment, "exchange", preview=result, held=held)
    return render(request, "exchange/xlsform_preview.html", context, status=200 if result.ok else 400)
