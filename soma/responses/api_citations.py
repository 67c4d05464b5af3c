"""REST API of citations: a source or an activity cited for an answer or a finding, and its removal, through
soma.evidence.services.cite / uncite (the question and finding pages' buttons; the base: soma/kernel/api.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from soma.core.api_fields import StrictCharField
from soma.evidence import services as evidence_services
from soma.evidence.models import Citation
from soma.findings import selectors as finding_selectors
from soma.kernel.access import Action, require
from soma.kernel.api import AssessmentAPIView, ListFilter, check_fields, id_field
from soma.kernel.clearance import Seen


def visible_citations(seen: Seen) -> QuerySet[Citation]:
    """The citations on answers and findings the user may see, of sources and activities the user may see."""
    levels = [str(level) for level in seen.levels]
    on_visible = (Q(response__isnull=False, response__classification__in=levels)
                  | Q(finding__isnull=False, finding__classification__in=levels))
    return (seen.assessment.citations.filter(on_visible).filter(seen.citations_q())
            .select_related("response").order_by("pk"))


class CitationItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    question = StrictCharField(source="response.question", allow_null=True, default=None,
                                     help_text="The question whose answer it supports (or null).")
    finding = serializers.IntegerField(source="finding_id", allow_null=True, help_text="The finding (or null).")
    source = serializers.IntegerField(source="source_id", allow_null=True)  # type: ignore[assignment]  # the field
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    pinpoint = StrictCharField()
    stance = serializers.ChoiceField(choices=Citation.Stance.choices)


class CitationCreateSerializer(serializers.Serializer):
    question = StrictCharField(max_length=100, required=False,
                                     help_text="Cite for the answer to this question (guide:I.A:q01); or `finding`.")
    finding = id_field(required=False, help_text="Cite for this finding; or `question`.")
    source = id_field(required=False, help_text="The source cited; or `activity`.")  # type: ignore[assignment]
    activity = id_field(required=False, help_text="The activity (interview, visit...) cited; or `source`.")
    pinpoint = StrictCharField(max_length=200, required=False, allow_blank=True,
                                     help_text="Page, article or minute.")
    stance = serializers.ChoiceField(choices=Citation.Stance.choices, required=False, default="supports")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("question" in attrs) == ("finding" in attrs):
            raise serializers.ValidationError({"question": [str(gettext_lazy(
                "Send either a question (to cite for its answer) or a finding."))]})
        if ("source" in attrs) == ("activity" in attrs):
            raise serializers.ValidationError({"source": [str(gettext_lazy("Send either a source or an activity."))]})
        return attrs


def _not_found(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


def citation_targets(seen: Seen, fields: dict[str, Any]) -> dict[str, Any]:
    """The ids sent, as the rows the user may see (anything else is a 400 naming the field)."""
    found: dict[str, Any] = {"pinpoint": fields.get("pinpoint", ""), "stance": fields["stance"]}
    if "question" in fields:
        response = finding_selectors.responses_to(seen, [fields["question"]]).get(fields["question"])
        if response is None:
            raise _not_found("question", str(gettext_lazy(
                "No saved answer to this question: write and save an answer before citing evidence for it.")))
        found["response"] = response
    else:
        finding = finding_selectors.findings(seen).filter(pk=fields["finding"]).first()
        if finding is None:
            raise _not_found("finding", str(gettext_lazy("No such finding in this assessment.")))
        found["finding"] = finding
    if "source" in fields:
        source = finding_selectors.citable_sources(seen).filter(pk=fields["source"]).first()
        if source is None:
            raise _not_found("source", str(gettext_lazy("No such source in this assessment.")))
        found["source"] = source
    else:
        activity = finding_selectors.citable_activities(seen).filter(pk=fields["activity"]).first()
        if activity is None:
            raise _not_found("activity", str(gettext_lazy("No such activity in this assessment.")))
        found["activity"] = activity
    return found


class CitationsView(AssessmentAPIView):
    filter_fields = {
        "question": ListFilter("response__question", description="Only the citations for this question's answer."),
        "finding": ListFilter("finding_id", description="Only the citations for this finding (its id)."),
        "stance": ListFilter("stance", Citation.Stance.values),
    }
    ordering_fields = {"id": "pk"}

    def filtered(self, items: Any) -> Any:
        wanted = self.request.query_params.get("finding")
        if wanted is not None and not (wanted.isascii() and wanted.isdigit() and len(wanted) < 19):
            raise serializers.ValidationError({"finding": [str(gettext_lazy("Give the id of a finding (a number)."))]})
        return super().filtered(items)

    @extend_schema(summary="Citations you may see, on answers and findings",
                   responses=CitationItemSerializer(many=True))
    def get(self, request, pk):
        return self.paginated(visible_citations(self.seen()), CitationItemSerializer)

    @extend_schema(
        summary="Cite a source or an activity for an answer or a finding (lead and assessors)",
        request=CitationCreateSerializer,
        responses={201: CitationItemSerializer},
    )
    def post(self, request, pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        targets = citation_targets(self.seen(), check_fields(CitationCreateSerializer, request.data))
        citation = evidence_services.cite(request.user, assessment, **targets)
        return Response(CitationItemSerializer(citation).data, status=status.HTTP_201_CREATED)


class CitationView(AssessmentAPIView):
    def citation(self) -> Citation:
        found = visible_citations(self.seen()).filter(pk=self.kwargs["citation_pk"]).first()
        if found is None:
            raise Http404("No such citation.")
        return found

    @extend_schema(summary="One citation you may see", responses={200: CitationItemSerializer})
    def get(self, request, pk, citation_pk):
        return Response(CitationItemSerializer(self.citation()).data)

    @extend_schema(summary="Remove a citation (lead and assessors)", request=None, responses={204: None})
    def delete(self, request, pk, citation_pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        evidence_services.uncite(request.user, assessment, self.citation())
        return Response(status=status.HTTP_204_NO_CONTENT)
