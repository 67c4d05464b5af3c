"""Forms of the Reports tab: a narrative chapter, and the choices for issuing a report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from soma.reports.models import ReportProfile


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, whose choices the form sets for its user."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class ChapterForm(forms.Form):
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    classification = forms.ChoiceField(label=_("Classification"))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, classifications: list[tuple[str, str]], **kwargs: Any) -> None:
        """`classifications`: the levels the writer may classify at (soma.kernel.clearance.Seen)."""
        super().__init__(*args, **kwargs)
        _choice_field(self, "classification").choices = classifications


class IssueForm(forms.Form):
    audience = forms.ChoiceField(label=_("Version"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    profile: forms.ModelChoiceField[ReportProfile] = forms.ModelChoiceField(
        label=_("Report profile"), queryset=None, required=False, empty_label=_("SOMA's plain layout"))
    confirm_left_out = forms.BooleanField(
        label=_("Issue this version anyway, without the work listed above"), required=False)
    # The version whose summary the user confirmed: choosing another one afterwards needs its own confirmation.
    confirmed_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, audiences, profiles, left_out: dict | None = None, **kwargs):
        """`left_out`: soma.reports.left_out.left_out() for this user, by version."""
        super().__init__(*args, **kwargs)
        _choice_field(self, "audience").choices = audiences
        profile = self.fields["profile"]
        assert isinstance(profile, forms.ModelChoiceField)
        profile.queryset = profiles
        default = profiles.filter(is_default=True).first()
        if default:
            self.fields["profile"].initial = default.pk
        self.left_out = left_out or {}

    @property
    def warning(self):
        """What the chosen version leaves out, once the user has chosen one that leaves work out."""
        if not self.is_bound:
            return None
        summary = self.left_out.get(self.data.get("audience"))
        return summary if summary is not None and summary.leaves_out else None

    def clean(self):
        data = super().clean()
        summary = self.left_out.get(data.get("audience"))
        confirmed = data.get("confirm_left_out") and data.get("confirmed_version") == data.get("audience")
        if summary is not None and summary.leaves_out and not confirmed:
            self.add_error("confirm_left_out", _(
                "The %(version)s leaves out %(counts)s: they are classified above it. Read the list above, then "
                "tick the box to issue it anyway, or change their classification first.")
                % {"version": summary.label.lower(), "counts": summary.counts()})
        return data
