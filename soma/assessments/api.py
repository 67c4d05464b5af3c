"""REST API of assessments: the plan, status, team and the questions in scope with their responses.

The views are thin: they parse input with serializers, call the services (writes) and selectors (reads); the
kernel's base view (soma.kernel.api) turns the services' refusals into HTTP answers. Sources live in
soma/evidence/api.py, answers in soma/responses/api.py, findings and recommendations in soma/findings/api.py.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_countries import countries
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from soma.assessments import selectors, services
from soma.assessments.models import Classification, Status
from soma.kernel.access import Action, Role, membership, require
from soma.kernel.api import AssessmentAPIView, ListFilter, check_fields, named_choices, whole_number
from soma.kernel.clearance import Level, clearance_of, seen_by
from soma.kernel.errors import ServiceError

LEVELS = [str(level) for level in Level]


AssessmentStatusField = named_choices("AssessmentStatus", Status.choices)


# --- Serializers -------------------------------------------------------------------------------------------------


class MissionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    places = serializers.CharField(max_length=300, required=False, allow_blank=True)


class JurisdictionsField(serializers.ListField):
    child = serializers.CharField(max_length=2)

    def to_internal_value(self, data):
        codes = [code.upper() for code in super().to_internal_value(data)]
        unknown = [code for code in codes if code not in countries]
        if unknown:
            raise serializers.ValidationError(f"Not country codes: {', '.join(unknown)}. Use ISO codes such as XD.")
        return codes

    def to_representation(self, data):
        return [str(getattr(code, "code", code)) for code in data]


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField()
    jurisdictions = JurisdictionsField()
    purpose = serializers.CharField()
    terms_of_reference = serializers.CharField()
    comprehensive = serializers.BooleanField()
    joint_with_trafficking = serializers.BooleanField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    classification = serializers.ChoiceField(choices=Classification.choices)
    new_work_classification = serializers.ChoiceField(
        choices=Classification.choices, help_text="What new content starts at when its creator does not say.")
    dissemination = serializers.CharField()
    government_approval = serializers.CharField()
    advisory_group = serializers.SerializerMethodField(
        help_text="Names of people: null when your clearance does not cover restricted material.")
    status = AssessmentStatusField()
    scope = serializers.SerializerMethodField()
    missions = MissionSerializer(many=True, read_only=True)
    previous = serializers.IntegerField(
        source="previous_id", allow_null=True, help_text="The assessment this one follows up."
    )
    catalog_version = serializers.CharField(source="catalog.version", read_only=True)
    role = serializers.SerializerMethodField(help_text="Your role on this assessment.")
    clearance = serializers.SerializerMethodField(help_text="The highest classification you may see here.")
    version = serializers.IntegerField(help_text="Send it back when you change the plan.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_scope(self, assessment) -> list[str]:
        return sorted(selectors.scope_keys(assessment))

    def get_advisory_group(self, assessment) -> str | None:
        if "advisory_group" in seen_by(self.context["request"].user, assessment).withheld(assessment):
            return None
        return assessment.advisory_group

    def get_role(self, assessment) -> str | None:
        member = membership(self.context["request"].user, assessment)
        return member.role if member else None

    def get_clearance(self, assessment) -> str | None:
        level = clearance_of(membership(self.context["request"].user, assessment))
        return str(level) if level else None


class AssessmentSavedSerializer(AssessmentSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), help_text="Advice about the plan, e.g. scope.")


class AssessmentCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    jurisdictions = JurisdictionsField(min_length=1)
    scope = serializers.ListField(
        child=serializers.CharField(), min_length=1, help_text="Guide section or subsection codes: I, V.C, XII."
    )
    purpose = serializers.CharField(required=False, allow_blank=True)
    terms_of_reference = serializers.CharField(required=False, allow_blank=True)
    comprehensive = serializers.BooleanField(required=False)
    joint_with_trafficking = serializers.BooleanField(required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    new_work_classification = serializers.ChoiceField(
        choices=Classification.choices, required=False,
        help_text="What new content starts at when its creator does not say; never above `classification`.")
    dissemination = serializers.CharField(required=False, allow_blank=True)
    advisory_group = serializers.CharField(required=False, allow_blank=True)
    missions = MissionSerializer(many=True, required=False)


class PlanUpdateSerializer(serializers.Serializer):
    version = whole_number(min_value=0, help_text="The version you loaded; 409 if someone changed the plan since.")
    title = serializers.CharField(max_length=200, required=False)
    jurisdictions = JurisdictionsField(min_length=1, required=False)
    purpose = serializers.CharField(required=False, allow_blank=True)
    terms_of_reference = serializers.CharField(required=False, allow_blank=True)
    comprehensive = serializers.BooleanField(required=False)
    joint_with_trafficking = serializers.BooleanField(required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    new_work_classification = serializers.ChoiceField(
        choices=Classification.choices, required=False,
        help_text="What new content starts at when its creator does not say; never above `classification`.")
    dissemination = serializers.CharField(required=False, allow_blank=True)
    government_approval = serializers.ChoiceField(
        choices=["not_requested", "requested", "approved", "declined"], required=False
    )
    advisory_group = serializers.CharField(required=False, allow_blank=True)


class StatusChangeSerializer(serializers.Serializer):
    status = AssessmentStatusField(help_text="The next or the previous stage.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(source="user.username")
    name = serializers.SerializerMethodField()
    role = serializers.CharField()
    clearance = serializers.CharField()
    added_at = serializers.DateTimeField()

    def get_name(self, membership) -> str:
        return membership.user.get_full_name() or membership.user.username


class MemberAddSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=[str(role) for role in Role])
    clearance = serializers.ChoiceField(choices=LEVELS, default=str(Level.RESTRICTED))


# --- Views ----------------------------------------------------------------------------------------------------------


class AssessmentListView(AssessmentAPIView):
    filter_fields = {"status": ListFilter("status", Status.values)}
    ordering_fields = {"title": "title", "updated_at": "updated_at", "created_at": "created_at", "id": "pk"}

    @extend_schema(summary="The assessments you are a member of", responses=AssessmentSerializer(many=True))
    def get(self, request):
        items = selectors.assessments_for(request.user).prefetch_related("missions", "scope").order_by("-updated_at")
        return self.paginated(items, AssessmentSerializer)

    @extend_schema(
        summary="Create an assessment; you become its lead",
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSavedSerializer},
    )
    def post(self, request):
        fields = check_fields(AssessmentCreateSerializer, request.data)
        scope, missions = fields.pop("scope"), fields.pop("missions", [])
        created = services.create_assessment(request.user, scope=scope, missions=missions, **fields)
        data = AssessmentSerializer(created.assessment, context={"request": request}).data
        return Response(data | {"warnings": created.warnings}, status=status.HTTP_201_CREATED)


class AssessmentDetailView(AssessmentAPIView):
    @extend_schema(summary="One assessment's plan", responses={200: AssessmentSerializer})
    def get(self, request, pk):
        return Response(AssessmentSerializer(self.assessment(), context={"request": request}).data)

    @extend_schema(
        summary="Change the plan (lead only); send the version you loaded",
        request=PlanUpdateSerializer,
        responses={200: AssessmentSavedSerializer},
    )
    def patch(self, request, pk):
        assessment = self.assessment()
        require(request.user, Action.MANAGE, assessment)
        fields = check_fields(PlanUpdateSerializer, request.data)
        version = fields.pop("version")
        warnings = services.update_plan(request.user, assessment, expected_version=version, **fields)
        data = AssessmentSerializer(assessment, context={"request": request}).data
        return Response(data | {"warnings": warnings})


class StatusView(AssessmentAPIView):
    @extend_schema(
        summary="Move the assessment one stage forward or back (lead only)",
        request=StatusChangeSerializer,
        responses={200: AssessmentSerializer},
    )
    def post(self, request, pk):
        assessment = self.assessment()
        require(request.user, Action.MANAGE, assessment)
        fields = check_fields(StatusChangeSerializer, request.data)
        services.change_status(request.user, assessment, fields["status"], fields.get("note", ""))
        return Response(AssessmentSerializer(assessment, context={"request": request}).data)


class MembersView(AssessmentAPIView):
    filter_fields = {"role": ListFilter("role", [str(role) for role in Role])}
    ordering_fields = {"username": "user__username", "role": "role", "added_at": "added_at"}

    @extend_schema(summary="The assessment team", responses=MemberSerializer(many=True))
    def get(self, request, pk):
        assessment = self.assessment()
        return self.paginated(selectors.members(seen_by(request.user, assessment)), MemberSerializer)

    @extend_schema(
        summary="Add someone to the team (lead only)",
        request=MemberAddSerializer,
        responses={201: MemberSerializer},
    )
    def post(self, request, pk):
        assessment = self.assessment()
        # Ask the permission module first: only the lead may learn whether a username exists.
        require(request.user, Action.MANAGE, assessment)
        fields = check_fields(MemberAddSerializer, request.data)
        user = get_user_model().objects.filter(username=fields["username"], is_active=True).first()
        if user is None:
            raise ServiceError(f"No active user named '{fields['username']}'. Check the spelling.")
        membership = services.add_member(request.user, assessment, user, fields["role"], fields["clearance"])
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)
