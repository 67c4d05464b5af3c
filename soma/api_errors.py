"""Every answer under /api/ is JSON, errors included: RFC 9457 problem details (soma/kernel/problems.py).

Two places turn errors into answers. The REST framework's exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"],
soma.kernel.problems.exception_handler) covers what a view raises. Django's error handlers (handler400 ... in
soma/urls.py) cover what never reaches a view, e.g. an unknown address under /api/ or a server error; elsewhere
they keep Django's own pages.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from soma.kernel.problems import MEDIA_TYPE, NOT_FOUND, exception_handler, problem, request_refusal

__all__ = ["exception_handler", "bad_request", "permission_denied", "page_not_found", "server_error"]

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _answer(request, status: int, detail: str, **extra) -> JsonResponse:
    return JsonResponse(problem(status, detail, instance=request.path, **extra), status=status,
                        content_type=MEDIA_TYPE)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.bad_request(request, exception, template_name)
    message, code = request_refusal(exception) or (_("The request could not be read. Check what you sent."), 400)
    return _answer(request, code, message)


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.permission_denied(request, exception, template_name)
    return _answer(request, 403, _("You may not do this."))


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.page_not_found(request, exception, template_name)
    return _answer(request, 404, _("There is no API endpoint at this address. The list of endpoints is at "
                                   "/api/schema/."), type=NOT_FOUND)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.server_error(request, template_name)
    return _answer(request, 500, _("SOMA met an unexpected error. Check whether your change was saved, "
                                   "try again, and tell your administrator if it happens again."))
