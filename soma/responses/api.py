"""REST API of the questions in an assessment's scope and their answers (the shared behaviour: soma/kernel/api.py)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from soma.assessments import selectors as assessment_selectors
from soma.assessments.models import Classification
from soma.findings import selectors as finding_selectors
from soma.findings.models import Implementation
from soma.findings.models import Response as ResponseModel
from soma.kernel.access import Action, require
from soma.kernel.api import (
    AssessmentAPIView,
    ListFilter,
    check_fields,
    named_choices,
    whole_number,
)
from soma.responses import selectors as response_selectors
from soma.responses import services

ImplementationField = named_choices("Implementation", Implementation.choices)


class CitationSerializer(serializers.Serializer):
    source = serializers.IntegerField(source="source_id", allow_null=True)
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    pinpoint = serializers.CharField()
    stance = serializers.CharField()


@extend_schema_serializer(component_name="Answer")  # not "Response": generated clients have a type of that name
class ResponseSerializer(serializers.Serializer):
    question = serializers.CharField()
    narrative = serializers.CharField()
    de_jure = serializers.CharField()
    de_facto = serializers.CharField()
    classification = serializers.CharField()
    review_state = serializers.CharField()
    carried_over = serializers.BooleanField()
    confirmed = serializers.BooleanField()
    version = serializers.IntegerField(help_text="0 while unanswered; send it back when you save.")
    updated_at = serializers.DateTimeField(allow_null=True)
    corroboration = serializers.SerializerMethodField()
    citations = serializers.SerializerMethodField()

    def get_corroboration(self, response) -> str:
        if not response.pk:
            return "unsubstantiated"
        return response_selectors.response_corroboration(self.context["seen"], response)

    @extend_schema_field(CitationSerializer(many=True))
    def get_citations(self, response) -> list:
        if not response.pk:
            return []
        seen = self.context["seen"]
        shown = [c for c in response.citations.all() if seen.citation_visible(c)]
        return CitationSerializer(shown, many=True).data


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    subsection = serializers.CharField()
    text = serializers.CharField()
    level = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    national = serializers.BooleanField()
    response = serializers.SerializerMethodField()

    @extend_schema_field(ResponseSerializer(allow_null=True))
    def get_response(self, question):
        response = self.context["responses"].get(question.key)
        if response is None:
            return None
        return ResponseSerializer(response, context=self.context).data


class ResponseWriteSerializer(serializers.Serializer):
    version = whole_number(min_value=0, help_text="The version you loaded: 0 for a first answer.")
    narrative = serializers.CharField(required=False, allow_blank=True)
    de_jure = ImplementationField(required=False)
    de_facto = ImplementationField(required=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)


class ResponseView(AssessmentAPIView):
    def question(self, assessment, question):
        if assessment_selectors.question_in_scope(self.seen(), question) is None:
            raise Http404(f"{question} is not a question of this assessment's scope.")
        return question

    @extend_schema(
        summary="The answer to one question in scope (version 0 and empty while unanswered)",
        responses={200: ResponseSerializer},
    )
    def get(self, request, pk, question):
        assessment = self.assessment()
        question = self.question(assessment, question)
        response = finding_selectors.responses_to(self.seen(), [question]).get(question)
        if response is None:
            response = ResponseModel(assessment=assessment, question=question, version=0)
        return Response(ResponseSerializer(response, context={"request": request, "seen": self.seen()}).data)

    @extend_schema(
        summary="Save the answer; send the version you loaded (409 with both texts if someone saved since)",
        request=ResponseWriteSerializer,
        responses={200: ResponseSerializer},
    )
    def put(self, request, pk, question):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        fields = check_fields(ResponseWriteSerializer, request.data)
        version = fields.pop("version")
        try:  # the service checks the question's scope (once per save, not here and there)
            saved = services.save_response(request.user, assessment, question, expected_version=version, **fields)
        except services.QuestionNotInScope as error:
            raise Http404(str(error)) from None
        finding_selectors.with_citations([saved])
        return Response(ResponseSerializer(saved, context={"request": request, "seen": self.seen()}).data)


class QuestionsView(AssessmentAPIView):
    filter_fields = {
        "subsection": ListFilter("subsection", description="Only the questions of this guide subsection (guide:V.C)."),
        "national": ListFilter("national", ("True", "False"), "Only national questions (True) or the guide's (False)."),
    }
    ordering_fields = {"key": "key", "subsection": "subsection"}

    @extend_schema(
        summary="The questions in scope (guide order, national ones after the guide's) with your visible answers",
        responses=QuestionSerializer(many=True),
    )
    def get(self, request, pk):
        seen = self.seen()
        questions = [q for sub in assessment_selectors.questions_in_scope(seen) for q in sub.questions]
        answers = finding_selectors.responses(seen)
        return self.paginated(questions, QuestionSerializer, seen=seen, responses=answers)
