"""The findings, conclusions and recommendations lists' filters and sort choices (soma/core/list_views.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from soma.assessments.models import Institution
from soma.core.list_views import ListFilterForm, ListSpec, Sort
from soma.findings.models import Finding, Priority, Recommendation


class FindingFilter(ListFilterForm):
    q = forms.CharField(label=_("Title or text contains"), required=False, max_length=200, widget=forms.SearchInput)
    subsection = forms.ChoiceField(label=_("Guide subsection"), required=False, choices=[("", _("Any subsection"))])
    provision = forms.ChoiceField(label=_("Protocol provision"), required=False, choices=[("", _("Any provision"))])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Finding.Kind.choices])

    def __init__(self, data: Mapping[str, Any] | None = None, prefix_id: str = "findings",
                 subsections: Iterable[tuple[str, str]] = (), provisions: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(data, prefix_id=prefix_id)
        for name, choices in (("subsection", subsections), ("provision", provisions)):
            field: Any = self.fields[name]
            field.choices = [*field.choices[:1], *choices]

    def narrow(self, rows: QuerySet[Any], wanted: Mapping[str, Any]) -> QuerySet[Any]:
        if "q" in wanted:
            rows = rows.filter(Q(title__icontains=wanted["q"]) | Q(text__icontains=wanted["q"]))
        if "subsection" in wanted:
            rows = rows.filter(subsection=wanted["subsection"])
        if "kind" in wanted:
            rows = rows.filter(kind=wanted["kind"])
        if "provision" in wanted:  # a JSON list: matched here, as SQLite has no JSON containment
            pks = [pk for pk, keys in rows.values_list("pk", "provisions") if wanted["provision"] in (keys or [])]
            rows = rows.filter(pk__in=pks)
        return rows


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


FINDINGS = ListSpec(
    name="findings", form=FindingFilter, default_sort="guide",
    sorts={
        "guide": Sort(_("Guide order"), ("guide_place", "subsection", "kind", "pk")),
        "-added": Sort(_("Latest added first"), ("-created_at", "-pk")),
    },
)

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
