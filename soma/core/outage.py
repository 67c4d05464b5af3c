"""A database outage answers a plain 503 page (JSON under /api/) instead of a server error with a traceback.

The middleware sits near the top of MIDDLEWARE. An error raised by a view reaches `process_exception`; one
raised by a middleware below it has already been turned into a 500 response by Django's handler, so the
`got_request_exception` signal marks the request and `__call__` swaps that 500 for the 503 page.

The page is rendered without the database: no base layout (it reads the signed-in user) and no context
processors. Recovery needs nothing here: each request opens or health-checks its connection again
(CONN_HEALTH_CHECKS on PostgreSQL), so SOMA answers normally as soon as the database is back.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def unavailable_response(request: HttpRequest) -> HttpResponse:
    message = _("SOMA cannot reach its database right now; your work is not lost. Try again in a minute.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "code": "database_unavailable"}, status=503)
    else:
        page = render_to_string("core/database_unavailable.html", {"message": message, "path": request.path})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_soma_database_unavailable", False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.warning("Database unavailable while answering %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


def _mark_database_errors(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, (OperationalError, InterfaceError)):
        request._soma_database_unavailable = True


got_request_exception.connect(_mark_database_errors, dispatch_uid="soma.core.outage")
