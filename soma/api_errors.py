"""Every answer under /api/ is JSON with a `detail` that says what was wrong and what to do, errors included.

Two places turn errors into answers. DRF's exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]) covers what
a view raises: besides DRF's own errors, a body over Django's size limit (413) and a value that the database
cannot hold, such as an id over 64 bits (400). Django's error handlers (handler400 ... in soma/urls.py) cover
what never reaches a view, e.g. an unknown address under /api/; elsewhere they keep Django's own pages.
"""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def too_big_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _("The request body is larger than the %(limit)s MB that SOMA accepts. Send less in one request "
             "(files go in a multipart/form-data upload, which has its own limit).") % {"limit": f"{limit:g}"}


def out_of_range_message() -> str:
    from soma.kernel.api import MAX_INTEGER  # with the REST framework, loaded by the first API request

    return _("A value in the request does not fit in the database (a number larger than %(max)s, or a text too "
             "long). Check the ids and numbers you sent.") % {"max": MAX_INTEGER}


def _refusal(exc) -> tuple[str, int] | None:
    """The message and status for an error Django raises about the request itself, or None."""
    if isinstance(exc, RequestDataTooBig):
        return too_big_message(), HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return _("The request has too many fields or files. Send fewer in one request."), HTTPStatus.BAD_REQUEST
    if isinstance(exc, SuspiciousOperation):
        return _("The request was refused as unsafe. Check what you sent."), HTTPStatus.BAD_REQUEST
    return None


def exception_handler(exc, context):
    """DRF's handler, plus JSON answers for request errors that DRF leaves to Django's HTML pages."""
    # Here, not at the top: Django's error handlers below are imported by every process (URL checks).
    from rest_framework.response import Response
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    refusal = _refusal(exc)
    if refusal is not None:
        return Response({"detail": refusal[0]}, status=refusal[1])
    if isinstance(exc, (OverflowError, DataError)):  # SQLite raises OverflowError, PostgreSQL a DataError
        return Response({"detail": out_of_range_message()}, status=HTTPStatus.BAD_REQUEST)
    return None


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.bad_request(request, exception, template_name)
    message, code = _refusal(exception) or (_("The request could not be read. Check what you sent."), 400)
    return JsonResponse({"detail": message}, status=code)


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.permission_denied(request, exception, template_name)
    return JsonResponse({"detail": _("You may not do this.")}, status=403)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.page_not_found(request, exception, template_name)
    return JsonResponse({"detail": _("There is no API endpoint at this address. The list of endpoints is at "
                                     "/api/schema/.")}, status=404)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.server_error(request, template_name)
    return JsonResponse({"detail": _("SOMA met an unexpected error. Check whether your change was saved, "
                                     "try again, and tell your administrator if it happens again.")}, status=500)
