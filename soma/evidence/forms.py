"""Input of the sources pages. Forms only parse; evidence.services decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from soma.evidence import services
from soma.evidence.models import Credibility, Reliability, Source
from soma.kernel.clearance import seen_by
from soma.kernel.errors import ServiceError


class SourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Type"), choices=Source.Kind.choices)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Date of issue or publication."),
    )
    author = forms.CharField(label=_("Author or issuing body"), max_length=200, required=False)
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("File"), required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, text, CSV, PNG or JPEG. Stored under a random "
                    "name and only ever offered as a download."),
    )
    reliability = forms.ChoiceField(label=_("Source reliability"), choices=Reliability.choices, initial="F")
    credibility = forms.ChoiceField(label=_("Information credibility"), choices=Credibility.choices, initial="6")
    classification = forms.ChoiceField(label=_("Classification"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = seen_by(user, assessment).classification_choices()

    def clean_file(self):
        """The upload checks of evidence.services (type, size, content), reported on the file field."""
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                services.check_upload(upload)
            except ServiceError as error:
                raise forms.ValidationError(str(error)) from None
        return upload

    @classmethod
    def initial_for(cls, source: Source) -> dict:
        names = ("title", "kind", "date", "author", "link", "reliability", "credibility", "classification", "notes")
        return {name: getattr(source, name) for name in names}

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("file", None)
        return data
