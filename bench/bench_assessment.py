"""Pages of a full assessment (whole guide in scope, every question answered, 300 sources, 1-3 citations on
most answers): the biggest subsection's question page, the overview and the sources list, each against the
minimal Django view (the framework floor) measured in the same run, with the SQL queries per request; the
findings (60) and recommendations pages; reading and saving one answer through the API.

Each page figure also carries the CPU time of the page and of the floor in this process (cpu_median,
cpu_baseline_median, cpu_ratio_median), which a busy machine disturbs less than the wall-clock ratio.

Everything this bench creates (one user, one assessment and its rows) is deleted at the end, so it can run
against a database that is kept between runs (DATABASE_URL)."""

import json
import os
import random
import re
import secrets
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable

from bench.harness import emit, paired_figure, sample_pairs

SOURCES = 300
FINDINGS = 60
ANSWER = "guide:V.C:q01"  # the answer read and saved through the API
REPEAT = int(os.environ.get("SOMA_BENCH_REPEAT", "100"))
# SOMA_BENCH_FIGURES=assessment_question_page,report_compose runs only those figures (all when unset).
FIGURES = {name.strip() for name in os.environ.get("SOMA_BENCH_FIGURES", "").split(",") if name.strip()}
SLOW_REPEAT = min(REPEAT, 20)


def build(username: str):
    """A lead user and a fully answered assessment; returns (user, assessment, biggest subsection key)."""
    from django.contrib.auth import get_user_model

    from soma.assessments import selectors as assessment_selectors
    from soma.assessments import services as assessment_services
    from soma.catalog import packs
    from soma.catalog import selectors as catalog_selectors
    from soma.evidence.models import Citation, Credibility, Reliability, Source
    from soma.findings.models import Implementation, Response, ReviewState
    from soma.kernel.clearance import seen_by

    catalog, _created = packs.load_builtin()
    user = get_user_model().objects.create_user(username=username)
    tree = catalog_selectors.tree(catalog)
    sections = [s.code for s in tree.children("guide", kind="guide_section")]
    assessment = assessment_services.create_assessment(
        user,
        scope=sections,
        catalog=catalog,
        title="Bench: Republic of Demoland, full assessment",
        jurisdictions=["XD"] if _country_ok("XD") else ["FR"],
    ).assessment
    rng = random.Random(20240601)
    Source.objects.bulk_create(
        Source(
            assessment=assessment,
            title=f"Demoland source {n:03d}",
            kind=rng.choice(Source.Kind.values),
            author="Ministry of the Interior of Demoland",
            reliability=rng.choice(Reliability.values),
            credibility=rng.choice(Credibility.values),
            classification=rng.choice(["public", "public", "restricted", "confidential"]),
            added_by=user,
        )
        for n in range(SOURCES)
    )
    sources = list(Source.objects.filter(assessment=assessment).values_list("pk", flat=True))
    scope = assessment_selectors.questions_in_scope(seen_by(user, assessment))
    statuses = Implementation.values
    Response.objects.bulk_create(
        Response(
            assessment=assessment,
            question=q.key,
            narrative=f"In Demoland, {q.text[:120]} — answered from the desk review and interviews. " * 3,
            de_jure=rng.choice(statuses),
            de_facto=rng.choice(statuses),
            review_state=rng.choice(ReviewState.values),
            classification=rng.choice(["public", "public", "restricted"]),
            updated_by=user,
        )
        for sub in scope
        for q in sub.questions
    )
    responses = list(Response.objects.filter(assessment=assessment).values_list("pk", flat=True))
    citations = []
    for response in responses:
        if rng.random() < 0.2:
            continue  # about one answer in five has no citation yet
        for source in rng.sample(sources, rng.randint(1, 3)):
            citations.append(
                Citation(
                    assessment=assessment,
                    source_id=source,
                    response_id=response,
                    pinpoint=f"p. {rng.randint(1, 200)}",
                    stance=rng.choice(Citation.Stance.values),
                )
            )
    Citation.objects.bulk_create(citations)
    biggest = max(scope, key=lambda sub: len(sub.questions))
    counts = {
        "questions": sum(len(sub.questions) for sub in scope),
        "subsections": len(scope),
        "citations": len(citations),
        "biggest_questions": len(biggest.questions),
    }
    return user, assessment, biggest.key, counts


def add_findings(user, assessment, n: int = FINDINGS, seed: int = 20240602) -> dict:
    """n findings (each on 1-3 answers with 1-2 citations), one conclusion per three findings and one
    recommendation per conclusion with two institutions: the findings and recommendations pages' rows."""
    from soma.assessments.models import Institution
    from soma.evidence.models import Citation, Source
    from soma.findings.models import Conclusion, Finding, Priority, Recommendation, Response

    rng = random.Random(seed)
    responses = list(Response.objects.filter(assessment=assessment).only("pk", "question"))
    sources = list(Source.objects.filter(assessment=assessment).values_list("pk", flat=True))
    institutions = Institution.objects.bulk_create(
        Institution(assessment=assessment, name=f"Demoland agency {k}", category="police") for k in range(4)
    )
    findings = Finding.objects.bulk_create(
        Finding(
            assessment=assessment,
            kind=rng.choice(Finding.Kind.values),
            title=f"Demoland finding {k:02d}",
            text="The Demoland border police record smuggling cases under a general offence. " * 2,
            subsection=rng.choice(responses).question.rsplit(":", 1)[0],
            provisions=["protocol:art6.1"],
            classification=rng.choice(["public", "public", "restricted"]),
            created_by=user,
        )
        for k in range(n)
    )
    links, citations = [], []
    for finding in findings:
        for response in rng.sample(responses, rng.randint(1, 3)):
            links.append(Finding.responses.through(finding_id=finding.pk, response_id=response.pk))
        for source in rng.sample(sources, rng.randint(1, 2)):
            citations.append(Citation(assessment=assessment, source_id=source, finding=finding, pinpoint="p. 3"))
    Finding.responses.through.objects.bulk_create(links)
    Citation.objects.bulk_create(citations)
    for k in range(0, n, 3):
        conclusion = Conclusion.objects.create(assessment=assessment, text=f"Demoland conclusion {k}")
        conclusion.findings.set(findings[k:k + 3])
        recommendation = Recommendation.objects.create(
            assessment=assessment, text=f"Demoland should train prosecutors ({k}).", area="guide:section:V",
            priority=rng.choice(Priority.values), rank=k + 1, toolkit=["toolkit:7.11"],
        )
        recommendation.institutions.set(institutions[:2])
        recommendation.conclusions.set([conclusion])
    return {"findings": n, "recommendations": len(range(0, n, 3))}


def saver(client, url):
    """A PUT of the answer through the API with the version it last returned (each save is a real change)."""
    state = {"version": client.get(url).json()["version"], "n": 0}

    def save():
        state["n"] += 1
        body = {"version": state["version"], "narrative": f"Demoland ratified the Protocol (save {state['n']})."}
        response = client.put(url, data=json.dumps(body), content_type="application/json")
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        state["version"] = response.json()["version"]
        return response

    return save


class CpuTimed:
    """A call that also records its CPU time (milliseconds of this process): on a machine shared with other work
    the wall-clock ratio to the floor swings with the load (the floor is a few milliseconds, a page tens), while
    the CPU time each spends in this process does much less."""

    def __init__(self, fn: Callable[[], object]) -> None:
        self.fn, self.times = fn, []

    def __call__(self) -> object:
        start = time.process_time()
        result = self.fn()
        self.times.append((time.process_time() - start) * 1000)
        return result


def cpu_figures(subject: CpuTimed, baseline: CpuTimed, n: int) -> dict:
    """Medians of the last n CPU times of each side (the sampled pairs, after the warm-up) and of their ratios."""
    ours, floor = subject.times[-n:], baseline.times[-n:]
    ratios = [a / b for a, b in zip(ours, floor, strict=True) if b > 0]
    return {
        "cpu_median": round(statistics.median(ours), 3),
        "cpu_baseline_median": round(statistics.median(floor), 3),
        "cpu_ratio_median": round(statistics.median(ratios), 3) if ratios else None,
    }


def _country_ok(code: str) -> bool:
    from django_countries import countries

    return code in dict(countries)


def count_queries(fn) -> tuple[int, object]:
    """How many SQL statements one call of fn runs (CaptureQueriesContext); with SOMA_BENCH_SQL=1 the most
    repeated statement shapes go to stderr, to find query-per-item patterns."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # the log is a bounded deque: start empty so its length counts this call
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    if os.environ.get("SOMA_BENCH_SQL") == "1":
        shapes = Counter(re.sub(r"\b\d+\b|'[^']*'", "?", q["sql"])[:200] for q in captured.captured_queries)
        for sql, n in shapes.most_common(8):
            print(f"  {n:5d} x {sql}", file=sys.stderr)
    return len(captured.captured_queries), result


def run(repeat: int = REPEAT) -> None:
    from django.test import Client
    from django.urls import reverse

    username = f"bench.lead.{secrets.token_hex(4)}"
    user, assessment, biggest, counts = build(username)
    counts |= add_findings(user, assessment)
    client = Client()
    try:
        client.force_login(user)

        def getter(url):
            def get():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return get

        floor = getter("/__bench_floor__")
        pages = [
            ("assessment_question_page", reverse("responses:subsection", args=[assessment.pk, biggest]),
             {"subsection": biggest, "questions_on_page": counts["biggest_questions"]}),
            ("assessment_overview", reverse("findings:overview", args=[assessment.pk]),
             {"questions": counts["questions"], "subsections": counts["subsections"]}),
            # The first page of the list (50 rows a page); rows_on_page is counted in the page served.
            ("assessment_sources_list", reverse("evidence:list", args=[assessment.pk]),
             {"sources": SOURCES, "page": 1}),
            ("assessment_findings_list", reverse("findings:findings", args=[assessment.pk]),
             {"findings": counts["findings"]}),
            ("assessment_recommendations_list", reverse("findings:recommendations", args=[assessment.pk]),
             {"recommendations": counts["recommendations"]}),
            ("api_answer_get", reverse("api-assessment-response", args=[assessment.pk, ANSWER]),
             {"questions": counts["questions"]}),
            ("api_answer_save", reverse("api-assessment-response", args=[assessment.pk, ANSWER]),
             {"questions": counts["questions"]}),
        ]
        for name, url, extra in pages:
            if FIGURES and name not in FIGURES:
                continue
            page = saver(client, url) if name == "api_answer_save" else getter(url)
            start = time.perf_counter()
            page()
            first_ms = (time.perf_counter() - start) * 1000
            # A page taking seconds gets fewer samples (at least SLOW_REPEAT) so a run stays within minutes.
            n = repeat if first_ms < 250 else max(SLOW_REPEAT, min(repeat, int(15000 / first_ms)))
            if os.environ.get("SOMA_BENCH_SQL") == "1":
                print(f"{name}:", file=sys.stderr)
            queries, response = count_queries(page)
            floor_queries, _ = count_queries(floor)
            body = response.content
            if name == "assessment_sources_list":
                extra = extra | {"rows_on_page": body.count(b'<tr id="source-')}
            timed_page, timed_floor = CpuTimed(page), CpuTimed(floor)
            pairs = sample_pairs(timed_page, timed_floor, n, warmup=2 if n < repeat else 5)
            emit(
                paired_figure(
                    name,
                    pairs,
                    "minimal Django view",
                    queries=queries,
                    baseline_queries=floor_queries,
                    html_kb=round(len(body) / 1024, 1),
                    citations=counts["citations"],
                    **cpu_figures(timed_page, timed_floor, n),
                    **extra,
                )
            )
        # The report's content (the composer alone, no renderer) for the restricted version, against the same floor.
        if FIGURES and "report_compose" not in FIGURES:
            return
        from soma.reports.composer import compose

        def composed():
            return compose(user, assessment, "restricted")

        start = time.perf_counter()
        composed()
        first_ms = (time.perf_counter() - start) * 1000
        n = repeat if first_ms < 250 else max(SLOW_REPEAT, min(repeat, int(15000 / first_ms)))
        queries, _snapshot = count_queries(composed)
        floor_queries, _ = count_queries(floor)
        emit(paired_figure("report_compose", sample_pairs(composed, floor, n, warmup=2 if n < repeat else 5),
                           "minimal Django view", queries=queries, baseline_queries=floor_queries,
                           findings=counts["findings"], recommendations=counts["recommendations"]))
    finally:
        from django.contrib.auth import get_user_model

        client.logout()  # its session row

        assessment.delete()  # cascades to scope, membership, sources, responses, citations, history
        get_user_model().objects.filter(username=username).delete()
