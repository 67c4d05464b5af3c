"""A small fictional assessment with material at every classification, each piece carrying a marker string
that says where it came from and how it is classified, so a test can prove what reaches which version."""

import pytest

from soma.assessments import services
from soma.evidence import services as evidence_services
from soma.findings import services as finding_services
from soma.reports import services as report_services
from soma.responses import services as response_services
from tests.fixtures import make_team

PASSWORD = "Demoland-Report-2026"
LEVELS = ("public", "restricted", "confidential")
# Names of people are restricted whatever the record holding them says; they carry this marker.
NAMES = "NAMEMARK"


def marker(level: str, where: str) -> str:
    return f"{level.upper()}MARK-{where}"


@pytest.fixture
def team(db):
    return make_team(suffix="report.demo", password=PASSWORD)


@pytest.fixture
def planted(catalog, team):
    """The assessment, with a marker of each level in every kind of content a report holds."""
    lead = team["lead"]
    a = services.create_assessment(
        lead, title="Demoland report check", jurisdictions=["XD"], scope=["I.A", "V.C"],
        purpose="Measure the response in the Republic of Demoland.",
        advisory_group=f"{NAMES}-advisory Ms Ada Example, Director of the Demoland Police",
    ).assessment
    services.add_member(lead, a, team["assessor"], "assessor", "restricted")
    services.add_member(lead, a, team["reviewer"], "reviewer", "confidential")
    services.add_member(lead, a, team["observer"], "observer", "public")
    mission = services.save_mission(lead, a, title="Mission to Port Azur", places="Port Azur")
    services.save_mission(lead, a, mission, title=mission.title, notes=f"{NAMES}-mission met Mr Bo Sample")
    institution = services.save_institution(
        lead, a, name="Demoland Prosecution Service", category="prosecution",
        contact_point=f"{NAMES}-contact Mr Cy Placeholder, +000 0000", clearance_notes=f"{NAMES}-clearance pass 12",
    )
    questions = ["guide:I.A:q01", "guide:I.A:q02", "guide:V.C:q01"]
    for level, question in zip(LEVELS, questions, strict=True):
        source = evidence_services.save_source(
            lead, a, title=marker(level, "source"), kind="official_report", classification=level,
        )
        activity = services.save_activity(
            lead, a, kind="interview", title=marker(level, "activity"), classification=level,
            institutions=[institution], participants=f"{NAMES}-participants-{level} Ms Di Fictive",
        )
        response = response_services.save_response(
            lead, a, question, expected_version=0, narrative=marker(level, "answer"), de_jure="partly",
            de_facto="not_in_place", classification=level,
        )
        evidence_services.cite(lead, a, response=response, source=source, pinpoint=marker(level, "pinpoint"))
        evidence_services.cite(lead, a, response=response, activity=activity)
        finding = finding_services.save_finding(
            lead, a, kind="gap", title=marker(level, "finding"), text=marker(level, "finding-text"),
            subsection="guide:V.C", classification=level, responses=[response],
        )
        conclusion = finding_services.save_conclusion(
            lead, a, text=marker(level, "conclusion"), basis=marker(level, "basis"), tentative=level == "public",
            classification=level, findings=[finding],
        )
        finding_services.save_recommendation(
            lead, a, text=marker(level, "recommendation"), area="guide:V.C", priority="short",
            timeline=marker(level, "timeline"), classification=level, conclusions=[conclusion],
            institutions=[institution],
        )
        report_services.save_chapter(
            lead, a, ["background", "key_issues", "reform_factors"][LEVELS.index(level)],
            text=marker(level, "chapter"), classification=level, expected_version=None,
        )
    return a


def markers_of(level: str) -> list[str]:
    where = ["source", "activity", "answer", "pinpoint", "finding", "finding-text", "conclusion", "basis",
             "recommendation", "timeline", "chapter"]
    return [marker(level, w) for w in where]
