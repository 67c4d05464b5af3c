"""Input of the questions workspace. Forms only parse; findings.services and evidence.services decide."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from soma.evidence import selectors as evidence_selectors
from soma.evidence.forms import classification_choices
from soma.evidence.models import Citation
from soma.findings.models import Implementation, ReviewState


class ResponseForm(forms.Form):
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    narrative = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    de_jure = forms.ChoiceField(label=_("De jure"), choices=Implementation.choices,
                                help_text=_("What the law and official policy say."))
    de_facto = forms.ChoiceField(label=_("De facto"), choices=Implementation.choices,
                                 help_text=_("What happens in practice."))
    classification = forms.ChoiceField(label=_("Classification"))

    def __init__(self, *args, user, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = classification_choices(user, assessment)

    FIELDS = ("narrative", "de_jure", "de_facto", "classification")

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ReviewForm(forms.Form):
    state = forms.ChoiceField(choices=ReviewState.choices)


class EvidenceChoices:
    """The sources and activities a user may cite, read once per page and shared by every question's citation
    form: a page of thirty questions would otherwise read them thirty times and render thirty copies of each
    option through the widget templates, which is most of such a page's time."""

    def __init__(self, user, assessment):
        self.objects = {
            "source": {str(s.pk): s for s in evidence_selectors.sources(user, assessment)},
            "activity": {str(a.pk): a for a in evidence_selectors.activities(user, assessment)},
        }
        self._html: dict[str, str] = {}

    def choices(self, which: str, empty_label) -> list[tuple[str, str]]:
        return [("", empty_label), *((pk, str(obj)) for pk, obj in self.objects[which].items())]

    def options_html(self, which: str, empty_label) -> str:
        if which not in self._html:
            self._html[which] = format_html_join("", '<option value="{}">{}</option>',
                                                 self.choices(which, empty_label))
        return self._html[which]


class SharedOptionsSelect(forms.Select):
    """A <select> whose options are the page's shared EvidenceChoices, rendered once (see there)."""

    def __init__(self, evidence: EvidenceChoices, which: str, empty_label, attrs=None):
        super().__init__(attrs)
        self.evidence, self.which, self.empty_label = evidence, which, empty_label

    def render(self, name, value, attrs=None, renderer=None):
        options = self.evidence.options_html(self.which, self.empty_label)
        if value:
            chosen = f'value="{escape(value)}"'
            options = mark_safe(options.replace(chosen + ">", chosen + " selected>", 1))  # noqa: S308 (escaped)
        return format_html("<select name=\"{}\"{}>{}</select>", name, flatatt(self.build_attrs(self.attrs, attrs)),
                           options)


class CitationForm(forms.Form):
    """A source with a pinpoint and a stance, or an activity (interview, site visit...)."""

    source = forms.ChoiceField(label=_("Source"), required=False)
    activity = forms.ChoiceField(label=_("or activity"), required=False)
    pinpoint = forms.CharField(label=_("Pinpoint"), max_length=200, required=False,
                               help_text=_("Page, article or minute."))
    stance = forms.ChoiceField(label=_("Stance"), choices=Citation.Stance.choices, initial=Citation.Stance.SUPPORTS)

    EMPTY = {"source": _("— no source —"), "activity": _("— no activity —")}

    def __init__(self, *args, user, assessment, evidence: EvidenceChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence = evidence or EvidenceChoices(user, assessment)
        for which, empty in self.EMPTY.items():
            field = self.fields[which]
            field.choices = self.evidence.choices(which, empty)
            field.widget = SharedOptionsSelect(self.evidence, which, empty)

    def clean_source(self):
        return self.evidence.objects["source"].get(self.cleaned_data["source"])

    def clean_activity(self):
        return self.evidence.objects["activity"].get(self.cleaned_data["activity"])

    def clean(self):
        data = super().clean()
        if not data.get("source") and not data.get("activity"):
            raise forms.ValidationError(_("Choose a source or an activity to cite."))
        if data.get("source") and data.get("activity"):
            raise forms.ValidationError(_("Cite a source or an activity, not both at once: add two citations."))
        return data
