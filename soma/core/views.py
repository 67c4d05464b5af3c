from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
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
