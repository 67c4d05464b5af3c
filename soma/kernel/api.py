"""The base of the assessment endpoints of the REST API and the answers to what services refuse.

Views are thin: they parse input with serializers (check_fields), call the services (writes) and selectors
(reads), and soma.kernel.problems turns refusals into problem answers (RFC 9457): non-members 404, members without the
right 403, a request that cannot be carried out 400, an edit that lost to someone else's save 409.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet as QuerySetType
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from soma.kernel.clearance import Seen, seen_by
from soma.kernel.pages import default_fetch
from soma.kernel.problems import MAX_INTEGER

if TYPE_CHECKING:  # for the types only: the kernel imports no app
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from soma.assessments.models import Assessment

def unknown_parameters(given: Iterable[str], known: Iterable[str]) -> list[str]:
    return sorted(set(given) - set(known))


class UnknownParameters(serializers.ValidationError):
    def __init__(self, names: list[str]) -> None:
        message = str(gettext_lazy("This endpoint has no query parameter of this name; see /api/schema/."))
        super().__init__({name: [message] for name in names})


@dataclass(frozen=True)
class ListFilter:
    """A query parameter that keeps the items whose `path` (Django lookup style: `user__username`) equals it."""

    path: str
    choices: Sequence[str] | None = None
    description: str = ""


MAX_FILTER_LENGTH = 200


def _value(item: Any, path: str) -> Any:
    for name in path.split("__"):
        item = getattr(item, name, None)
    return item


def _sort_key(value: Any) -> tuple[bool, Any]:
    return (value is None, 0 if value is None else value)


class SomaSchema(AutoSchema):
    """drf-spectacular's schema of a SOMA view, with the view's list filters and `ordering` declared."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        view = self.view
        if self.method != "GET" or not isinstance(view, SomaAPIView):
            return parameters
        for name, spec in view.filter_fields.items():
            schema: dict[str, Any] = {"type": "string", "maxLength": MAX_FILTER_LENGTH}
            if spec.choices is not None:
                schema = {"type": "string", "enum": list(spec.choices)}
            parameters.append(OpenApiParameter(name, schema, description=spec.description or
                                               f"Only the items whose {name} is this."))
        if view.ordering_fields:
            names = [f"{prefix}{name}" for name in view.ordering_fields for prefix in ("", "-")]
            parameters.append(OpenApiParameter(
                "ordering", {"type": "string", "enum": names},
                description="Sort by this field (a leading - for descending); the default order otherwise."))
        return parameters


class SomaAPIView(APIView):
    """Base of every API view.

    `query_parameters` names the query parameters that GET accepts; a list adds its `filter_fields`, `ordering`
    over its `ordering_fields` and `page`. Any other parameter, and any on a write, is a 400 problem naming it,
    not silently ignored. Both are declared in the schema (SomaSchema)."""

    schema = SomaSchema()
    query_parameters: frozenset[str] = frozenset()
    filter_fields: Mapping[str, ListFilter] = {}
    ordering_fields: Mapping[str, str] = {}  # the name in `ordering` -> the path it sorts by

    def known_parameters(self, request: Request) -> set[str]:
        if request.method not in ("GET", "HEAD"):
            return set()
        known = set(self.query_parameters) | set(self.filter_fields)
        if self.ordering_fields:
            known |= {"ordering", "page"}
        return known

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication and permissions first: no hints for strangers
        if request.method is None or not hasattr(self, request.method.lower()):
            return  # a method the endpoint lacks: 405, whatever its parameters
        unknown = unknown_parameters(request.query_params.keys(), self.known_parameters(request))
        if unknown:
            raise UnknownParameters(unknown)

    def filtered(self, items: QuerySet[Any] | Sequence[Any]) -> QuerySet[Any] | Sequence[Any]:
        """The items that the request's filters keep, in the order it asks for (`ordering`)."""
        params = self.request.query_params
        for name, spec in self.filter_fields.items():
            if name not in params:
                continue
            wanted = params[name]
            if len(wanted) > MAX_FILTER_LENGTH:
                raise serializers.ValidationError({name: [str(gettext_lazy("At most %(max)s characters.")) % {
                    "max": MAX_FILTER_LENGTH}]})
            if spec.choices is not None and wanted not in spec.choices:
                raise serializers.ValidationError({name: [str(gettext_lazy("Use one of: %(choices)s.")) % {
                    "choices": ", ".join(spec.choices)}]})
            if isinstance(items, QuerySetType):
                items = items.filter(**{spec.path: wanted})
            else:
                items = [item for item in items if str(_value(item, spec.path)) == wanted]
        ordering = params.get("ordering")
        if ordering is not None:
            name = ordering.removeprefix("-")
            if name not in self.ordering_fields:
                raise serializers.ValidationError({"ordering": [str(gettext_lazy("Sort by one of: %(names)s.")) % {
                    "names": ", ".join(self.ordering_fields)}]})
            path, descending = self.ordering_fields[name], ordering.startswith("-")
            if isinstance(items, QuerySetType):
                items = items.order_by(f"{'-' if descending else ''}{path}", "pk")
            else:
                items = sorted(items, key=lambda item: _sort_key(_value(item, path)), reverse=descending)
        return items


class AssessmentAPIView(SomaAPIView):
    """Base of the assessment endpoints: the assessment by the URL's `pk` (404 for non-members, fetched once per
    request). The services' refusals become problem answers in soma.kernel.problems.exception_handler."""

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
        page = paginator.paginate_queryset(self.filtered(items), self.request, view=self)
        data = serializer_class(page, many=True, context={"request": self.request, **context}).data
        return paginator.get_paginated_response(data)


def _not_text(value: Any) -> bool:
    return value is not None and not isinstance(value, str)


def check_text_types(serializer: serializers.Serializer, data: Any) -> None:
    """A text field sent as a number or a list (JSON `0`, not `"0"`) is refused, as the schema says, rather than
    turned into text by DRF's CharField."""
    if not isinstance(data, Mapping):
        return
    errors: dict[str, list[str]] = {}
    for name, field in serializer.fields.items():
        value = data.get(name)
        if field.read_only or name not in data:
            continue
        if isinstance(field, serializers.CharField) and _not_text(value):
            errors[name] = [str(gettext_lazy("Not a valid string."))]
        elif (isinstance(field, serializers.ListField) and isinstance(field.child, serializers.CharField)
              and isinstance(value, list) and any(_not_text(item) for item in value)):
            errors[name] = [str(gettext_lazy("Send a list of strings."))]
    if errors:
        raise serializers.ValidationError(errors)


def check_fields(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Validate request data; a bad field is a 400 naming it (raised by DRF)."""
    serializer = serializer_class(data=data)
    check_text_types(serializer, data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def check_update(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """A partial update: only the fields sent change; `version` (the one loaded) is required."""
    serializer = serializer_class(data=data, partial=True)
    check_text_types(serializer, data)
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
