"""Forms of the Reports tab: a narrative chapter, and the choices for issuing a report."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from soma.assessments.models import Classification


class ChapterForm(forms.Form):
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IssueForm(forms.Form):
    audience = forms.ChoiceField(label=_("Version"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    profile = forms.ModelChoiceField(label=_("Report profile"), queryset=None, required=False,
                                     empty_label=_("SOMA's plain layout"))

    def __init__(self, *args, audiences, profiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = audiences
        self.fields["profile"].queryset = profiles
        default = profiles.filter(is_default=True).first()
        if default:
            self.fields["profile"].initial = default.pk
