"""The sources list's filter box: a plain GET form, so it works without JavaScript and its URL can be shared."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from soma.evidence.models import Reliability, Source
from soma.evidence.selectors import SourceFilter


class SourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or author contains"), required=False, max_length=200,
                        widget=forms.SearchInput)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *Source.Kind.choices])
    reliability = forms.ChoiceField(label=_("Source reliability"), required=False,
                                    choices=[("", _("Any reliability")), *Reliability.choices])

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        super().__init__(data, auto_id="source-filter-%s", label_suffix="")

    def choice_fields(self) -> list[forms.BoundField]:
        return [self["kind"], self["reliability"]]

    def wanted(self) -> SourceFilter:
        """The filter asked for; a value that does not parse (a hand-edited URL) narrows nothing."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return SourceFilter(text=cleaned.get("q", ""), kind=cleaned.get("kind", ""),
                            reliability=cleaned.get("reliability", ""))
