from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 otherwise; for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@login_required
def job(request, pk):
    """A background job of the user's: its progress while it runs (polled by htmx), its outcome after."""
    from soma.core import jobs

    row = jobs.check(jobs.job_for(request.user, pk))
    template = "core/_job.html" if request.htmx else "core/job.html"
    return render(request, template, {"job": row, "notice": jobs.waiting_notice(row)})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without a valid security token. The page says that nothing was saved and
    how to send it again; JSON under /api/, plain text to htmx (the page's script keeps what it could not send)."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    message = _("The form was not accepted and nothing was saved: its security check failed. Reload the page and "
                "send it again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)
