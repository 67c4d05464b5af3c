"""REST API of an assessment's sources (the shared behaviour is the kernel's: soma/kernel/api.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from soma.assessments.models import Classification
from soma.core.api_fields import StrictBooleanField, StrictCharField
from soma.evidence import selectors, services
from soma.evidence.models import Credibility, Reliability, Source
from soma.kernel.access import Action, require
from soma.kernel.api import AssessmentAPIView, ListFilter, check_fields
from soma.kernel.clearance import seen_by


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = StrictCharField(max_length=300)
    kind = serializers.ChoiceField(choices=Source.Kind.choices)
    date = serializers.DateField(required=False, allow_null=True)
    author = StrictCharField(max_length=200, required=False, allow_blank=True)
    link = serializers.URLField(max_length=500, required=False, allow_blank=True)
    reliability = serializers.ChoiceField(choices=Reliability.choices, required=False, help_text="A to F")
    credibility = serializers.ChoiceField(choices=Credibility.choices, required=False, help_text="1 to 6")
    grade = StrictCharField(read_only=True, help_text="Reliability and credibility together, e.g. B2.")
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    notes = StrictCharField(required=False, allow_blank=True)
    file = serializers.FileField(write_only=True, required=False, help_text="With multipart/form-data only.")
    file_name = StrictCharField(read_only=True)
    file_type = StrictCharField(read_only=True)
    file_size = serializers.IntegerField(read_only=True, allow_null=True)
    carried_over = StrictBooleanField(read_only=True)
    confirmed = StrictBooleanField(read_only=True)
    added_at = serializers.DateTimeField(read_only=True)


class SourceCreateSerializer(SourceSerializer):
    """A source sent as JSON (the schema's one body type); a file comes with multipart/form-data instead."""

    class Meta:
        fields = [name for name in SourceSerializer().fields if name != "file"]

    def get_fields(self):
        fields = super().get_fields()
        fields.pop("file")
        return fields


class SourcesView(AssessmentAPIView):
    filter_fields = {
        "kind": ListFilter("kind", Source.Kind.values),
        "classification": ListFilter("classification", Classification.values),
    }
    ordering_fields = {"title": "title", "date": "date", "added_at": "added_at", "id": "pk"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="Sources you may see", responses=SourceSerializer(many=True))
    def get(self, request, pk):
        assessment = self.assessment()
        rows = selectors.sources(seen_by(request.user, assessment)).order_by("title", "pk")
        return self.paginated(rows, SourceSerializer)

    @extend_schema(
        summary="Add a source (lead and assessors): JSON without a file, or multipart/form-data with `file`",
        description="The schema declares JSON; the same fields and a `file` are also accepted as "
                    "multipart/form-data, to attach the document.",
        request={"application/json": SourceCreateSerializer},
        responses={201: SourceSerializer},
    )
    def post(self, request, pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        fields = check_fields(SourceSerializer, request.data)
        upload = fields.pop("file", None)
        source = services.save_source(request.user, assessment, upload=upload, **fields)
        return Response(SourceSerializer(source).data, status=status.HTTP_201_CREATED)


# --- One source: read, change, delete, restore, remove for good ----------------------------------------------------


class SourceUpdateSerializer(SourceCreateSerializer):
    """The fields to change (only those sent). Sources carry no version: the last save wins, as on the page."""


class SourceDeletedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The source deleted; POST …/restore/ puts it back.")
    citations = serializers.IntegerField(help_text="How many citations went with it (and come back with it).")


class SourceConfirmSerializer(serializers.Serializer):
    confirm = StrictBooleanField(help_text="true: do it (the page's confirmation button).")

    def validate_confirm(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(gettext_lazy("Send true to confirm."))
        return value


class SourceView(AssessmentAPIView):
    parser_classes = [JSONParser]

    def source(self) -> Source:
        return selectors.source(self.seen(), self.kwargs["source_pk"])

    @extend_schema(summary="One source you may see", responses={200: SourceSerializer})
    def get(self, request, pk, source_pk):
        return Response(SourceSerializer(self.source()).data)

    @extend_schema(
        summary="Change a source (lead and assessors): only the fields sent. A new file is attached on the "
                "sources page (or a new source with multipart/form-data).",
        request=SourceUpdateSerializer,
        responses={200: SourceSerializer},
    )
    def patch(self, request, pk, source_pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        source = self.source()
        serializer = SourceUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = services.save_source(request.user, assessment, source, **serializer.validated_data)
        return Response(SourceSerializer(saved).data)

    @extend_schema(
        summary="Delete a source with its citations (lead and assessors); restorable with POST …/restore/",
        request=None,
        responses={200: SourceDeletedSerializer},
    )
    def delete(self, request, pk, source_pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        source = self.source()
        count = services.delete_source(request.user, assessment, source)
        return Response(SourceDeletedSerializer({"id": source.pk, "citations": count}).data)


class DeletedSourceView(AssessmentAPIView):
    """A POST on a deleted source the user may see (404 for any other)."""

    parser_classes = [JSONParser]

    def deleted(self) -> Source:
        return selectors.deleted_source(self.seen(), self.kwargs["source_pk"])


class SourceRestoreView(DeletedSourceView):
    @extend_schema(
        summary="Put a deleted source back with the citations deleted with it (lead and assessors)",
        request=SourceConfirmSerializer,
        responses={200: SourceDeletedSerializer},
    )
    def post(self, request, pk, source_pk):
        assessment = self.assessment()
        require(request.user, Action.EDIT, assessment)
        source = self.deleted()
        check_fields(SourceConfirmSerializer, request.data)
        count = services.restore_source(request.user, assessment, source)
        return Response(SourceDeletedSerializer({"id": source.pk, "citations": count}).data)


class SourcePurgeView(DeletedSourceView):
    @extend_schema(
        summary="Remove a deleted source for good, with its file and citations (lead only; cannot be undone)",
        request=SourceConfirmSerializer,
        responses={200: SourceDeletedSerializer},
    )
    def post(self, request, pk, source_pk):
        assessment = self.assessment()
        require(request.user, Action.MANAGE, assessment)
        source = self.deleted()
        check_fields(SourceConfirmSerializer, request.data)
        count = services.purge_source(request.user, assessment, source)
        return Response(SourceDeletedSerializer({"id": source.pk, "citations": count}).data)
