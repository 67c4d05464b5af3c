"""Input of the questions workspace. Forms only parse; findings.services and evidence.services decide."""

from django import forms
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


class CitationForm(forms.Form):
    """A source with a pinpoint and a stance, or an activity (interview, site visit...)."""

    source = forms.ModelChoiceField(label=_("Source"), queryset=None, required=False, empty_label=_("— no source —"))
    activity = forms.ModelChoiceField(
        label=_("or activity"), queryset=None, required=False, empty_label=_("— no activity —")
    )
    pinpoint = forms.CharField(label=_("Pinpoint"), max_length=200, required=False,
                               help_text=_("Page, article or minute."))
    stance = forms.ChoiceField(label=_("Stance"), choices=Citation.Stance.choices, initial=Citation.Stance.SUPPORTS)

    def __init__(self, *args, user, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = evidence_selectors.sources(user, assessment)
        self.fields["activity"].queryset = evidence_selectors.activities(user, assessment)

    def clean(self):
        data = super().clean()
        if not data.get("source") and not data.get("activity"):
            raise forms.ValidationError(_("Choose a source or an activity to cite."))
        if data.get("source") and data.get("activity"):
            raise forms.ValidationError(_("Cite a source or an activity, not both at once: add two citations."))
        return data
