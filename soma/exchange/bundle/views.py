"""Pages of the JSON bundle: download an assessment as a bundle; upload a bundle to import it as a new one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from soma.exchange.bundle import check, services, tasks
from soma.exchange.safe_files import UnsafeFile, read_limited
from soma.kernel.clearance import classification_choices, seen_by
from soma.kernel.pages import assessment_page


class ExportForm(forms.Form):
    audience = forms.ChoiceField(label=gettext_lazy("Audience"), required=False)
    # The form's metaclass takes declared fields out of the class, so this does not replace BaseForm.files; the
    # stubs see a class attribute of another type.
    files = forms.ChoiceField(  # type: ignore[assignment]
        label=gettext_lazy("Uploaded files"), required=False,
        choices=[("include", gettext_lazy("Include them")), ("leave_out", gettext_lazy("Leave them out"))],
    )

    def __init__(self, *args: Any, levels: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        audience = self.fields["audience"]
        assert isinstance(audience, forms.ChoiceField)
        audience.choices = classification_choices(levels)


def export_form(user, assessment, data=None) -> ExportForm:
    levels = seen_by(user, assessment).levels
    # The lowest audience, without files, unless the user chooses more: a bundle leaves SOMA's control.
    return ExportForm(data, levels=levels, initial={"audience": levels[0], "files": "leave_out"})


@assessment_page(tab="exchange")
@require_GET
def bundle_export(request, assessment):
    form = export_form(request.user, assessment, request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose an audience you are cleared for."))
        return redirect("exchange:index", assessment.pk)
    audience = form.cleaned_data["audience"] or form.initial["audience"]
    include_files = form.cleaned_data["files"] == "include"
    data = services.export_bundle(request.user, assessment, audience=audience, include_files=include_files)
    response = HttpResponse(services.dumps(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="soma-assessment-{assessment.pk}-{data["audience"]}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bundle file (.json)"),
        help_text=gettext_lazy("A bundle exported from SOMA. It is checked completely before anything is written."),
    )


@login_required
def bundle_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = read_limited(upload, check.max_bytes(), _("The bundle"))
            except UnsafeFile as refused:
                form.add_error("file", str(refused))
            else:
                label = _("Import of %(name)s") % {"name": upload.name[:200]}
                job = tasks.start_bundle_import(request.user, data, label)
                return redirect("job", job.pk)
    return render(request, "exchange/bundle_import.html", {"form": form}, status=status)
