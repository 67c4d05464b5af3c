"""REST API of responses, findings and recommendations of one assessment (see soma/assessments/api.py)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from soma.accounts import permissions
from soma.assessments import selectors as assessment_selectors
from soma.assessments.api import (
    AssessmentAPIView,
    ErrorSerializer,
    ResponseSerializer,
    check_fields,
    id_field,
    named_choices,
    whole_number,
)
from soma.assessments.models import Classification
from soma.assessments.services import ServiceError
from soma.findings import selectors, services
from soma.findings.models import Finding, Implementation, Priority, Recommendation
from soma.findings.models import Response as ResponseModel
from soma.responses import services as response_services

ImplementationField = named_choices("Implementation", Implementation.choices)
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


def _context(request, assessment) -> dict:
    return {"request": request, "levels": permissions.cleared_levels(request.user, assessment)}


def _validated_update(serializer_class, data) -> dict:
    """A partial update: only the fields sent change; `version` (the one loaded) is required."""
    serializer = serializer_class(data=data, partial=True)
    serializer.is_valid(raise_exception=True)
    fields = dict(serializer.validated_data)
    if "version" not in fields:
        raise serializers.ValidationError({"version": ["Send the version you loaded."]})
    return fields


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    theirs = serializers.DictField(help_text="The saved answer (with its version) that yours would overwrite.")
    mine = serializers.DictField(help_text="What you sent.")


class ResponseWriteSerializer(serializers.Serializer):
    version = whole_number(min_value=0, help_text="The version you loaded: 0 for a first answer.")
    narrative = serializers.CharField(required=False, allow_blank=True)
    de_jure = ImplementationField(required=False)
    de_facto = ImplementationField(required=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)


class ResponseView(AssessmentAPIView):
    def question(self, assessment, question):
        if assessment_selectors.question_in_scope(self.request.user, assessment, question) is None:
            raise Http404(f"{question} is not a question of this assessment's scope.")
        return question

    @extend_schema(
        summary="The answer to one question in scope (version 0 and empty while unanswered)",
        responses={200: ResponseSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk, question):
        assessment = self.assessment()
        question = self.question(assessment, question)
        response = selectors.responses_to(request.user, assessment, [question]).get(question)
        if response is None:
            response = ResponseModel(assessment=assessment, question=question, version=0)
        return Response(ResponseSerializer(response, context={"request": request, "assessment": assessment}).data)

    @extend_schema(
        summary="Save the answer; send the version you loaded (409 with both texts if someone saved since)",
        request=ResponseWriteSerializer,
        responses={200: ResponseSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ConflictSerializer},
    )
    def put(self, request, pk, question):
        assessment = self.assessment()
        permissions.require(request.user, permissions.Action.EDIT, assessment)
        fields = check_fields(ResponseWriteSerializer, request.data)
        version = fields.pop("version")
        try:  # the service checks the question's scope (once per save, not here and there)
            saved = response_services.save_response(
                request.user, assessment, question, expected_version=version, **fields
            )
        except response_services.QuestionNotInScope as error:
            raise Http404(str(error)) from None
        selectors.with_citations([saved])
        return Response(ResponseSerializer(saved, context={"request": request, "assessment": assessment}).data)


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
    @extend_schema(summary="Findings you may see", responses=FindingSerializer(many=True))
    def get(self, request, pk):
        assessment = self.assessment()
        return self.paginated(selectors.findings(request.user, assessment), FindingSerializer,
                              levels=permissions.cleared_levels(request.user, assessment))

    @extend_schema(
        summary="Record a finding (lead and assessors)",
        request=FindingSerializer,
        responses={201: FindingSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def post(self, request, pk):
        assessment = self.assessment()
        permissions.require(request.user, permissions.Action.EDIT, assessment)
        fields = _finding_links(request.user, assessment, check_fields(FindingSerializer, request.data))
        finding = services.save_finding(request.user, assessment, **fields)
        return Response(FindingSerializer(finding, context=_context(request, assessment)).data,
                        status=status.HTTP_201_CREATED)


def _finding_links(user, assessment, fields: dict) -> dict:
    """Question ids to the answers the user may see (others are unknown to them: a 400)."""
    if "responses" in fields:
        visible = selectors.responses(user, assessment)
        unknown = [key for key in fields["responses"] if key not in visible]
        if unknown:
            raise ServiceError(f"No answered question {', '.join(unknown)} in this assessment.")
        fields["responses"] = [visible[key] for key in fields["responses"]]
    return fields


class FindingUpdateSerializer(FindingSerializer):
    version = whole_number(min_value=0, help_text="The version you loaded; 409 if someone changed it since.")


class FindingView(AssessmentAPIView):
    @extend_schema(summary="One finding you may see", responses={200: FindingSerializer, 404: ErrorSerializer})
    def get(self, request, pk, finding_pk):
        assessment = self.assessment()
        finding = selectors.finding(request.user, assessment, finding_pk)
        return Response(FindingSerializer(finding, context=_context(request, assessment)).data)

    @extend_schema(
        summary="Change a finding (lead and assessors): only the fields sent, with the version you loaded. "
                "`responses` replaces the links you can see; links to answers above your clearance stay.",
        request=FindingUpdateSerializer,
        responses={200: FindingSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
                   409: ErrorSerializer},
    )
    def patch(self, request, pk, finding_pk):
        assessment = self.assessment()
        permissions.require(request.user, permissions.Action.EDIT, assessment)
        finding = selectors.finding(request.user, assessment, finding_pk)
        fields = _finding_links(request.user, assessment, _validated_update(FindingUpdateSerializer, request.data))
        version = fields.pop("version")
        saved = services.save_finding(request.user, assessment, finding, expected_version=version, **fields)
        return Response(FindingSerializer(saved, context=_context(request, assessment)).data)


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
    @extend_schema(
        summary="Recommendations you may see, by priority horizon, area, rank and sequence",
        responses=RecommendationSerializer(many=True),
    )
    def get(self, request, pk):
        assessment = self.assessment()
        return self.paginated(selectors.recommendations(request.user, assessment), RecommendationSerializer,
                              levels=permissions.cleared_levels(request.user, assessment))

    @extend_schema(
        summary="Propose a recommendation (lead and assessors)",
        request=RecommendationSerializer,
        responses={201: RecommendationSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def post(self, request, pk):
        assessment = self.assessment()
        permissions.require(request.user, permissions.Action.EDIT, assessment)
        fields = _recommendation_links(request.user, assessment, check_fields(RecommendationSerializer, request.data))
        recommendation = services.save_recommendation(request.user, assessment, **fields)
        return Response(RecommendationSerializer(recommendation, context=_context(request, assessment)).data,
                        status=status.HTTP_201_CREATED)


def _recommendation_links(user, assessment, fields: dict) -> dict:
    """Ids to the institutions and the conclusions the user may see (others are unknown to them: a 400)."""
    choices = {"institutions": (selectors.institutions(user, assessment), "institutions"),
               "conclusions": (selectors.conclusions(user, assessment), "conclusions")}
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


class RecommendationView(AssessmentAPIView):
    @extend_schema(summary="One recommendation you may see",
                   responses={200: RecommendationSerializer, 404: ErrorSerializer})
    def get(self, request, pk, recommendation_pk):
        assessment = self.assessment()
        recommendation = selectors.recommendation(request.user, assessment, recommendation_pk)
        return Response(RecommendationSerializer(recommendation, context=_context(request, assessment)).data)

    @extend_schema(
        summary="Change a recommendation (lead and assessors): only the fields sent, with the version you loaded. "
                "`conclusions` replaces the links you can see; links to conclusions above your clearance stay.",
        request=RecommendationUpdateSerializer,
        responses={200: RecommendationSerializer, 400: ErrorSerializer, 403: ErrorSerializer,
                   404: ErrorSerializer, 409: ErrorSerializer},
    )
    def patch(self, request, pk, recommendation_pk):
        assessment = self.assessment()
        permissions.require(request.user, permissions.Action.EDIT, assessment)
        recommendation = selectors.recommendation(request.user, assessment, recommendation_pk)
        fields = _validated_update(RecommendationUpdateSerializer, request.data)
        fields = _recommendation_links(request.user, assessment, fields)
        version = fields.pop("version")
        saved = services.save_recommendation(request.user, assessment, recommendation, expected_version=version,
                                             **fields)
        return Response(RecommendationSerializer(saved, context=_context(request, assessment)).data)
