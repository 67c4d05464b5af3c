"""The assessment pages' shared frame alone, against the minimal Django view (the framework floor): a view behind
`assessment_page` that renders `assessments/_layout.html` with nothing in it (the decorator, the page context, the
base layout, the header and tabs, the context processors), and the overview of an empty assessment (the frame
plus an overview with nothing to count). What every assessment page pays before its own content.

With SOMA_BENCH_PROFILE=1 the frame's cProfile (cumulative, top 40) goes to stderr.

Everything this bench creates (one user, one assessment) is deleted at the end."""

import cProfile
import io
import os
import pstats
import secrets
import sys

from django.http import HttpResponse
from django.urls import path

from bench.harness import emit, paired_figure, sample_pairs
from bench.urls import urlpatterns as bench_urlpatterns

REPEAT = int(os.environ.get("SOMA_BENCH_REPEAT", "200"))


def frame(request, pk) -> HttpResponse:
    from django.template import engines

    from soma.kernel.pages import assessment_page, page_context

    @assessment_page(tab="plan")
    def empty(request, assessment):
        template = engines["django"].from_string('{% extends "assessments/_layout.html" %}')
        return HttpResponse(template.render(page_context(request, assessment, "plan"), request))

    return empty(request, pk)


urlpatterns = [path("__bench_frame__/<int:pk>/", frame), *bench_urlpatterns]


def run(repeat: int = REPEAT) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from soma.assessments import services as assessment_services
    from soma.catalog import packs

    catalog, _created = packs.load_builtin()
    username = f"bench.frame.{secrets.token_hex(4)}"
    user = get_user_model().objects.create_user(username=username)
    assessment = assessment_services.create_assessment(
        user, scope=["I"], catalog=catalog, title="Bench: Republic of Demoland, empty assessment", jurisdictions=["FR"]
    ).assessment
    client = Client()
    try:
        client.force_login(user)
        with override_settings(ROOT_URLCONF="bench.bench_frame"):

            def getter(url):
                def get():
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
                    return response

                return get

            floor = getter("/__bench_floor__")
            for name, url in (
                ("assessment_frame", f"/__bench_frame__/{assessment.pk}/"),
                ("empty_assessment_overview", reverse("findings:overview", args=[assessment.pk])),
            ):
                page = getter(url)
                page()
                connection.queries_log.clear()  # a bounded deque: start empty so that its length counts this call
                with CaptureQueriesContext(connection) as captured:
                    page()
                queries = len(captured)  # read now: it is a slice of the log, which the next clear() empties
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as floor_captured:
                    floor()
                floor_queries = len(floor_captured)
                if name == "assessment_frame" and os.environ.get("SOMA_BENCH_PROFILE") == "1":
                    profile = cProfile.Profile()
                    profile.runcall(lambda get=page: [get() for _ in range(50)])
                    out = io.StringIO()
                    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
                    print(out.getvalue(), file=sys.stderr)
                emit(paired_figure(name, sample_pairs(page, floor, repeat), "minimal Django view",
                                   queries=queries, baseline_queries=floor_queries))
    finally:
        client.logout()
        assessment.delete()
        get_user_model().objects.filter(username=username).delete()
