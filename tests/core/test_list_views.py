"""Every list of an assessment can be filtered, sorted, searched and paged, and remembers the choice
(soma/core/list_views.py): activities, stakeholders, sources, conclusions and recommendations."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soma.assessments import services
from soma.assessments.models import Activity

# lead, team and assessment: the usual ones of tests/conftest.py.


def client_for(client, user):
    client.force_login(user)
    return client


def url(name, assessment):
    return reverse(name, args=[assessment.pk])


def titles_in(page: str, candidates) -> list[str]:
    """The candidate titles the page shows, in the page's order."""
    found = [(page.index(title), title) for title in candidates if title in page]
    return [title for _, title in sorted(found)]


def activity(assessment, lead, title, *, kind="interview", date=None, classification="restricted", **fields):
    return services.save_activity(lead, assessment, kind=kind, title=title, date=date,
                                  classification=classification, **fields)


@pytest.fixture
def activities(assessment, team):
    lead = team["lead"]
    return [
        activity(assessment, lead, "Interview at the Port Demo harbour office", date=datetime.date(2026, 5, 5)),
        activity(assessment, lead, "Site visit to the Northgate crossing", kind="site_visit",
                 date=datetime.date(2026, 6, 1), notes="Smuggling routes along the river."),
        activity(assessment, lead, "Focus group with Demoland shelters", kind="focus_group",
                 date=datetime.date(2099, 1, 10)),
        activity(assessment, lead, "Confidential meeting with the border chief", date=datetime.date(2026, 5, 6),
                 classification="confidential"),
    ]


TITLES = ["Interview at the Port Demo harbour office", "Site visit to the Northgate crossing",
          "Focus group with Demoland shelters", "Confidential meeting with the border chief"]


# --- Activities -----------------------------------------------------------------------------------------------------


def test_activities_filtered_by_kind_text_status_and_dates(client, assessment, team, activities):
    c = client_for(client, team["lead"])
    list_url = url("assessments:activities", assessment)
    page = c.get(list_url, {"kind": "site_visit"}).content.decode()
    assert titles_in(page, TITLES) == ["Site visit to the Northgate crossing"]
    page = c.get(list_url, {"q": "smuggling routes"}).content.decode()  # the notes are searched too
    assert titles_in(page, TITLES) == ["Site visit to the Northgate crossing"]
    page = c.get(list_url, {"status": "planned"}).content.decode()
    assert titles_in(page, TITLES) == ["Focus group with Demoland shelters"]
    page = c.get(list_url, {"start": "2026-05-06", "end": "2026-06-30"}).content.decode()
    assert titles_in(page, TITLES) == ["Confidential meeting with the border chief",
                                       "Site visit to the Northgate crossing"]


def test_activities_sorted_by_a_whitelisted_choice(client, assessment, team, activities):
    c = client_for(client, team["lead"])
    list_url = url("assessments:activities", assessment)
    page = c.get(list_url, {"sort": "-date"}).content.decode()
    assert titles_in(page, TITLES) == ["Focus group with Demoland shelters", "Site visit to the Northgate crossing",
                                       "Confidential meeting with the border chief",
                                       "Interview at the Port Demo harbour office"]
    page = c.get(list_url, {"sort": "title"}).content.decode()
    assert titles_in(page, TITLES) == sorted(TITLES)


def test_activities_choice_remembered_until_cleared(client, assessment, team, activities):
    c = client_for(client, team["lead"])
    list_url = url("assessments:activities", assessment)
    c.get(list_url, {"kind": "site_visit", "sort": "title"})
    response = c.get(list_url)  # no query: back to the remembered choice, as a shareable URL
    assert response.status_code == 302 and "kind=site_visit" in response.url and "sort=title" in response.url
    page = c.get(response.url).content.decode()
    assert titles_in(page, TITLES) == ["Site visit to the Northgate crossing"] and "Clear filters" in page
    # Remembered per assessment and list: the stakeholders list is not narrowed.
    assert c.get(url("assessments:institutions", assessment)).status_code == 200
    response = c.get(list_url, {"clear": ""})
    assert response.status_code == 302 and response.url == list_url
    page = c.get(list_url).content.decode()
    assert len(titles_in(page, TITLES)) == 4 and "Clear filters" not in page


def test_activities_choice_is_per_user(client, assessment, team, activities):
    client_for(client, team["lead"]).get(url("assessments:activities", assessment), {"kind": "site_visit"})
    client.logout()
    assert client_for(client, team["assessor"]).get(url("assessments:activities", assessment)).status_code == 200


@pytest.mark.parametrize("query", [
    {"kind": "<script>alert(1)</script>"}, {"start": "2026-13-45"}, {"sort": "participants"},
    {"page": "last'--"}, {"status": "cancelled"}, {"start": "2026-06-01", "end": "2026-05-01"},
    {"q": "x" * 500},
])
def test_activities_bad_values_narrow_nothing_with_a_note(client, assessment, team, activities, query):
    c = client_for(client, team["lead"])
    list_url = url("assessments:activities", assessment)
    response = c.get(list_url, query)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="notice list-notes"' in page and "<script>alert(1)</script>" not in page
    assert len(titles_in(page, TITLES)) >= 2  # a bad value left out, not applied (a good start date still is)
    # Never remembered: the next plain visit is the plain list.
    assert c.get(list_url).status_code == 200


def test_a_filter_cannot_reveal_a_restricted_activity_or_the_names_met(client, assessment, team, activities):
    activity(assessment, team["lead"], "Public workshop in Port Demo", classification="public",
             participants="Officer Q. Example")
    observer = client_for(client, team["observer"])  # cleared for public material only
    list_url = url("assessments:activities", assessment)
    for query in [{"q": "Confidential"}, {"q": "border chief"}, {"start": "2026-05-06", "end": "2026-05-06"}]:
        assert "Confidential meeting with the border chief" not in observer.get(list_url, query).content.decode()
    # The individuals met are not searched: a name finds nothing for anyone.
    page = observer.get(list_url, {"q": "Q. Example"}).content.decode()
    assert "Public workshop in Port Demo" not in page and "No activity matches the filter." in page


def test_activities_paged_with_constant_queries(client, assessment, team):
    c = client_for(client, team["lead"])
    list_url = url("assessments:activities", assessment)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(list_url, {"sort": "title"}).status_code == 200
        return len(queries)

    for number in range(3):
        activity(assessment, team["lead"], f"Interview number {number:03}")
    few = count()
    for number in range(3, 60):
        activity(assessment, team["lead"], f"Interview number {number:03}")
    assert count() == few
    page = c.get(list_url, {"sort": "title", "page": "2"}).content.decode()
    assert "Interview number 050" in page and "Interview number 049" not in page
    assert "Showing 51-60 of 60" in page
    assert Activity.objects.filter(assessment=assessment).count() == 60


# --- Stakeholders ---------------------------------------------------------------------------------------------------

STAKEHOLDERS = ["Demoland Border Police", "Port Demo Shelter Network", "Demoland Prosecution Service"]


@pytest.fixture
def stakeholders(assessment, team):
    lead = team["lead"]
    return [
        services.save_institution(lead, assessment, name="Demoland Border Police", category="border",
                                  contact_point="Chief Inspector R. Example"),
        services.save_institution(lead, assessment, name="Port Demo Shelter Network", category="ngo",
                                  notes="Runs three shelters."),
        services.save_institution(lead, assessment, name="Demoland Prosecution Service", category="prosecution"),
    ]


def test_stakeholders_filtered_sorted_and_remembered(client, assessment, team, stakeholders):
    c = client_for(client, team["assessor"])
    list_url = url("assessments:institutions", assessment)
    page = c.get(list_url, {"category": "ngo"}).content.decode()
    assert titles_in(page, STAKEHOLDERS) == ["Port Demo Shelter Network"]
    page = c.get(list_url, {"q": "three shelters"}).content.decode()
    assert titles_in(page, STAKEHOLDERS) == ["Port Demo Shelter Network"]
    page = c.get(list_url, {"sort": "category"}).content.decode()  # border, ngo, prosecution
    assert titles_in(page, STAKEHOLDERS) == STAKEHOLDERS
    response = c.get(list_url)
    assert response.status_code == 302 and "sort=category" in response.url
    page = c.get(list_url, {"category": "nothing-of-the-kind"}).content.decode()
    assert "This filter was left out." in page and len(titles_in(page, STAKEHOLDERS)) == 3


def test_a_contact_point_is_not_searched(client, assessment, team, stakeholders):
    observer = client_for(client, team["observer"])  # may not see names
    page = observer.get(url("assessments:institutions", assessment), {"q": "R. Example"}).content.decode()
    assert "Demoland Border Police" not in page and "No stakeholder matches the filter." in page


def test_stakeholders_queries_constant(client, assessment, team):
    c = client_for(client, team["lead"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url("assessments:institutions", assessment), {"q": "Demoland"}).status_code == 200
        return len(queries)

    for number in range(2):
        services.save_institution(team["lead"], assessment, name=f"Demoland office {number:03}", category="police")
    few = count()
    for number in range(2, 70):
        services.save_institution(team["lead"], assessment, name=f"Demoland office {number:03}", category="police")
    assert count() == few


# --- Sources ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def sources(assessment, team):
    from soma.evidence.models import Source

    rows = [("Demoland Penal Code", "legislation", "A", datetime.date(2019, 1, 1), "public"),
            ("Port Demo migration statistics", "statistics", "B", datetime.date(2024, 3, 1), "public"),
            ("Ombudsman annual report", "other", "C", datetime.date(2022, 6, 1), "public"),
            ("Confidential border police memo", "other", "A", datetime.date(2025, 1, 1), "confidential")]
    return Source.objects.bulk_create(
        Source(assessment=assessment, title=title, kind=kind, reliability=grade, date=date,
               classification=classification, added_by=team["lead"])
        for title, kind, grade, date, classification in rows)


SOURCE_TITLES = ["Demoland Penal Code", "Port Demo migration statistics", "Ombudsman annual report",
                 "Confidential border police memo"]


def test_sources_sorted_and_the_choice_remembered(client, assessment, team, sources):
    c = client_for(client, team["lead"])
    list_url = url("evidence:list", assessment)
    page = c.get(list_url, {"sort": "-date"}).content.decode()
    assert titles_in(page, SOURCE_TITLES) == ["Confidential border police memo", "Port Demo migration statistics",
                                              "Ombudsman annual report", "Demoland Penal Code"]
    c.get(list_url, {"reliability": "A", "sort": "-date"})
    response = c.get(list_url)
    assert response.status_code == 302 and "reliability=A" in response.url
    page = c.get(response.url).content.decode()
    assert titles_in(page, SOURCE_TITLES) == ["Confidential border police memo", "Demoland Penal Code"]
    assert "Clear filters" in page
    c.get(list_url, {"clear": ""})
    page = c.get(list_url).content.decode()
    assert titles_in(page, SOURCE_TITLES) == sorted(SOURCE_TITLES)


def test_a_source_filter_cannot_reveal_a_restricted_source(client, assessment, team, sources):
    observer = client_for(client, team["observer"])
    list_url = url("evidence:list", assessment)
    for query in [{"q": "Confidential"}, {"reliability": "A"}, {"kind": "other", "sort": "-date"}]:
        assert "Confidential border police memo" not in observer.get(list_url, query).content.decode()


@pytest.mark.parametrize("query", [{"sort": "classification"}, {"kind": "'; drop table"}, {"page": "-1x"}])
def test_source_bad_values_noted(client, assessment, team, sources, query):
    response = client_for(client, team["lead"]).get(url("evidence:list", assessment), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="notice list-notes"' in page and len(titles_in(page, SOURCE_TITLES)) == 4


def test_a_page_only_link_keeps_the_remembered_choice(client, assessment, team, sources):
    c = client_for(client, team["lead"])
    list_url = url("evidence:list", assessment)
    c.get(list_url, {"kind": "statistics"})
    assert len(titles_in(c.get(list_url, {"page": "1"}).content.decode(), SOURCE_TITLES)) == 4  # as the link says
    assert "kind=statistics" in c.get(list_url).url  # still remembered


# --- Conclusions and recommendations ----------------------------------------------------------------------------------


def test_conclusions_searched_sorted_and_never_above_clearance(client, assessment, team):
    from soma.findings.models import Conclusion

    Conclusion.objects.create(assessment=assessment, text="Smuggling by sea is rising.", basis="Harbour logs.")
    Conclusion.objects.create(assessment=assessment, text="Border checks are thin.", tentative=True)
    Conclusion.objects.create(assessment=assessment, text="Confidential: an informant network at sea.",
                              classification="confidential")
    every = ["Smuggling by sea is rising.", "Border checks are thin.", "Confidential: an informant network at sea."]
    c = client_for(client, team["lead"])
    list_url = url("findings:conclusions", assessment)
    assert titles_in(c.get(list_url, {"q": "harbour logs"}).content.decode(), every) == [every[0]]
    assert titles_in(c.get(list_url, {"sort": "-added"}).content.decode(), every) == every[::-1]
    assert titles_in(c.get(list_url, {"sort": "tentative", "q": ""}).content.decode(), every)[0] == every[1]
    assert "sort=tentative" in c.get(list_url).url
    observer = client_for(client, team["observer"])
    page = observer.get(list_url, {"q": "sea"}).content.decode()
    assert titles_in(page, every) == [every[0]]


def test_recommendations_filtered_remembered_and_paged(client, assessment, team):
    from soma.findings.models import Recommendation

    police = services.save_institution(team["lead"], assessment, name="Demoland Police", category="police")
    make = Recommendation.objects.create
    first = make(assessment=assessment, text="Train the Port Demo prosecutors.", area="guide:V.C",
                 priority="immediate", status="agreed")
    first.institutions.add(police)
    make(assessment=assessment, text="Draft a smuggling law.", area="guide:I", priority="long", timeline="2028")
    make(assessment=assessment, text="Confidential: vet the border unit.", area="guide:V.C", priority="immediate",
         classification="confidential")
    every = ["Train the Port Demo prosecutors.", "Draft a smuggling law.", "Confidential: vet the border unit."]
    c = client_for(client, team["lead"])
    list_url = url("findings:recommendations", assessment)
    assert titles_in(c.get(list_url, {"priority": "long"}).content.decode(), every) == [every[1]]
    assert titles_in(c.get(list_url, {"status": "agreed"}).content.decode(), every) == [every[0]]
    assert titles_in(c.get(list_url, {"addressee": str(police.pk)}).content.decode(), every) == [every[0]]
    assert titles_in(c.get(list_url, {"q": "2028"}).content.decode(), every) == [every[1]]
    response = c.get(list_url)
    assert response.status_code == 302 and "q=2028" in response.url
    page = c.get(list_url, {"addressee": "999999"}).content.decode()  # not a stakeholder of this assessment
    assert "This filter was left out." in page and len(titles_in(page, every)) == 3
    observer = client_for(client, team["observer"])
    for query in [{"q": "vet"}, {"priority": "immediate"}, {"sort": "-added"}]:
        assert every[2] not in observer.get(list_url, query).content.decode()


def test_recommendations_queries_constant(client, assessment, team):
    from soma.findings.models import Recommendation

    police = services.save_institution(team["lead"], assessment, name="Demoland Police", category="police")
    c = client_for(client, team["lead"])

    def add(count: int) -> None:
        for number in range(count):
            made = Recommendation.objects.create(assessment=assessment, text=f"Step {number}", area="guide:V.C",
                                                 priority="short", status="proposed")
            made.institutions.add(police)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert c.get(url("findings:recommendations", assessment), {"sort": "status"}).status_code == 200
        return len(captured)

    add(2)
    few = queries()
    add(80)
    assert queries() == few
    page = c.get(url("findings:recommendations", assessment), {"sort": "status", "page": "2"}).content.decode()
    assert "Showing 51-82 of 82" in page


# --- Findings ---------------------------------------------------------------------------------------------------------


def test_findings_filtered_by_subsection_provision_kind_and_text(client, assessment, team):
    from soma.findings.models import Finding

    make = Finding.objects.create
    make(assessment=assessment, kind="gap", title="No smuggling offence in the Penal Code", subsection="guide:I.A",
         provisions=["protocol:art6.1"])
    make(assessment=assessment, kind="good_practice", title="Joint boarding teams at Port Demo",
         subsection="guide:V.C", text="Coast guard and police board together.")
    make(assessment=assessment, kind="gap", title="Confidential: an informant is paid in cash",
         subsection="guide:V.C", provisions=["protocol:art6.1"], classification="confidential")
    every = ["No smuggling offence in the Penal Code", "Joint boarding teams at Port Demo",
             "Confidential: an informant is paid in cash"]
    c = client_for(client, team["lead"])
    list_url = url("findings:findings", assessment)
    # Within a subsection, by kind in the guide's order (gaps first).
    assert titles_in(c.get(list_url, {"subsection": "guide:V.C"}).content.decode(), every) == [every[2], every[1]]
    assert titles_in(c.get(list_url, {"provision": "protocol:art6.1"}).content.decode(), every) == [every[0],
                                                                                                    every[2]]
    assert titles_in(c.get(list_url, {"kind": "good_practice"}).content.decode(), every) == [every[1]]
    assert titles_in(c.get(list_url, {"q": "coast guard"}).content.decode(), every) == [every[1]]
    assert "q=coast+guard" in c.get(list_url).url
    page = c.get(list_url, {"subsection": "guide:XIII.Z"}).content.decode()
    assert "This filter was left out." in page and len(titles_in(page, every)) == 3
    observer = client_for(client, team["observer"])
    for query in [{"provision": "protocol:art6.1"}, {"q": "informant"}, {"subsection": "guide:V.C"}]:
        assert every[2] not in observer.get(list_url, query).content.decode()


def test_findings_queries_constant(client, assessment, team):
    from soma.findings.models import Finding

    c = client_for(client, team["lead"])

    def add(start: int, end: int) -> None:
        Finding.objects.bulk_create(
            Finding(assessment=assessment, kind="gap", title=f"Gap {n:03}", subsection="guide:V.C",
                    provisions=["protocol:art6.1"]) for n in range(start, end))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert c.get(url("findings:findings", assessment), {"provision": "protocol:art6.1"}).status_code == 200
        return len(captured)

    add(0, 3)
    few = queries()
    add(3, 70)
    assert queries() == few
    assert "Showing 51-70 of 70" in c.get(url("findings:findings", assessment),
                                          {"provision": "protocol:art6.1", "page": "2"}).content.decode()


# --- Hostile query strings --------------------------------------------------------------------------------------------

LISTS = {
    "assessments:activities": ["q", "kind", "status", "start", "end"],
    "assessments:institutions": ["q", "category"],
    "evidence:list": ["q", "kind", "reliability"],
    "findings:findings": ["q", "subsection", "provision", "kind"],
    "findings:conclusions": ["q"],
    "findings:recommendations": ["q", "priority", "status", "addressee"],
}


@pytest.mark.parametrize("name", LISTS)
def test_any_query_string_is_answered_without_a_server_error(client, assessment, team, activities, name):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    c = client_for(client, team["observer"])
    keys = st.sampled_from([*LISTS[name], "sort", "page", "clear"])
    odd = ["", "0", "-1", "9" * 30, "2026-02-30", "-date", "a\x00b"]
    values = st.one_of(st.text(max_size=40), st.sampled_from(odd))

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(query=st.dictionaries(keys, values, max_size=5))
    def visit(query):
        response = c.get(url(name, assessment), query)
        assert response.status_code in (200, 302), (query, response.status_code)
        assert "Confidential meeting with the border chief" not in response.content.decode()

    visit()
