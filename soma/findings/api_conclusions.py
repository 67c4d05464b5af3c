"""REST API of an assessment's conclusions: list, add, change with the version loaded (409 if someone saved since),
through soma.findings.services.save_conclusion (the conclusions page's service; the base: soma/kernel/api.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from soma.assessments.models import Classification
from soma.core.api_fields import StrictBooleanField, StrictCharField
from soma.findings import selectors, services
from soma.findings.api import RelatedListField, VersionedItemView
from soma.findings.models import Conclusion
from soma.kernel.access import Action, require
from soma.kernel.api import AssessmentAPIView, ListFilter, check_fields, id_field, whole_number
from soma.kernel.clearance import Seen


class ConclusionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = StrictCharField()
    basis = StrictCharField(required=False, allow_blank=True,
                                  help_text="The findings and evidence this conclusion rests on.")
    tentative = StrictBooleanField(required=False, help_text="Marked when sources conflict.")
    findings = RelatedListField("pk", child=id_field(), required=False,
                                help_text="Ids of the findings it rests on (those you may see).")
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    version = serializers.IntegerField(read_only=True)


class ConclusionUpdateSerializer(ConclusionSerializer):
    version = whole_number(min_value=0, help_text="The version you loaded; 409 if someone changed it since.")


def conclusion_links(seen: Seen, fields: dict[str, Any]) -> dict[str, Any]:
    """Finding ids as the findings the user may see (any other is a 400 naming the field)."""
    if "findings" in fields:
        ids = set(fields["findings"])
        rows = list(selectors.findings(seen).filter(pk__in=ids))
        if len(rows) != len(ids):
            missing = sorted(ids - {row.pk for row in rows})
            raise serializers.ValidationError({"findings": [str(gettext_lazy(
                "Not findings of this assessment: %(ids)s.")) % {"ids": ", ".join(map(str, missing))}]})
        fields["findings"] = rows
    return fields


class ConclusionsView(AssessmentAPIView):
    filter_fields = {
        "tentative": ListFilter("tentative", ("True", "False"), "Only tentative conclusions (True) or firm ones."),
        "classification": ListFilter("classification", Classification.values),
    }
    ordering_fields = {"id": "pk"}

    @extend_schema(summary="Conclusions you may see", responses=ConclusionSerializer(many=True))
    def get(self, request, pk):
        seen = self.seen()
        return self.paginated(selectors.conclusions(seen), ConclusionSerializer, levels=seen.levels)

    @extend_schema(summary="Draw a conclusion (lead and assessors)", request=ConclusionSerializer,
                   responses={201: ConclusionSerializer})
    def post(self, request, pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        fields = conclusion_links(self.seen(), check_fields(ConclusionSerializer, request.data))
        saved = services.save_conclusion(request.user, assessment, **fields)
        return Response(ConclusionSerializer(saved, context={"request": request, "levels": self.seen().levels}).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="One conclusion you may see", responses={200: ConclusionSerializer}),
    patch=extend_schema(
        summary="Change a conclusion (lead and assessors): only the fields sent, with the version you loaded. "
                "`findings` replaces the links you can see; links to findings above your clearance stay.",
        request=ConclusionUpdateSerializer,
        responses={200: ConclusionSerializer},
    ),
)
class ConclusionView(VersionedItemView):
    serializer_class = ConclusionSerializer
    update_serializer_class = ConclusionUpdateSerializer

    def item(self, assessment: Any) -> Conclusion:
        return selectors.conclusion(self.seen(), self.kwargs["conclusion_pk"])

    def links(self, fields: dict) -> dict:
        return conclusion_links(self.seen(), fields)

    def save(self, assessment: Any, item: Conclusion, version: int, fields: dict) -> Conclusion:
        user: Any = self.request.user  # authenticated: the base's permission class
        return services.save_conclusion(user, assessment, item, expected_version=version, **fields)
