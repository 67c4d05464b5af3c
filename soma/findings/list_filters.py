"""The conclusions and recommendations lists' filters and sort choices (see soma/core/list_views.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from soma.assessments.models import Institution
from soma.core.list_views import ListFilterForm, ListSpec, Sort
from soma.findings.models import Priority, Recommendation


class ConclusionFilter(ListFilterForm):
    q = forms.CharField(label=_("Conclusion or basis contains"), required=False, max_length=200,
                        widget=forms.SearchInput)

    def narrow(self, rows: QuerySet[Any], wanted: Mapping[str, Any]) -> QuerySet[Any]:
        if "q" in wanted:
            rows = rows.filter(Q(text__icontains=wanted["q"]) | Q(basis__icontains=wanted["q"]))
        return rows


class RecommendationFilter(ListFilterForm):
    q = forms.CharField(label=_("Recommendation or timeline contains"), required=False, max_length=200,
                        widget=forms.SearchInput)
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("Any priority")), *Priority.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Recommendation.State.choices])
    addressee = forms.TypedChoiceField(label=_("Responsible"), required=False, coerce=int, empty_value=None,
                                       choices=[("", _("Anyone"))])

    def __init__(self, data: Mapping[str, Any] | None = None, prefix_id: str = "recommendations",
                 institutions: Iterable[Institution] = ()) -> None:
        super().__init__(data, prefix_id=prefix_id)
        field: Any = self.fields["addressee"]
        field.choices = [("", _("Anyone")), *((str(each.pk), each.name) for each in institutions)]

    def narrow(self, rows: QuerySet[Any], wanted: Mapping[str, Any]) -> QuerySet[Any]:
        if "q" in wanted:
            rows = rows.filter(Q(text__icontains=wanted["q"]) | Q(timeline__icontains=wanted["q"]))
        if "priority" in wanted:
            rows = rows.filter(priority=wanted["priority"])
        if "status" in wanted:
            rows = rows.filter(status=wanted["status"])
        if "addressee" in wanted:
            rows = rows.filter(institutions=wanted["addressee"])
        return rows


CONCLUSIONS = ListSpec(
    name="conclusions", form=ConclusionFilter, default_sort="added",
    sorts={
        "added": Sort(_("First added first"), ("pk",)),
        "-added": Sort(_("Latest added first"), ("-pk",)),
        "tentative": Sort(_("Tentative first"), ("-tentative", "pk")),
    },
)

# The list is shown by priority horizon, then area: every order starts with the horizon.
RECOMMENDATIONS = ListSpec(
    name="recommendations", form=RecommendationFilter, default_sort="rank",
    sorts={
        "rank": Sort(_("Horizon, area, rank and sequence"), ("horizon", "area", "rank", "sequence", "pk")),
        "status": Sort(_("Horizon, then status"), ("horizon", "status", "area", "rank", "sequence", "pk")),
        "-added": Sort(_("Horizon, latest added first"), ("horizon", "-pk")),
    },
)
