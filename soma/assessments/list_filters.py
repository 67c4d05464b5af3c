"""The activities and stakeholders lists' filters and sort choices (see soma/core/list_views.py). Text searches
only what every viewer of the list may read: never the individuals met, a contact point or clearance notes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soma.assessments.models import Activity, Institution
from soma.core.list_views import ListFilterForm, ListSpec, Sort

HELD = "held"
PLANNED = "planned"


class ActivityFilter(ListFilterForm):
    q = forms.CharField(label=_("Title or notes contain"), required=False, max_length=200, widget=forms.SearchInput)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Activity.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Held or planned")), (HELD, _("Held (dated today or earlier)")), (PLANNED, _("Planned or undated"))])
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return cleaned

    def narrow(self, rows: QuerySet[Any], wanted: Mapping[str, Any]) -> QuerySet[Any]:
        if "q" in wanted:
            rows = rows.filter(Q(title__icontains=wanted["q"]) | Q(notes__icontains=wanted["q"]))
        if "kind" in wanted:
            rows = rows.filter(kind=wanted["kind"])
        today = timezone.localdate()
        if wanted.get("status") == HELD:
            rows = rows.filter(date__lte=today)
        elif wanted.get("status") == PLANNED:
            rows = rows.filter(Q(date__gt=today) | Q(date__isnull=True))
        if "start" in wanted:
            rows = rows.filter(date__gte=wanted["start"])
        if "end" in wanted:
            rows = rows.filter(date__lte=wanted["end"])
        return rows


class InstitutionFilter(ListFilterForm):
    q = forms.CharField(label=_("Name or notes contain"), required=False, max_length=200, widget=forms.SearchInput)
    category = forms.ChoiceField(label=_("Type"), required=False,
                                 choices=[("", _("All types")), *Institution.Category.choices])

    def narrow(self, rows: QuerySet[Any], wanted: Mapping[str, Any]) -> QuerySet[Any]:
        if "q" in wanted:
            rows = rows.filter(Q(name__icontains=wanted["q"]) | Q(notes__icontains=wanted["q"]))
        if "category" in wanted:
            rows = rows.filter(category=wanted["category"])
        return rows


ACTIVITIES = ListSpec(
    name="activities", form=ActivityFilter, default_sort="date",
    sorts={
        "date": Sort(_("Date, earliest first"), ("date", "pk")),
        "-date": Sort(_("Date, latest first"), ("-date", "-pk")),
        "title": Sort(_("Title"), ("title", "pk")),
        "kind": Sort(_("Kind"), ("kind", "date", "pk")),
    },
)

INSTITUTIONS = ListSpec(
    name="institutions", form=InstitutionFilter, default_sort="name",
    sorts={
        "name": Sort(_("Name"), ("name", "pk")),
        "category": Sort(_("Type"), ("category", "name", "pk")),
    },
)
