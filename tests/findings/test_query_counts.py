"""Pages and API calls of an assessment make as many SQL queries with 30 rows as with 3: no query per finding,
source, answer or recommendation. Reading or saving one answer does not build the whole scope."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soma.assessments import selectors as assessment_selectors
from soma.assessments import services
from soma.evidence import services as evidence_services
from soma.findings import services as finding_services
from soma.kernel.clearance import seen_by
from soma.responses import services as response_services
from tests.fixtures import make_team

SCOPE = ["I", "II", "V.C"]
ANSWER = "guide:V.C:q01"
LEVELS = ["public", "restricted", "confidential"]


@pytest.fixture
def team(db):
    return make_team(("lead", "assessor"))


@pytest.fixture
def assessment(catalog, team):
    a = services.create_assessment(team["lead"], title="Republic of Demoland, query counts", jurisdictions=["XD"],
                                   scope=SCOPE).assessment
    services.add_member(team["lead"], a, team["assessor"], "assessor", "restricted")
    services.add_national_question(team["lead"], a, subsection="guide:V.C", text="Does Demoland train judges?")
    return a


def grow(user, assessment, n: int) -> None:
    """Bring the assessment to n answers, sources, findings, conclusions and recommendations (each linked and
    cited, at mixed classifications, some above the assessor's clearance)."""
    keys = sorted(k for k in assessment_selectors.question_keys(seen_by(user, assessment)) if k != ANSWER)
    institution = services.save_institution(user, assessment, name="Demoland Border Police", category="police")
    have = assessment.findings.count()
    for k in range(have, n):
        level = LEVELS[k % 3]
        answer = response_services.save_response(user, assessment, keys[k], expected_version=0,
                                                 narrative=f"Demoland answer {k}.", de_jure="partly",
                                                 classification=level)
        source = evidence_services.save_source(user, assessment, title=f"Demoland report {k}", kind="legislation",
                                               classification=LEVELS[(k + 1) % 3])
        evidence_services.cite(user, assessment, response=answer, source=source, pinpoint=f"p. {k}")
        finding = finding_services.save_finding(user, assessment, kind="gap", title=f"Demoland gap {k}",
                                                subsection=keys[k].rsplit(":", 1)[0], responses=[answer],
                                                provisions=["protocol:art6.1", "protocol:art3"],
                                                classification=level)
        evidence_services.cite(user, assessment, finding=finding, source=source, pinpoint="p. 1")
        conclusion = finding_services.save_conclusion(user, assessment, text=f"Demoland conclusion {k}",
                                                      findings=[finding], classification=level)
        finding_services.save_recommendation(user, assessment, text=f"Train Demoland prosecutors ({k}).",
                                             area="guide:section:V", priority="short", rank=k + 1,
                                             institutions=[institution], conclusions=[conclusion],
                                             toolkit=["toolkit:7.11"], classification=level)
    assert assessment.findings.count() == n


def queries(client, method: str, url: str, **kwargs) -> int:
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    return len(captured.captured_queries)


PAGES = [
    ("findings:overview", []),
    ("findings:findings", []),
    ("findings:conclusions", []),
    ("findings:recommendations", []),
    ("evidence:list", []),
    ("responses:index", []),
    ("responses:subsection", ["guide:V.C"]),
    ("api-assessment-findings", []),
    ("api-assessment-recommendations", []),
    ("api-assessment-sources", []),
    ("api-assessment-questions", []),
    ("api-assessment-response", [ANSWER]),
]


@pytest.mark.slow
@pytest.mark.parametrize("who", ["lead", "assessor"])
def test_list_pages_and_api_lists_make_the_same_queries_for_3_and_30_rows(client, assessment, team, who):
    client.force_login(team[who])
    counts = {}
    for n in (3, 30):
        grow(team["lead"], assessment, n)
        counts[n] = {name: queries(client, "get", reverse(name, args=[assessment.pk, *args]))
                     for name, args in PAGES}
    grown = {name: (counts[3][name], counts[30][name]) for name, _args in PAGES if counts[3][name] != counts[30][name]}
    assert grown == {}, f"queries that grow with the rows (3 rows, 30 rows): {grown}"


def _api_save(client, assessment, version: int, text: str) -> tuple[int, dict]:
    url = reverse("api-assessment-response", args=[assessment.pk, ANSWER])
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.put(url, data=json.dumps({"version": version, "narrative": text}),
                              content_type="application/json")
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()


def _page_save(client, assessment, version: int, text: str) -> int:
    url = reverse("responses:save", args=[assessment.pk, ANSWER])
    data = {"expected_version": version, "narrative": text, "de_jure": "partly", "de_facto": "unknown",
            "classification": "public"}
    return queries(client, "post", url, data=data, headers={"HX-Request": "true"})


@pytest.mark.slow
def test_saving_one_answer_makes_the_same_queries_for_3_and_30_answers(client, assessment, team):
    client.force_login(team["assessor"])
    api, page = {}, {}
    version = _api_save(client, assessment, 0, "First answer.")[1]["version"]  # then each save is an update
    for n in (3, 30):
        grow(team["lead"], assessment, n)
        api[n], body = _api_save(client, assessment, version, f"Ratified by Demoland ({n}).")
        page[n] = _page_save(client, assessment, body["version"], f"Ratified by Demoland, page ({n}).")
        version = body["version"] + 1
    assert api[3] == api[30] and page[3] == page[30], (api, page)
    assert api[30] <= 20, api  # the assessment, its membership and the question's scope checked once each


def test_answer_api_fetches_the_assessment_and_the_membership_once(client, assessment, team):
    """The assessment and the reader's membership are read once per request (one query for both), and the scope
    is not built: the national questions are not listed to check that one question belongs to the assessment."""
    client.force_login(team["assessor"])
    url = reverse("api-assessment-response", args=[assessment.pk, ANSWER])
    for method, kwargs in [("get", {}), ("put", {"data": json.dumps({"version": 0, "narrative": "Yes."}),
                                                  "content_type": "application/json"})]:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 200, response.content
        sql = [q["sql"] for q in captured.captured_queries]
        assert sum('"assessments_assessment"' in q for q in sql) == 1, (method, sql)
        # (the two-factor middleware's query names the table too, aliased, to ask whether the user leads any)
        assert sum('"assessments_membership"."assessment_id"' in q for q in sql) == 1, (method, sql)
        assert not any('"assessments_nationalquestion"' in q for q in sql), (method, sql)


def test_question_in_scope_agrees_with_the_scope(assessment, team, catalog):
    """The direct check answers exactly as the full scope does, for every question of the guide, national
    questions in and out of scope, and keys that are not questions."""
    lead = team["lead"]
    services.add_national_question(lead, assessment, subsection="guide:V.C", text="Second Demoland question?")
    in_scope = assessment_selectors.questions_in_scope(seen_by(lead, assessment))
    scope = {q.key: q for sub in in_scope for q in sub.questions}
    keys = [item.key for item in catalog.all("question")]
    keys += ["guide:V.C:n01", "guide:V.C:n02", "guide:V.C:n03", "guide:V.C:n1", "guide:V.A:n01", "guide:V.C",
             "guide:section:V", "guide", "protocol:art6.1", "nonsense", "", "guide:V.C:n99999999999"]
    assert any(key in scope for key in keys) and any(key not in scope for key in keys)
    for key in keys:
        assert assessment_selectors.question_in_scope(seen_by(lead, assessment), key) == scope.get(key), key
