"""The base of the assessment endpoints of the REST API and the answers to what services refuse.

Views are thin: they parse input with serializers (check_fields), call the services (writes) and selectors
(reads), and AssessmentAPIView turns refusals into HTTP answers: non-members 404, members without the right 403,
a request that cannot be carried out 400, an edit that lost to someone else's save 409.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from soma.kernel.access import PermissionDenied
from soma.kernel.clearance import Seen, seen_by
from soma.kernel.errors import EditConflict, ServiceError
from soma.kernel.pages import default_fetch

if TYPE_CHECKING:  # for the types only: the kernel imports no app
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from soma.assessments.models import Assessment

# The largest whole number that SQLite and PostgreSQL store (a signed 64-bit integer): the top of every id.
MAX_INTEGER = 2**63 - 1


class ErrorSerializer(serializers.Serializer):
    """What a refused request answers: `detail` says why; a request with invalid fields answers instead with one
    key per field, each with its messages (DRF's format), e.g. {"priority": ["\"soon\" is not a valid choice."]}."""

    detail = serializers.CharField(required=False)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    theirs = serializers.DictField(help_text="The saved answer (with its version) that yours would overwrite.")
    mine = serializers.DictField(help_text="What you sent.")


class AssessmentAPIView(APIView):
    """Base of the assessment endpoints: the assessment by the URL's `pk` (404 for non-members, fetched once per
    request) and the services' refusals as HTTP answers."""

    pagination_class: Any = api_settings.DEFAULT_PAGINATION_CLASS or PageNumberPagination

    def assessment(self) -> Assessment:
        """Fetched and checked once per request (the view instance lives for one request)."""
        if getattr(self, "_assessment", None) is None:
            self._assessment = default_fetch()(self.request.user, self.kwargs["pk"])
        return self._assessment

    def seen(self) -> Seen:
        """The assessment as the requesting user sees it (their clearance), built once per request."""
        if getattr(self, "_seen", None) is None:
            self._seen = seen_by(self.request.user, self.assessment())
        return self._seen

    def paginated(self, items: QuerySet[Any] | Sequence[Any], serializer_class: type[serializers.BaseSerializer],
                  **context: Any) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, self.request, view=self)
        data = serializer_class(page, many=True, context={"request": self.request, **context}).data
        return paginator.get_paginated_response(data)

    def handle_exception(self, exc: Exception) -> Response:
        answer = refusal_answer(exc)
        return answer if answer is not None else super().handle_exception(exc)


def refusal_answer(exc: Exception) -> Response | None:
    """The API's answer to a service's refusal, or None for an exception that is not one."""
    if isinstance(exc, EditConflict):
        return Response(conflict_body(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ServiceError):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    return None


def conflict_body(conflict: EditConflict) -> dict[str, Any]:
    """The 409 body: why, and for a conflict that offers a merge both versions (the service leaves out of
    `theirs` what the user may not see)."""
    if not conflict.mergeable:
        return {"detail": str(conflict)}
    return {"detail": str(conflict), "theirs": dict(conflict.theirs or {}), "mine": dict(conflict.mine or {})}


def check_fields(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Validate request data; a bad field is a 400 naming it (raised by DRF)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def check_update(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """A partial update: only the fields sent change; `version` (the one loaded) is required."""
    serializer = serializer_class(data=data, partial=True)
    serializer.is_valid(raise_exception=True)
    fields = dict(serializer.validated_data)
    if "version" not in fields:
        raise serializers.ValidationError({"version": ["Send the version you loaded."]})
    return fields


# --- Field types shared by the endpoints --------------------------------------------------------------------------


def named_choices(component: str, choices: Sequence[tuple[str, StrOrPromise]]) -> type[serializers.ChoiceField]:
    """A choice field whose enum is one named schema component (fields of different names may share it)."""
    values = [value for value, _label in choices]

    @extend_schema_field({"type": "string", "enum": values}, component_name=component)
    class NamedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(choices=choices, **kwargs)

    NamedChoiceField.__name__ = f"{component}Field"
    return NamedChoiceField


def whole_number(**kwargs: Any) -> serializers.IntegerField:
    """An integer the database can hold: a larger one (e.g. 2**70) is a 400 naming the field, not a server error."""
    kwargs.setdefault("max_value", MAX_INTEGER)
    kwargs.setdefault("error_messages", {"max_value": gettext_lazy(
        "Ensure this value is at most {max_value}: no id or version in SOMA is larger.")})
    return serializers.IntegerField(**kwargs)


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """The id of a row (1 up to the largest 64-bit integer)."""
    return whole_number(min_value=1, **kwargs)
