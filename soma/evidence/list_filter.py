"""The sources list's filter box and sort choices: a plain GET form, so it works without JavaScript and its URL
can be shared; the choice is remembered like every list's (soma/core/list_views.py)."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from soma.core.list_views import ListFilterForm, ListSpec, Sort
from soma.evidence.models import Reliability, Source
from soma.evidence.selectors import SourceFilter


class SourceFilterForm(ListFilterForm):
    q = forms.CharField(label=_("Title or author contains"), required=False, max_length=200,
                        widget=forms.SearchInput)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *Source.Kind.choices])
    reliability = forms.ChoiceField(label=_("Source reliability"), required=False,
                                    choices=[("", _("Any reliability")), *Reliability.choices])

    def __init__(self, data: Mapping[str, Any] | None = None, prefix_id: str = "source") -> None:
        super().__init__(data, prefix_id=prefix_id)

    def narrow(self, rows: QuerySet[Any], wanted: Mapping[str, Any]) -> QuerySet[Any]:
        """The same narrowing as `selectors.listed_sources` (title or author, type, reliability)."""
        if wanted.get("q"):
            rows = rows.filter(Q(title__icontains=wanted["q"]) | Q(author__icontains=wanted["q"]))
        if wanted.get("kind"):
            rows = rows.filter(kind=wanted["kind"])
        if wanted.get("reliability"):
            rows = rows.filter(reliability=wanted["reliability"])
        return rows

    def choice_fields(self) -> list[forms.BoundField]:
        return [self["kind"], self["reliability"]]

    def wanted(self) -> SourceFilter:
        """The filter asked for; a value that does not parse (a hand-edited URL) narrows nothing."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return SourceFilter(text=cleaned.get("q", ""), kind=cleaned.get("kind", ""),
                            reliability=cleaned.get("reliability", ""))


SOURCES = ListSpec(
    name="sources", form=SourceFilterForm, default_sort="title",
    sorts={
        "title": Sort(_("Title"), ("title", "pk")),
        "-date": Sort(_("Date, latest first"), ("-date", "title", "pk")),
        "date": Sort(_("Date, earliest first"), ("date", "title", "pk")),
        "reliability": Sort(_("Source reliability"), ("reliability", "title", "pk")),
        "-added": Sort(_("Latest added"), ("-added_at", "-pk")),
    },
)
