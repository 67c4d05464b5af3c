"""One error format for the whole API: RFC 9457 problem details (`application/problem+json`).

Every error under /api/ answers a JSON object with `type` (a URI naming the kind of problem; `about:blank` for
a plain HTTP error), `title` (short, the same for every problem of that type), `status` (the HTTP status),
`detail` (what was wrong in this request and what to do) and `instance` (the path asked for). A refused field
adds `errors` (`{"field": ["message", ...]}`, nested fields joined with dots); a lost edit (409) adds
`current_version` (the version saved now) and, where the service offers a merge, `theirs` and `mine`.

What makes the answers: `exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"], through soma.api_errors) for
everything a view raises, and Django's error handlers (soma.api_errors) for what never reaches a view, e.g. an
unknown address under /api/. What declares them: `declare_problems`, a drf-spectacular postprocessing hook that
adds the problem answers to every operation of the schema. A new endpoint raises (ServiceError, EditConflict,
Http404, PermissionDenied, a DRF ValidationError...) and gets both without a line of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import JsonResponse
from django.utils.translation import gettext as _

from soma.kernel.access import PermissionDenied
from soma.kernel.errors import EditConflict, ServiceError

if TYPE_CHECKING:
    from django.http import HttpRequest

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
VALIDATION = "urn:soma:problem:validation"
CONFLICT = "urn:soma:problem:edit-conflict"
NOT_FOUND = "urn:soma:problem:not-found"
UNKNOWN_PARAMETER = "urn:soma:problem:unknown-parameter"

# The largest whole number that SQLite and PostgreSQL store (a signed 64-bit integer): the top of every id.
MAX_INTEGER = 2**63 - 1

TITLES = {
    VALIDATION: "The request has invalid fields.",
    CONFLICT: "Someone else saved this since you loaded it.",
    NOT_FOUND: "Not found.",
    UNKNOWN_PARAMETER: "The request has query parameters this endpoint does not know.",
}


def problem(status: int, detail: str, *, instance: str = "", type: str = "about:blank",  # noqa: A002  (RFC 9457's name)
            **extra: Any) -> dict[str, Any]:
    """The body of a problem answer. `about:blank` takes the status's own phrase as its title (RFC 9457 4.2.1)."""
    title = TITLES.get(type) or HTTPStatus(status).phrase
    return {"type": type, "title": title, "status": status, "detail": detail, "instance": instance, **extra}


def field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as `{"field": ["message"]}`, nested fields joined with dots (`missions.0.title`)."""
    found: dict[str, list[str]] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            found.update(field_errors(value, name))
    elif isinstance(detail, list) and any(isinstance(item, (Mapping, list)) for item in detail):
        for index, item in enumerate(detail):
            found.update(field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(detail, list):
        found[prefix or "non_field_errors"] = [str(item) for item in detail]
    elif detail is not None:
        found[prefix or "non_field_errors"] = [str(detail)]
    return found


def validation_problem(detail: Any, instance: str) -> dict[str, Any]:
    errors = field_errors(detail)
    general = errors.pop("non_field_errors", []) + errors.pop("detail", [])
    if general and not errors:
        return problem(400, " ".join(general), instance=instance)
    named = " ".join(f"{field}: {' '.join(messages)}" for field, messages in sorted(errors.items()))
    message = " ".join([*general, named])
    return problem(400, message, instance=instance, type=VALIDATION, errors=errors)


def too_big_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _("The request body is larger than the %(limit)s MB that SOMA accepts. Send less in one request "
             "(files go in a multipart/form-data upload, which has its own limit).") % {"limit": f"{limit:g}"}


def out_of_range_message() -> str:
    return _("A value in the request does not fit in the database (a number larger than %(max)s, or a text too "
             "long). Check the ids and numbers you sent.") % {"max": MAX_INTEGER}


def request_refusal(exc: BaseException) -> tuple[str, int] | None:
    """The message and status for an error Django raises about the request itself, or None."""
    if isinstance(exc, RequestDataTooBig):
        return too_big_message(), HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return _("The request has too many fields or files. Send fewer in one request."), HTTPStatus.BAD_REQUEST
    if isinstance(exc, SuspiciousOperation):
        return _("The request was refused as unsafe. Check what you sent."), HTTPStatus.BAD_REQUEST
    return None


def conflict_problem(conflict: EditConflict, instance: str) -> dict[str, Any]:
    """409: why, the version saved now, and for a conflict that offers a merge both versions (the service leaves
    out of `theirs` what the user may not see)."""
    extra: dict[str, Any] = {"current_version": conflict.version}
    if conflict.mergeable:
        extra |= {"theirs": dict(conflict.theirs or {}), "mine": dict(conflict.mine or {})}
    return problem(409, str(conflict), instance=instance, type=CONFLICT, **extra)


def problem_for(exc: BaseException, request: HttpRequest | None) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The problem body and the headers to keep for an exception a view raised, or None for a server error."""
    from rest_framework import exceptions as drf

    instance = request.path if request is not None else ""
    if isinstance(exc, EditConflict):
        return conflict_problem(exc, instance), {}
    if isinstance(exc, ServiceError):
        return problem(400, str(exc), instance=instance), {}
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return validation_problem(detail, instance), {}
    if isinstance(exc, PermissionDenied):
        return problem(403, str(exc), instance=instance), {}
    if isinstance(exc, drf.ValidationError):
        return validation_problem(exc.detail, instance), {}
    if isinstance(exc, drf.APIException):
        headers = {}
        wait = getattr(exc, "wait", None)
        if isinstance(exc, drf.Throttled) and wait is not None:
            headers["Retry-After"] = str(int(wait))
        type_ = NOT_FOUND if isinstance(exc, drf.NotFound) else "about:blank"
        message = exc.detail if isinstance(exc.detail, str) else " ".join(
            " ".join(messages) for messages in field_errors(exc.detail).values())
        return problem(exc.status_code, str(message), instance=instance, type=type_), headers
    refusal = request_refusal(exc)
    if refusal is not None:
        return problem(refusal[1], refusal[0], instance=instance), {}
    if isinstance(exc, (OverflowError, DataError)):  # SQLite raises OverflowError, PostgreSQL a DataError
        return problem(400, out_of_range_message(), instance=instance), {}
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> JsonResponse | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error a view raises as a problem answer. A server error
    (None) goes on to Django, which logs it and answers with soma.api_errors.server_error (a problem too).

    A plain JsonResponse, not the framework's Response: that one would be written by the view's renderer
    (the schema view's is YAML)."""
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.http import Http404
    from rest_framework import exceptions as drf
    from rest_framework.views import set_rollback

    if isinstance(exc, Http404):
        exc = drf.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied(*exc.args)
    request = context.get("request")
    found = problem_for(exc, request)
    if found is None:
        return None
    body, headers = found
    challenge = getattr(exc, "auth_header", None)  # set by APIView.handle_exception for a 401
    if challenge:
        headers["WWW-Authenticate"] = challenge
    set_rollback()
    return JsonResponse(body, status=body["status"], headers=headers, content_type=MEDIA_TYPE)


# --- The schema: every operation declares its problem answers -------------------------------------------------------

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error (RFC 9457 problem details).",
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem; about:blank for a plain "
                                                   "HTTP error."},
        "title": {"type": "string", "description": "Short; the same for every problem of this type."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What was wrong in this request and what to do."},
        "instance": {"type": "string", "description": "The path asked for."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Refused fields and their messages (validation problems only).",
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
}
CONFLICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A lost edit (RFC 9457 problem details): someone saved since you loaded the version you sent.",
    "properties": {
        **PROBLEM_SCHEMA["properties"],
        "current_version": {"type": "integer", "minimum": 0, "description": "The version saved now."},
        "theirs": {"type": "object", "additionalProperties": {},
                   "description": "The saved fields (with their version) that yours would overwrite."},
        "mine": {"type": "object", "additionalProperties": {}, "description": "What you sent."},
    },
    "required": [*PROBLEM_SCHEMA["required"], "current_version"],
}

EVERY_OPERATION = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
                   405: "Method not allowed", 406: "Not acceptable", 429: "Too many requests",
                   500: "Server error"}
WRITES = {409: "Edit conflict", 413: "Body too large", 415: "Unsupported media type"}


def declare_problems(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the Problem components and, on every operation, each problem
    answer it may give (JSON answers of an error status become problem answers)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["ConflictProblem"] = CONFLICT_SCHEMA
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    conflict_ref = {"$ref": "#/components/schemas/ConflictProblem"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") == "integer" and (parameter["in"] == "path" or parameter["name"] == "page"):
                    schema.setdefault("minimum", 1)  # ids and pages start at 1
                    schema.setdefault("maximum", MAX_INTEGER)
            responses = operation.setdefault("responses", {})
            codes = EVERY_OPERATION | (WRITES if method != "get" else {})
            for code, description in codes.items():
                responses.setdefault(str(code), {"description": description})
            for code, answer in responses.items():
                if not code.isdigit() or int(code) < 400:
                    continue
                ref = conflict_ref if code == "409" else problem_ref
                answer["content"] = {MEDIA_TYPE: {"schema": ref}}
    return result
