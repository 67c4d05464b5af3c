"""The question page reads the same number of times whatever the size of the subsection: no query per
question, per answer, per citation or per source (the page of a full assessment has thirty-odd questions
and hundreds of sources)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soma.assessments import services
from soma.evidence import services as evidence_services
from soma.findings.models import Response
from soma.kernel.clearance import seen_by
from soma.responses import services as response_services

SUBSECTION = "guide:V.C"


def build(lead, size: int):
    """An assessment whose subsection has `size` answered questions (national ones added past the guide's own)
    and `size` sources, each answer citing one source."""
    assessment = services.create_assessment(
        lead, title=f"Republic of Demoland ({size})", jurisdictions=["XD"], scope=["V.B", "V.C", "V.D"],
    ).assessment
    for n in range(size):
        services.add_national_question(lead, assessment, SUBSECTION, f"Demoland national question {n}?")
    from soma.assessments import selectors as assessment_selectors

    scope = {sub.key: sub for sub in assessment_selectors.questions_in_scope(seen_by(lead, assessment))}
    questions = [q.key for q in scope[SUBSECTION].questions][:size]
    assert len(questions) == size
    sources = [evidence_services.save_source(lead, assessment, title=f"Demoland report {n}", kind="legislation")
               for n in range(size)]
    for n, (key, source) in enumerate(zip(questions, sources, strict=True)):
        response_services.save_response(lead, assessment, key, expected_version=0, narrative=f"Answer {n}.")
        response = Response.objects.get(assessment=assessment, question=key)
        evidence_services.cite(lead, assessment, response=response, source=source, pinpoint=f"p. {n}")
    return assessment


def queries(client, assessment) -> int:
    url = reverse("responses:subsection", args=[assessment.pk, SUBSECTION])
    client.get(url)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_question_page_query_count_does_not_grow_with_questions_or_sources(client, catalog, lead):
    small, large = build(lead, 3), build(lead, 30)
    client.force_login(lead)
    html = client.get(reverse("responses:subsection", args=[large.pk, SUBSECTION])).content.decode()
    assert html.count("<option value=\"Demoland report") == 30  # every source, once for the whole page
    assert html.count("class=\"citation ") == 30
    assert queries(client, small) == queries(client, large)
