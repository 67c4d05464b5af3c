"""REST API of an assessment's institutions (the stakeholders page) and activities (interviews, visits...):
list, add, change, through soma.assessments.services (the base: soma/kernel/api.py). Names of people (contact
points, individuals met) are left out for users cleared below restricted, as on the pages, and refused in their
writes. These rows carry no version: the last save wins, as on the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from soma.assessments import selectors, services
from soma.assessments.models import Activity, Classification, Institution
from soma.core.api_fields import StrictCharField
from soma.kernel.access import Action, require
from soma.kernel.api import AssessmentAPIView, ListFilter, check_fields, id_field
from soma.kernel.clearance import Seen


class WithholdingSerializer(serializers.Serializer):
    """Leaves out the fields the reader's clearance withholds (context `withheld`)."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        for name in self.context.get("withheld", ()):
            data.pop(name, None)
        return data


class InstitutionSerializer(WithholdingSerializer):
    id = serializers.IntegerField(read_only=True)
    name = StrictCharField(max_length=200)
    category = serializers.ChoiceField(choices=Institution.Category.choices)
    sections = serializers.ListField(
        child=StrictCharField(max_length=20), required=False,
        help_text="Guide sections concerned (I, II...); left out: the guide's Table 1 for the category.")
    contact_point = StrictCharField(required=False, allow_blank=True,
                                          help_text="Restricted: left out below that clearance.")
    clearance_notes = StrictCharField(required=False, allow_blank=True,
                                            help_text="Restricted: left out below that clearance.")
    notes = StrictCharField(required=False, allow_blank=True)


class ActivitySerializer(WithholdingSerializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=Activity.Kind.choices)
    title = StrictCharField(max_length=200)
    date = serializers.DateField(required=False, allow_null=True)
    mission = serializers.IntegerField(source="mission_id", read_only=True, allow_null=True)
    institutions = serializers.SerializerMethodField(help_text="Ids of the institutions involved.")
    questions = serializers.ListField(child=StrictCharField(max_length=100), required=False,
                                      help_text="Question ids of the scope it covers.")
    notes = StrictCharField(required=False, allow_blank=True)
    participants = StrictCharField(required=False, allow_blank=True,
                                         help_text="Individuals met. Restricted: left out below that clearance.")
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_institutions(self, activity: Activity) -> list[int]:
        return sorted(institution.pk for institution in activity.institutions.all())


class ActivityWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Activity.Kind.choices)
    title = StrictCharField(max_length=200)
    date = serializers.DateField(required=False, allow_null=True)
    mission = id_field(required=False, allow_null=True, help_text="The id of one of the assessment's missions.")
    institutions = serializers.ListField(child=id_field(), required=False,
                                         help_text="Ids of the assessment's institutions.")
    questions = serializers.ListField(child=StrictCharField(max_length=100), required=False,
                                      help_text="Question ids of the scope it covers.")
    notes = StrictCharField(required=False, allow_blank=True)
    participants = StrictCharField(required=False, allow_blank=True, help_text="Individuals met.")
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)


def _check_sections(view: AssessmentAPIView, fields: dict[str, Any]) -> dict[str, Any]:
    if "sections" in fields:
        tree = selectors.tree_for(view.assessment())
        known = {section.code for section in tree.children("guide", kind="guide_section")}
        unknown = [code for code in fields["sections"] if code not in known]
        if unknown:
            raise serializers.ValidationError({"sections": [str(gettext_lazy(
                "Not sections of the guide: %(codes)s.")) % {"codes": ", ".join(unknown)}]})
    return fields


def _activity_links(seen: Seen, fields: dict[str, Any]) -> dict[str, Any]:
    """Mission and institution ids as the assessment's rows (another id is a 400 naming the field)."""
    if fields.get("mission") is not None:
        mission = selectors.missions(seen).filter(pk=fields["mission"]).first()
        if mission is None:
            raise serializers.ValidationError({"mission": [str(gettext_lazy("No such mission in this assessment."))]})
        fields["mission"] = mission
    if "institutions" in fields:
        ids = set(fields["institutions"])
        rows = list(selectors.institutions(seen).filter(pk__in=ids))
        if len(rows) != len(ids):
            missing = sorted(ids - {row.pk for row in rows})
            raise serializers.ValidationError({"institutions": [str(gettext_lazy(
                "Not institutions of this assessment: %(ids)s.")) % {"ids": ", ".join(map(str, missing))}]})
        fields["institutions"] = rows
    return fields


def _context(view: AssessmentAPIView, model: type) -> dict[str, Any]:
    return {"request": view.request, "withheld": view.seen().withheld(model)}


class InstitutionsView(AssessmentAPIView):
    filter_fields = {"category": ListFilter("category", Institution.Category.values)}
    ordering_fields = {"name": "name", "category": "category", "id": "pk"}

    @extend_schema(summary="The assessment's institutions (stakeholders)", responses=InstitutionSerializer(many=True))
    def get(self, request, pk):
        seen = self.seen()
        return self.paginated(selectors.institutions(seen), InstitutionSerializer, withheld=seen.withheld(Institution))

    @extend_schema(summary="Add an institution (lead and assessors)", request=InstitutionSerializer,
                   responses={201: InstitutionSerializer})
    def post(self, request, pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        fields = _check_sections(self, check_fields(InstitutionSerializer, request.data))
        saved = services.save_institution(request.user, assessment, **fields)
        return Response(InstitutionSerializer(saved, context=_context(self, Institution)).data,
                        status=status.HTTP_201_CREATED)


class InstitutionView(AssessmentAPIView):
    def institution(self) -> Institution:
        return selectors.institution(self.seen(), self.kwargs["institution_pk"])

    @extend_schema(summary="One institution", responses={200: InstitutionSerializer})
    def get(self, request, pk, institution_pk):
        return Response(InstitutionSerializer(self.institution(), context=_context(self, Institution)).data)

    @extend_schema(summary="Change an institution (lead and assessors): only the fields sent",
                   request=InstitutionSerializer, responses={200: InstitutionSerializer})
    def patch(self, request, pk, institution_pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        institution = self.institution()
        serializer = InstitutionSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = _check_sections(self, dict(serializer.validated_data))
        saved = services.save_institution(request.user, assessment, institution, **fields)
        return Response(InstitutionSerializer(saved, context=_context(self, Institution)).data)


class ActivitiesView(AssessmentAPIView):
    filter_fields = {
        "kind": ListFilter("kind", Activity.Kind.values),
        "classification": ListFilter("classification", Classification.values),
    }
    ordering_fields = {"date": "date", "title": "title", "id": "pk"}

    @extend_schema(summary="Activities you may see (interviews, visits...)", responses=ActivitySerializer(many=True))
    def get(self, request, pk):
        seen = self.seen()
        return self.paginated(selectors.activities(seen), ActivitySerializer, withheld=seen.withheld(Activity))

    @extend_schema(summary="Record an activity (lead and assessors)", request=ActivityWriteSerializer,
                   responses={201: ActivitySerializer})
    def post(self, request, pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        fields = _activity_links(self.seen(), check_fields(ActivityWriteSerializer, request.data))
        saved = services.save_activity(request.user, assessment, **fields)
        return Response(ActivitySerializer(saved, context=_context(self, Activity)).data,
                        status=status.HTTP_201_CREATED)


class ActivityView(AssessmentAPIView):
    def activity(self) -> Activity:
        return selectors.activity(self.seen(), self.kwargs["activity_pk"])

    @extend_schema(summary="One activity you may see", responses={200: ActivitySerializer})
    def get(self, request, pk, activity_pk):
        return Response(ActivitySerializer(self.activity(), context=_context(self, Activity)).data)

    @extend_schema(summary="Change an activity (lead and assessors): only the fields sent",
                   request=ActivityWriteSerializer, responses={200: ActivitySerializer})
    def patch(self, request, pk, activity_pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        activity = self.activity()
        serializer = ActivityWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = _activity_links(self.seen(), dict(serializer.validated_data))
        saved = services.save_activity(request.user, assessment, activity, **fields)
        return Response(ActivitySerializer(saved, context=_context(self, Activity)).data)
