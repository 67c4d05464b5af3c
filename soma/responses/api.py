"""REST API of the answer to one question of an assessment (the shared behaviour: soma/kernel/api.py)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from soma.assessments import selectors as assessment_selectors
from soma.assessments.api import ResponseSerializer
from soma.assessments.models import Classification
from soma.findings import selectors as finding_selectors
from soma.findings.models import Implementation
from soma.findings.models import Response as ResponseModel
from soma.kernel.access import Action, require
from soma.kernel.api import (
    AssessmentAPIView,
    ConflictSerializer,
    ErrorSerializer,
    check_fields,
    named_choices,
    whole_number,
)
from soma.kernel.clearance import seen_by
from soma.responses import services

ImplementationField = named_choices("Implementation", Implementation.choices)


class ResponseWriteSerializer(serializers.Serializer):
    version = whole_number(min_value=0, help_text="The version you loaded: 0 for a first answer.")
    narrative = serializers.CharField(required=False, allow_blank=True)
    de_jure = ImplementationField(required=False)
    de_facto = ImplementationField(required=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)


class ResponseView(AssessmentAPIView):
    def question(self, assessment, question):
        if assessment_selectors.question_in_scope(seen_by(self.request.user, assessment), question) is None:
            raise Http404(f"{question} is not a question of this assessment's scope.")
        return question

    @extend_schema(
        summary="The answer to one question in scope (version 0 and empty while unanswered)",
        responses={200: ResponseSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk, question):
        assessment = self.assessment()
        question = self.question(assessment, question)
        response = finding_selectors.responses_to(seen_by(request.user, assessment), [question]).get(question)
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
        require(request.user, Action.EDIT, assessment)
        fields = check_fields(ResponseWriteSerializer, request.data)
        version = fields.pop("version")
        try:  # the service checks the question's scope (once per save, not here and there)
            saved = services.save_response(request.user, assessment, question, expected_version=version, **fields)
        except services.QuestionNotInScope as error:
            raise Http404(str(error)) from None
        finding_selectors.with_citations([saved])
        return Response(ResponseSerializer(saved, context={"request": request, "assessment": assessment}).data)
