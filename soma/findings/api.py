"""REST API of findings and recommendations of one assessment (the shared behaviour: soma/kernel/api.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from soma.assessments.models import Classification
from soma.findings import selectors, services
from soma.findings.models import Finding, Priority, Recommendation
from soma.kernel.access import Action, require
from soma.kernel.api import (
    AssessmentAPIView,
    ListFilter,
    check_fields,
    check_update,
    id_field,
    named_choices,
    whole_number,
)
from soma.kernel.clearance import Seen
from soma.kernel.errors import ServiceError

RecommendationStatusField = named_choices("RecommendationStatus", Recommendation.State.choices)


class RelatedListField(serializers.ListField):
    """A list written as plain values and read from a many-to-many relation (`attr` of each related row)."""

    def __init__(self, attr: str, **kwargs):
        self.attr = attr
        super().__init__(**kwargs)

    def to_representation(self, data):
        if hasattr(data, "all"):
            rows = data.all()
            levels = self.context.get("levels")  # the reader's clearance: links above it are not shown
            if levels is not None and hasattr(rows.model, "classification"):
                rows = [row for row in rows if row.classification in levels]
            data = sorted(getattr(row, self.attr) for row in rows)
        return super().to_representation(data)


def _context(view: AssessmentAPIView) -> dict:
    return {"request": view.request, "levels": view.seen().levels}


class VersionedItemView(AssessmentAPIView):
    """One finding or recommendation: read it, or change the fields sent with the version loaded (409 if someone
    saved since). Subclasses say which row (`item`), how ids become rows (`links`) and which service saves."""

    serializer_class: type[serializers.Serializer]
    update_serializer_class: type[serializers.Serializer]

    def item(self, assessment: Any) -> Any:
        raise NotImplementedError

    def links(self, fields: dict) -> dict:
        raise NotImplementedError

    def save(self, assessment: Any, item: Any, version: int, fields: dict) -> Any:
        raise NotImplementedError

    def get(self, request, pk, **kwargs):
        assessment = self.assessment()
        return Response(self.serializer_class(self.item(assessment), context=_context(self)).data)

    def patch(self, request, pk, **kwargs):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        item = self.item(assessment)
        fields = self.links(check_update(self.update_serializer_class, request.data))
        version = fields.pop("version")
        saved = self.save(assessment, item, version, fields)
        return Response(self.serializer_class(saved, context=_context(self)).data)


# --- Findings ----------------------------------------------------------------------------------------------------


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=Finding.Kind.choices)
    title = serializers.CharField(max_length=300)
    text = serializers.CharField(required=False, allow_blank=True)
    subsection = serializers.CharField(required=False, allow_blank=True, help_text="e.g. guide:V.C")
    provisions = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Protocol articles or provisions: protocol:art6.1"
    )
    responses = RelatedListField(
        "question",
        child=serializers.CharField(),
        required=False,
        help_text="Question ids of the responses it rests on.",
    )
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    version = serializers.IntegerField(read_only=True)


class FindingsView(AssessmentAPIView):
    filter_fields = {
        "kind": ListFilter("kind", Finding.Kind.values),
        "subsection": ListFilter("subsection", description="Only the findings of this subsection (guide:V.C)."),
        "classification": ListFilter("classification", Classification.values),
    }
    ordering_fields = {"title": "title", "kind": "kind", "subsection": "subsection", "id": "pk"}

    @extend_schema(summary="Findings you may see", responses=FindingSerializer(many=True))
    def get(self, request, pk):
        seen = self.seen()
        return self.paginated(selectors.findings(seen), FindingSerializer, levels=seen.levels)

    @extend_schema(
        summary="Record a finding (lead and assessors)",
        request=FindingSerializer,
        responses={201: FindingSerializer},
    )
    def post(self, request, pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        fields = _finding_links(self.seen(), check_fields(FindingSerializer, request.data))
        finding = services.save_finding(request.user, assessment, **fields)
        return Response(FindingSerializer(finding, context=_context(self)).data,
                        status=status.HTTP_201_CREATED)


def _finding_links(seen: Seen, fields: dict) -> dict:
    """Question ids to the answers the user may see (others are unknown to them: a 400)."""
    if "responses" in fields:
        visible = selectors.responses(seen)
        unknown = [key for key in fields["responses"] if key not in visible]
        if unknown:
            raise ServiceError(f"No answered question {', '.join(unknown)} in this assessment.")
        fields["responses"] = [visible[key] for key in fields["responses"]]
    return fields


class FindingUpdateSerializer(FindingSerializer):
    version = whole_number(min_value=0, help_text="The version you loaded; 409 if someone changed it since.")


@extend_schema_view(
    get=extend_schema(summary="One finding you may see", responses={200: FindingSerializer}),
    patch=extend_schema(
        summary="Change a finding (lead and assessors): only the fields sent, with the version you loaded. "
                "`responses` replaces the links you can see; links to answers above your clearance stay.",
        request=FindingUpdateSerializer,
        responses={200: FindingSerializer},
    ),
)
class FindingView(VersionedItemView):
    serializer_class = FindingSerializer
    update_serializer_class = FindingUpdateSerializer

    def item(self, assessment: Any) -> Finding:
        return selectors.finding(self.seen(), self.kwargs["finding_pk"])

    def links(self, fields: dict) -> dict:
        return _finding_links(self.seen(), fields)

    def save(self, assessment: Any, item: Finding, version: int, fields: dict) -> Finding:
        return services.save_finding(self.request.user, assessment, item, expected_version=version, **fields)


# --- Recommendations ---------------------------------------------------------------------------------------------


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField()
    area = serializers.CharField(max_length=40, help_text="A guide section or subsection: guide:V.C")
    priority = serializers.ChoiceField(choices=Priority.choices)
    rank = serializers.IntegerField(min_value=1, required=False)
    sequence = serializers.IntegerField(min_value=1, required=False)
    institutions = RelatedListField(
        "pk", child=id_field(), required=False, help_text="Ids of the assessment's institutions."
    )
    timeline = serializers.CharField(max_length=200, required=False, allow_blank=True)
    estimated_cost = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    status = RecommendationStatusField(required=False)
    review_state = serializers.CharField(read_only=True)
    conclusions = RelatedListField(
        "pk", child=id_field(), required=False, help_text="Ids of the conclusions it follows from."
    )
    toolkit = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Toolkit sections; suggested when left out."
    )
    framework = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Framework for Action items; suggested when left out."
    )
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    carried_over = serializers.BooleanField(read_only=True)
    confirmed = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class RecommendationsView(AssessmentAPIView):
    filter_fields = {
        "priority": ListFilter("priority", Priority.values),
        "status": ListFilter("status", Recommendation.State.values),
        "area": ListFilter("area", description="Only the recommendations of this area (guide:section:V, guide:V.C)."),
        "classification": ListFilter("classification", Classification.values),
    }
    ordering_fields = {"area": "area", "rank": "rank", "sequence": "sequence", "id": "pk"}

    @extend_schema(
        summary="Recommendations you may see, by priority horizon, area, rank and sequence",
        responses=RecommendationSerializer(many=True),
    )
    def get(self, request, pk):
        seen = self.seen()
        return self.paginated(selectors.recommendations(seen), RecommendationSerializer, levels=seen.levels)

    @extend_schema(
        summary="Propose a recommendation (lead and assessors)",
        request=RecommendationSerializer,
        responses={201: RecommendationSerializer},
    )
    def post(self, request, pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        fields = _recommendation_links(self.seen(), check_fields(RecommendationSerializer, request.data))
        recommendation = services.save_recommendation(request.user, assessment, **fields)
        return Response(RecommendationSerializer(recommendation, context=_context(self)).data,
                        status=status.HTTP_201_CREATED)


def _recommendation_links(seen: Seen, fields: dict) -> dict:
    """Ids to the institutions and the conclusions the user may see (others are unknown to them: a 400)."""
    choices = {"institutions": (selectors.institutions(seen), "institutions"),
               "conclusions": (selectors.conclusions(seen), "conclusions")}
    for name, (rows, label) in choices.items():
        if name in fields:
            ids = set(fields[name])
            found = list(rows.filter(pk__in=ids))
            if len(found) != len(ids):
                missing = sorted(ids - {row.pk for row in found})
                raise ServiceError(f"Not {label} of this assessment: {', '.join(map(str, missing))}.")
            fields[name] = found
    return fields


class RecommendationUpdateSerializer(RecommendationSerializer):
    version = whole_number(min_value=0, help_text="The version you loaded; 409 if someone changed it since.")


@extend_schema_view(
    get=extend_schema(summary="One recommendation you may see",
                      responses={200: RecommendationSerializer}),
    patch=extend_schema(
        summary="Change a recommendation (lead and assessors): only the fields sent, with the version you loaded. "
                "`conclusions` replaces the links you can see; links to conclusions above your clearance stay.",
        request=RecommendationUpdateSerializer,
        responses={200: RecommendationSerializer},
    ),
)
class RecommendationView(VersionedItemView):
    serializer_class = RecommendationSerializer
    update_serializer_class = RecommendationUpdateSerializer

    def item(self, assessment: Any) -> Recommendation:
        return selectors.recommendation(self.seen(), self.kwargs["recommendation_pk"])

    def links(self, fields: dict) -> dict:
        return _recommendation_links(self.seen(), fields)

    def save(self, assessment: Any, item: Recommendation, version: int, fields: dict) -> Recommendation:
        return services.save_recommendation(self.request.user, assessment, item, expected_version=version, **fields)
