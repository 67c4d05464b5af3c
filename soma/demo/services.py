"""A fictional demonstration data set: the Republic of Demoland (jurisdiction code XD).

Everything here is invented: the country, its places (Velmora, Port Azur, Karst Gate, the Azure Sea), its
institutions and every person. The data is written through the services, so the history is recorded as if a
team had done the work: a 2019 baseline assessment (final), a 2026 follow-up started from it (in fieldwork),
and a joint maritime assessment being planned.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import QuerySet

from soma.assessments import services
from soma.assessments.models import Assessment, Institution
from soma.evidence import services as evidence_services
from soma.evidence.models import Source
from soma.findings import services as finding_services
from soma.findings.models import Response
from soma.followup import services as followup_services
from soma.responses import services as response_services

if TYPE_CHECKING:
    from django.contrib.auth.models import User

USERS = {
    "lead": ("lead.demo", "Lena", "Varo"),
    "assessor": ("assessor.demo", "Tomas", "Ilder"),
    "reviewer": ("reviewer.demo", "Rosa", "Kemble"),
    "observer": ("observer.demo", "Ari", "Ostrand"),
}
BASELINE_TITLE = "Republic of Demoland: criminal justice response to the smuggling of migrants (2019 baseline)"
FOLLOW_UP_TITLE = "Republic of Demoland: follow-up assessment 2026"
PLANNED_TITLE = "Demoland and Exampleland: joint assessment of maritime smuggling routes"
TITLES = (BASELINE_TITLE, FOLLOW_UP_TITLE, PLANNED_TITLE)
SCOPE = ["I", "V", "VI", "IX", "XI"]


class DemoExists(Exception):
    """The demo data set is already loaded."""


@dataclass
class DemoResult:
    password: str
    assessments: list[Assessment] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def demo_assessments() -> QuerySet[Assessment]:
    return Assessment.objects.filter(created_by__username=USERS["lead"][0], title__in=TITLES)


def exists() -> bool:
    return demo_assessments().exists()


@transaction.atomic
def remove() -> int:
    """Delete the demo assessments (their uploaded files too). The demo users stay."""
    count = 0
    for assessment in demo_assessments():
        for source in assessment.sources.exclude(file=""):
            name, storage = source.file.name, source.file.storage
            transaction.on_commit(partial(storage.delete, name))
        assessment.delete()
        count += 1
    return count


@transaction.atomic
def build(password: str | None = None, reset: bool = False) -> DemoResult:
    if exists():
        if not reset:
            raise DemoExists("The Demoland demo is already loaded. Run `soma demo --reset` to replace it.")
        remove()
    password = password or f"demo-{secrets.token_urlsafe(9)}"
    users = _users(password)
    baseline = _baseline(users)
    follow_up = _follow_up(users, baseline)
    planned = _planned(users)
    result = DemoResult(password=password, assessments=[follow_up, baseline, planned])
    result.counts = {
        "responses": follow_up.responses.count(),
        "sources": follow_up.sources.count(),
        "institutions": follow_up.institutions.count(),
        "activities": follow_up.activities.count(),
        "findings": follow_up.findings.count(),
        "conclusions": follow_up.conclusions.count(),
        "recommendations": follow_up.recommendations.count(),
    }
    return result


def _users(password: str) -> dict[str, User]:
    model = get_user_model()
    hashed = make_password(password)  # one slow hash for the four users who share the demo password
    users = {}
    for role, (username, first, last) in USERS.items():
        user, _created = model.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.is_active = first, last, True
        user.email = f"{username}@example.org"
        user.password = hashed
        user.save()
        users[role] = user
    return users


# --- Stakeholders --------------------------------------------------------------------------------------------------

INSTITUTIONS = [
    ("interior", "Demoland Ministry of Interior", "Directorate of Migration Policy, Velmora. Focal point: deputy "
     "director for migration (name in the restricted annex).", "Chairs the advisory group."),
    ("police", "Demoland National Police, Migrant Smuggling Unit", "Unit headquarters, Velmora; regional desk at "
     "Port Azur. Focal point: the unit's chief inspector.", "Created in 2020 by merging two border crime squads."),
    ("military", "Demoland Coast Guard", "Maritime Coordination Centre, Port Azur.",
     "Patrols the Azure Sea approaches; shares the coordination centre with the police."),
    ("prosecution", "Public Prosecution Service of Demoland", "Office of the Prosecutor General, Velmora; "
     "specialised organized crime section.", "Two prosecutors specialised in smuggling cases since 2023."),
    ("judiciary", "Velmora Court of Appeal", "Registry of the criminal chamber.",
     "Hears appeals in all smuggling cases; judgments are published anonymized."),
    ("border", "Demoland Border and Immigration Agency", "Karst Gate land crossing and Port Azur passenger "
     "terminal.", "Runs the document examination laboratory at Karst Gate."),
    ("intelligence", "Demoland Financial Intelligence Unit", "Analysis department, Velmora.",
     "Receives suspicious transaction reports from banks and money transfer operators."),
    ("justice", "Ministry of Justice, Department of International Cooperation", "Central authority for mutual "
     "legal assistance and extradition.", ""),
    ("coordination", "National Committee against Migrant Smuggling and Trafficking in Persons",
     "Secretariat in the Ministry of Interior.", "Adopted the 2023–2027 national action plan."),
    ("welfare", "Demoland Migrant Reception Service", "Reception centres at Port Azur and Lake Oren.",
     "Provides shelter, food and medical screening after disembarkation."),
    ("ngo", "Safe Shores Demoland", "Outreach office, Port Azur.",
     "Non-governmental organization offering legal aid and monitoring reception conditions."),
]


def _institutions(user: User, assessment: Assessment) -> dict[str, Institution]:
    made = {}
    for category, name, contact, notes in INSTITUTIONS:
        made[name] = services.save_institution(
            user, assessment, name=name, category=category, contact_point=contact, notes=notes
        )
    return made


# --- Sources ----------------------------------------------------------------------------------------------------------

# key: (title, kind, date, author, reliability, credibility, classification, notes)
BASELINE_SOURCES = {
    "penal_code": ("Penal Code of Demoland (as amended in 2017)", "legislation", date(2017, 6, 1),
                   "Parliament of Demoland", "A", "1", "public", "Articles 301–309 on migration offences."),
    "ratification": ("Law No. 12/2004 ratifying the Convention against Transnational Organized Crime and its "
                     "Protocols", "legislation", date(2004, 11, 3), "Parliament of Demoland", "A", "1", "public", ""),
    "aliens_act": ("Aliens and Border Act 2011", "legislation", date(2011, 3, 15), "Parliament of Demoland",
                   "A", "1", "public", "Illegal entry and stay; carrier obligations."),
    "police_stats_2018": ("National Police crime statistics 2018", "statistics", date(2019, 3, 1),
                          "Demoland National Police", "B", "2", "public", "Counts of recorded smuggling offences."),
    "ngo_2018": ("Crossings at Risk: migrants' journeys through Demoland", "ngo_report", date(2018, 10, 12),
                 "Safe Shores Demoland", "C", "3", "public", "Based on 140 interviews with migrants."),
    "media_2018": ("“Smugglers' boats seized off Port Azur”", "media", date(2018, 8, 21), "Demoland Times",
                   "C", "3", "public", ""),
    "regional_2019": ("Maritime migration in the Azure Sea: regional overview 2019", "international_report",
                      date(2019, 5, 30), "Azure Sea Regional Cooperation Council", "B", "2", "public", ""),
    "coast_guard_sop": ("Coast Guard standing orders on interceptions at sea (2016)", "policy", date(2016, 2, 1),
                        "Demoland Coast Guard", "B", "2", "restricted", "Shared with the team for this assessment."),
}

NEW_SOURCES = {
    "amendment_2022": ("Penal Code Amendment Act 2022 (Law No. 7/2022)", "legislation", date(2022, 7, 14),
                       "Parliament of Demoland", "A", "1", "public",
                       "New articles 305a (aggravating circumstances) and 305b (liability of legal persons)."),
    "action_plan": ("National Action Plan against Migrant Smuggling 2023–2027", "policy", date(2023, 1, 20),
                    "National Committee against Migrant Smuggling and Trafficking in Persons", "A", "2", "public", ""),
    "mla_act": ("Mutual Legal Assistance in Criminal Matters Act 2020", "legislation", date(2020, 9, 1),
                "Parliament of Demoland", "A", "1", "public", ""),
    "prosecution_stats": ("Public Prosecution Service case statistics 2021–2025", "statistics", date(2026, 1, 31),
                          "Public Prosecution Service of Demoland", "A", "2", "public",
                          "Counts below 5 are suppressed in the published tables."),
    "judgment_2024": ("State v. K. and others, Velmora Court of Appeal, 2024 (anonymized)", "case_law",
                      date(2024, 4, 18), "Velmora Court of Appeal", "A", "1", "public",
                      "First conviction under the aggravating circumstance of article 305a."),
    "police_sop": ("Migrant Smuggling Unit standard operating procedures (2023)", "policy", date(2023, 5, 2),
                   "Demoland National Police, Migrant Smuggling Unit", "B", "2", "restricted", ""),
    "intel_summary": ("Intelligence summary: facilitation networks operating through Port Azur (2025)", "other",
                      date(2025, 11, 5), "Demoland National Police, Migrant Smuggling Unit", "B", "3", "restricted",
                      "Strategic summary; no names of persons."),
    "threat_assessment": ("Threat assessment: document fraud at the Karst Gate crossing", "other", date(2025, 9, 1),
                          "Demoland Border and Immigration Agency", "B", "2", "confidential",
                          "Classified by the agency; not to be quoted in public output."),
    "fiu_report": ("Financial Intelligence Unit annual report 2024", "official_report", date(2025, 3, 28),
                   "Demoland Financial Intelligence Unit", "B", "2", "public", ""),
    "ngo_2025": ("Reception conditions at Port Azur and Lake Oren: monitoring report 2025", "ngo_report",
                 date(2025, 12, 2), "Safe Shores Demoland", "C", "2", "public", ""),
    "university_2024": ("Fees, routes and risks: smuggling of migrants across the Azure Sea", "research",
                        date(2024, 10, 1), "University of Velmora, Institute of Criminology", "B", "3", "public", ""),
    "media_2025": ("“Coast Guard rescues 61 off the Isle of Semper”", "media", date(2025, 7, 9), "Velmora Herald",
                   "C", "3", "public", ""),
    "baseline_report": ("Assessment of the criminal justice response to the smuggling of migrants (2019)",
                        "previous_assessment", date(2019, 11, 15), "Demoland assessment team", "A", "2",
                        "restricted", "Restricted version of the baseline report."),
    "border_report": ("Border and Immigration Agency annual report 2025", "official_report", date(2026, 2, 10),
                      "Demoland Border and Immigration Agency", "B", "2", "public", ""),
    "reception_guidelines": ("Guidelines on vulnerable migrants after disembarkation (2021)", "policy",
                             date(2021, 6, 1), "Demoland Migrant Reception Service", "B", "2", "public", ""),
    "coast_guard_notes": ("Interview record: Coast Guard command, Port Azur", "interview_record", date(2026, 3, 11),
                          "Demoland assessment team", "B", "2", "restricted", "Typed notes of the interview."),
    "blog": ("“Migrants jailed for crossing”: post on an anonymous blog", "media", date(2025, 2, 3),
             "Unknown author", "E", "4", "public", "Unverified; kept because it conflicts with official data."),
}


def _sources(user: User, assessment: Assessment, table: dict[str, tuple], lead: User | None = None
             ) -> dict[str, Source]:
    """Add the sources; material above the user's clearance is added by the lead, as in a real team."""
    made = {}
    for key, (title, kind, when, author, reliability, credibility, level, notes) in table.items():
        adder = lead if lead is not None and level == "confidential" else user
        upload = None
        if key == "coast_guard_notes":
            upload = SimpleUploadedFile(
                "coast-guard-interview.txt",
                b"Interview with the Coast Guard command, Port Azur, 11 March 2026 (fictional demo record).\n"
                b"- Interceptions are logged in the maritime coordination centre's own register.\n"
                b"- Vessel data reaches the police unit by e-mail, usually within two days.\n",
                content_type="text/plain",
            )
        made[key] = evidence_services.save_source(
            adder, assessment, upload=upload, title=title, kind=kind, date=when, author=author,
            reliability=reliability, credibility=credibility, classification=level, notes=notes,
        )
    return made


# --- Baseline (2019, final) -------------------------------------------------------------------------------------------

BASELINE_ANSWERS = [
    ("guide:I.A:q01", "Demoland ratified the Convention by Law No. 12/2004.", "in_place", "in_place",
     [("ratification", "art. 1")]),
    ("guide:I.A:q04", "Demoland ratified the Protocol together with the Convention, by Law No. 12/2004.",
     "in_place", "in_place", [("ratification", "art. 2")]),
    ("guide:I.C:q01", "Article 303 of the Penal Code defines smuggling as facilitating the illegal entry of a "
     "foreigner; it does not require a financial or other material benefit.", "partly", "partly",
     [("penal_code", "art. 303")]),
    ("guide:I.D:q01", "Smuggling is an offence under article 303 of the Penal Code (up to five years).",
     "in_place", "partly", [("penal_code", "art. 303"), ("police_stats_2018", "table 4")]),
    ("guide:I.D:q09", "No aggravating circumstance for endangering the lives or safety of migrants.",
     "not_in_place", "not_in_place", [("penal_code", "arts. 303–304")]),
    ("guide:V.A:q01", "Most cases come to light through interceptions at sea and checks at Karst Gate; "
     "few through reports by the public.", "not_applicable", "partly", [("police_stats_2018", "p. 12")]),
    ("guide:V.C:q09", "Reports are recorded in paper registers at each police station; there is no central "
     "database.", "not_in_place", "not_in_place", []),
    ("guide:VI.C:q01", "The Coast Guard detects vessels; the police take over once migrants are disembarked.",
     "in_place", "in_place", [("coast_guard_sop", "order 4")]),
    ("guide:IX.C:q01", "There is no law on mutual legal assistance; requests rely on the Code of Criminal "
     "Procedure and on reciprocity.", "not_in_place", "partly", []),
    ("guide:XI.A:q01", "Urgent medical care is provided on disembarkation by the Red Crescent of Demoland "
     "volunteers; there is no state service.", "partly", "partly", [("ngo_2018", "p. 33")]),
]

BASELINE_RECOMMENDATIONS = [
    ("Amend article 303 of the Penal Code to add the financial or other material benefit element of the "
     "Protocol's definition.", "guide:I.C", "short", "done", ["Demoland Ministry of Interior"]),
    ("Create aggravating circumstances for endangering the lives or safety of smuggled migrants.", "guide:I.D",
     "short", "done", ["Demoland Ministry of Interior", "Public Prosecution Service of Demoland"]),
    ("Set up a central electronic case management system for smuggling investigations.", "guide:V.C", "medium",
     "in_progress", ["Demoland National Police, Migrant Smuggling Unit"]),
    ("Adopt a law on mutual legal assistance in criminal matters.", "guide:IX.C", "medium", "done",
     ["Ministry of Justice, Department of International Cooperation"]),
    ("Provide state-funded medical screening after every disembarkation.", "guide:XI.A", "immediate", "agreed",
     ["Demoland Migrant Reception Service"]),
]


def _baseline(users: dict[str, User]) -> Assessment:
    lead = users["lead"]
    assessment = services.create_assessment(
        lead,
        title=BASELINE_TITLE,
        jurisdictions=["XD"],
        scope=SCOPE,
        purpose="Establish a baseline of Demoland's criminal justice response to the smuggling of migrants and "
        "identify technical assistance needs.",
        terms_of_reference="Requested by the Ministry of Interior in 2018. Desk review February–April 2019; one "
        "mission to Velmora and Port Azur in May 2019; report to the advisory group in November 2019.",
        start_date=date(2019, 2, 1),
        end_date=date(2019, 11, 30),
        classification="restricted",
        dissemination="Restricted report to the advisory group; public summary published by the Ministry.",
        advisory_group="Ministry of Interior (chair); National Police; Coast Guard; Public Prosecution Service; "
        "Ministry of Justice.",
        missions=[{"title": "Mission to Velmora and Port Azur", "start_date": date(2019, 5, 13),
                   "end_date": date(2019, 5, 17), "places": "Velmora, Port Azur"}],
    ).assessment
    services.add_member(lead, assessment, users["assessor"], "assessor", "restricted")
    services.add_member(lead, assessment, users["reviewer"], "reviewer", "confidential")
    services.add_member(lead, assessment, users["observer"], "observer", "public")
    institutions = _institutions(lead, assessment)
    sources = _sources(lead, assessment, BASELINE_SOURCES)
    for question, narrative, de_jure, de_facto, cited in BASELINE_ANSWERS:
        response = response_services.save_response(
            users["assessor"], assessment, question, expected_version=0, narrative=narrative, de_jure=de_jure,
            de_facto=de_facto, classification="public",
        )
        for key, pinpoint in cited:
            evidence_services.cite(lead, assessment, response=response, source=sources[key], pinpoint=pinpoint)
        response_services.set_review_state(users["reviewer"], assessment, response, "reviewed")
    for rank, (text, area, priority, state, owners) in enumerate(BASELINE_RECOMMENDATIONS, start=1):
        recommendation = finding_services.save_recommendation(
            lead, assessment, text=text, area=area, priority=priority, rank=1, sequence=rank, status=state,
            institutions=[institutions[name] for name in owners], classification="public",
        )
        finding_services.set_review_state(users["reviewer"], assessment, recommendation, "reviewed")
    for status in ("desk_review", "fieldwork", "analysis", "reporting", "review"):
        services.change_status(lead, assessment, status)
    services.approve_final(users["reviewer"], assessment, "Report agreed with the advisory group.")
    services.change_status(lead, assessment, "final")
    return assessment


# --- Follow-up (2026, fieldwork) --------------------------------------------------------------------------------------

NATIONAL_QUESTION = (
    "guide:VI.C",
    "Does the Coast Guard record the position, condition and passengers of every intercepted vessel in a register "
    "that the Migrant Smuggling Unit can consult?",
)

ACTIVITIES = [
    # key, kind, title, date, mission index (None: desk review), institutions, questions, notes
    ("desk", "document_study", "Desk review of legislation, statistics and the 2019 baseline", date(2026, 1, 30),
     None, [], ["guide:I.A:q01", "guide:I.C:q01", "guide:I.D:q01"],
     "Laws and statistics collected with the help of the advisory group secretariat."),
    ("inception", "group_meeting", "Advisory group inception meeting, Velmora", date(2026, 2, 12), None,
     ["Demoland Ministry of Interior", "Public Prosecution Service of Demoland", "Demoland Coast Guard"], [],
     "Terms of reference agreed; one national question added on the Coast Guard's vessel register."),
    ("police", "interview", "National Police, Migrant Smuggling Unit", date(2026, 3, 9), 0,
     ["Demoland National Police, Migrant Smuggling Unit"],
     ["guide:V.A:q01", "guide:V.C:q09", "guide:V.J:q01"],
     "The unit has 34 investigators; eight trained in financial investigation."),
    ("prosecution", "interview", "Public Prosecution Service, organized crime section", date(2026, 3, 10),
     0, ["Public Prosecution Service of Demoland"], ["guide:I.D:q09", "guide:I.F:q01", "guide:IX.C:q09"],
     "Prosecutors describe the 2022 amendment as the main change since 2019."),
    ("coast_guard", "interview", "Coast Guard command, Port Azur", date(2026, 3, 11), 0,
     ["Demoland Coast Guard"], ["guide:VI.C:q01", "guide:VI.C:q04"], "See the interview record among the sources."),
    ("port_azur", "site_visit", "Port Azur harbour and maritime coordination centre", date(2026, 3, 11),
     0, ["Demoland Coast Guard", "Demoland National Police, Migrant Smuggling Unit",
         "Demoland Migrant Reception Service"], ["guide:VI.C:q04", "guide:XI.A:q01"],
     "Disembarkation area, screening tent and the joint coordination room visited."),
    ("ngo_focus", "focus_group", "Focus group with Safe Shores Demoland outreach workers", date(2026, 3, 12), 0,
     ["Safe Shores Demoland"], ["guide:XI.A:q01", "guide:XI.B:q07", "guide:I.F:q01"],
     "Six outreach workers; accounts of migrants being charged with illegal entry after disembarkation."),
    ("karst_gate", "site_visit", "Karst Gate border crossing and document laboratory", date(2026, 5, 5),
     1, ["Demoland Border and Immigration Agency"], ["guide:VI.A:q03", "guide:VI.A:q09"], ""),
    ("questionnaire", "questionnaire", "Questionnaire to regional prosecutors' offices", date(2026, 4, 15), None,
     ["Public Prosecution Service of Demoland"], ["guide:IX.C:q09", "guide:IX.C:q18"],
     "Sent to all five regional offices; four replied."),
]

# question, narrative, de jure, de facto, classification, citations [(source or "activity:key", pinpoint, stance)]
ANSWERS = [
    ("guide:I.A:q07", "Demoland made no reservation to the Convention or the Protocol.", "not_applicable",
     "not_applicable", "public", [("ratification", "whole law", "supports")]),
    ("guide:I.A:q09", "Demoland is party to the 1951 Refugee Convention and its 1967 Protocol and to the regional "
     "convention on the Azure Sea rescue region.", "in_place", "in_place", "public",
     [("regional_2019", "annex 2", "supports")]),
    ("guide:I.B:q01", "The Protocol is implemented by the Penal Code (articles 303–305b, as amended in 2022) and by "
     "the Aliens and Border Act 2011.", "in_place", "partly", "public",
     [("amendment_2022", "arts. 303–305b", "supports"), ("aliens_act", "part III", "supports")]),
    ("guide:I.B:q07", "The National Action Plan 2023–2027 covers smuggling of migrants with 42 measures; it has "
     "a budget line for the first two years only.", "in_place", "partly", "public",
     [("action_plan", "chapter 3", "supports"), ("activity:inception", "minutes", "supports")]),
    ("guide:I.C:q05", "Since 2022 the definition requires the intent to obtain a financial or other material "
     "benefit, as in the Protocol.", "in_place", "in_place", "public",
     [("amendment_2022", "art. 303(1)", "supports"), ("judgment_2024", "para. 41", "supports")]),
    ("guide:I.C:q08", "Illegal entry is crossing the border without the documents required by the Aliens and "
     "Border Act or outside an authorized crossing point.", "in_place", "in_place", "public",
     [("aliens_act", "s. 22", "supports")]),
    ("guide:I.D:q05", "Producing or providing a fraudulent travel document to enable smuggling is an offence "
     "(article 304); mere possession is not.", "partly", "partly", "public",
     [("amendment_2022", "art. 304", "supports")]),
    ("guide:I.D:q07", "Enabling illegal stay is an offence when done for a benefit (article 305).", "in_place",
     "partly", "public", [("amendment_2022", "art. 305", "supports")]),
    ("guide:I.D:q10", "Inhuman or degrading treatment of migrants is an aggravating circumstance under article "
     "305a(b); no case has used it yet.", "in_place", "not_in_place", "public",
     [("amendment_2022", "art. 305a(b)", "supports"), ("prosecution_stats", "table 2", "supports")]),
    ("guide:I.F:q02", "Migrants can be charged with illegal entry under section 22 of the Aliens and Border Act "
     "(fine or up to six months).", "in_place", "partly", "public", [("aliens_act", "s. 22", "supports")]),
    ("guide:V.A:q04", "The action plan announces a 24-hour reporting line; during the mission the number was "
     "not staffed at night.", "in_place", "not_in_place", "public",
     [("action_plan", "measure 3.4", "supports"), ("activity:police", "notes", "supports")]),
    ("guide:V.A:q13", "Officers told the team that migrants who report are not charged; outreach workers "
     "describe cases where they were.", "unknown", "unknown", "public",
     [("activity:police", "notes", "supports"), ("activity:ngo_focus", "notes", "supports")]),
    ("guide:V.C:q04", "A case management system has been piloted at Port Azur since 2024; other regions still "
     "use paper registers.", "partly", "partly", "public",
     [("police_sop", "section 5", "supports"), ("activity:police", "notes", "supports")]),
    ("guide:V.J:q01", "Eight of the 34 investigators of the unit are trained in financial investigation; none "
     "is assigned to it full time.", "in_place", "partly", "restricted",
     [("activity:police", "notes", "supports"), ("fiu_report", "p. 18", "supports")]),
    ("guide:V.J:q09", "The Financial Intelligence Unit received 11 suspicious transaction reports linked to "
     "smuggling in 2024; two were passed to the police.", "in_place", "partly", "public",
     [("fiu_report", "p. 22", "supports")]),
    ("guide:V.K:q01", "Confiscation of instruments and proceeds applies to smuggling offences since 2022; boats "
     "are seized but rarely confiscated.", "in_place", "partly", "public",
     [("amendment_2022", "art. 305c", "supports"), ("media_2018", "", "supports")]),
    ("guide:VI.A:q01", "The Border and Immigration Agency controls crossing points; the Coast Guard patrols the "
     "sea; the police investigate.", "in_place", "in_place", "public",
     [("border_report", "p. 4", "supports"), ("activity:karst_gate", "", "supports")]),
    ("guide:VI.A:q03", "Between crossing points the land border is patrolled by mobile units; document fraud at "
     "Karst Gate is the main concern of the agency.", "partly", "partly", "confidential",
     [("threat_assessment", "p. 3", "supports"), ("activity:karst_gate", "", "supports")]),
    ("guide:VI.A:q09", "All officers at Karst Gate have basic document examination training; the laboratory "
     "has two specialists.", "in_place", "in_place", "public",
     [("border_report", "p. 17", "supports"), ("activity:karst_gate", "", "supports")]),
    ("guide:VI.C:q04", "Most vessels are detected by Coast Guard patrols near the Isle of Semper; some by "
     "fishermen's calls.", "not_applicable", "in_place", "public",
     [("coast_guard_notes", "p. 1", "supports"), ("media_2025", "", "supports")]),
    ("guide:VI.C:q08", "Demoland cooperates with Exampleland under a 2021 memorandum on joint patrols.",
     "in_place", "partly", "restricted", [("coast_guard_notes", "p. 2", "supports")]),
    ("guide:IX.C:q09", "Four requests for mutual legal assistance in smuggling cases were made in 2021–2025, all "
     "to Exampleland.", "in_place", "partly", "public",
     [("prosecution_stats", "table 7", "supports"), ("activity:questionnaire", "", "supports")]),
    ("guide:IX.C:q18", "Requests take nine months on average; prosecutors cite translation as the main delay.",
     "not_applicable", "partly", "public", [("activity:questionnaire", "question 6", "supports")]),
    ("guide:IX.D:q20", "The INTERPOL National Central Bureau sits in the National Police headquarters in "
     "Velmora.", "in_place", "in_place", "public", []),
    ("guide:IX.D:q25", "Information is shared with neighbours through the regional council's secure network; "
     "the Port Azur networks summary was shared in 2025.", "in_place", "partly", "restricted",
     [("intel_summary", "p. 2", "supports")]),
    ("guide:XI.A:q03", "The reception guidelines provide separate shelter for unaccompanied children and women "
     "travelling alone.", "in_place", "partly", "public",
     [("reception_guidelines", "ch. 2", "supports"), ("ngo_2025", "p. 9", "supports")]),
    ("guide:XI.B:q07", "Migrants are told of their rights in four languages; legal aid is provided by Safe "
     "Shores Demoland, not by the State.", "partly", "partly", "public",
     [("ngo_2025", "p. 14", "supports"), ("activity:ngo_focus", "", "supports")]),
]

# Carried over from 2019: (question, new narrative or None to confirm as is, de jure, de facto, citations)
UPDATES = [
    ("guide:I.C:q01", "Article 303 as amended in 2022 defines smuggling in line with article 3 of the Protocol.",
     "in_place", "in_place", [("amendment_2022", "art. 303", "supports"), ("judgment_2024", "para. 40", "supports")]),
    ("guide:I.D:q01", "Smuggling is an offence under article 303 (up to eight years since 2022); 57 cases were "
     "prosecuted in 2021–2025.", "in_place", "in_place",
     [("amendment_2022", "art. 303", "supports"), ("prosecution_stats", "table 1", "supports")]),
    ("guide:I.D:q09", "Article 305a(a) makes endangering life or safety an aggravating circumstance; applied "
     "once, in State v. K. (2024).", "in_place", "partly",
     [("amendment_2022", "art. 305a(a)", "supports"), ("judgment_2024", "para. 52", "supports")]),
    ("guide:V.C:q09", "Reports are recorded in the pilot case management system at Port Azur and on paper "
     "elsewhere.", "partly", "partly", [("police_sop", "section 5.2", "supports")]),
    ("guide:IX.C:q01", "The Mutual Legal Assistance in Criminal Matters Act 2020 governs requests; the Ministry of "
     "Justice is the central authority.", "in_place", "in_place", [("mla_act", "ss. 3–9", "supports")]),
    ("guide:I.A:q01", None, None, None, []),
    ("guide:I.A:q04", None, None, None, []),
    ("guide:VI.C:q01", None, None, None, [("coast_guard_notes", "p. 1", "supports")]),
]

# The one conflicting answer, classified confidential (intelligence): only the lead and reviewer see it.
CONFLICTING = (
    "guide:I.F:q01",
    "Prosecution guidelines say smuggled migrants are not to be charged for having been smuggled, and the "
    "statistics show no such case. Outreach workers and an anonymous blog describe charges of illegal entry "
    "brought against migrants disembarked at Port Azur in 2025.",
    "partly",
    "unknown",
    "public",
    [("prosecution_stats", "table 3", "supports"), ("activity:prosecution", "", "supports"),
     ("activity:ngo_focus", "", "contradicts"), ("blog", "", "contradicts")],
)
INTELLIGENCE = (
    "guide:V.A:q01",
    "Most cases start from interceptions at sea. The 2025 intelligence summary attributes about two thirds of the "
    "departures from Port Azur to three facilitation networks that use fishing boats registered abroad.",
    "not_applicable",
    "partly",
    "confidential",
    [("intel_summary", "p. 4", "supports"), ("activity:police", "", "supports"), ("threat_assessment", "", "supports")],
)

FINDINGS = [
    # key, kind, title, text, subsection, provisions, questions, classification
    ("definition", "good_practice", "The 2022 amendment aligned the definition and penalties with the Protocol",
     "Article 303 now requires a financial or other material benefit and article 305a lists the aggravating "
     "circumstances of article 6(3) of the Protocol; a first conviction used them in 2024.", "guide:I.D",
     ["protocol:art6.1", "protocol:art6.3"], ["guide:I.C:q05", "guide:I.D:q09"], "public"),
    ("reporting", "discrepancy", "The announced 24-hour reporting line is not staffed at night",
     "Measure 3.4 of the action plan announces a round-the-clock line; the team found no one answering after 18:00.",
     "guide:V.A", [], ["guide:V.A:q04"], "public"),
    ("charging", "conflicting", "Accounts differ on whether disembarked migrants are charged with illegal entry",
     "Official statistics show no charges; outreach workers and one unverified blog describe such charges in 2025.",
     "guide:I.F", ["protocol:art5"], ["guide:I.F:q01"], "public"),
    ("financial", "gap", "Financial investigations are not run alongside smuggling investigations",
     "Trained investigators exist but none works on financial investigation full time; few suspicious transaction "
     "reports reach the police.", "guide:V.J", [], ["guide:V.J:q01", "guide:V.J:q09"], "restricted"),
    ("case_management", "gap", "No national case management system",
     "The pilot at Port Azur works; other regions record cases on paper, so national figures are incomplete.",
     "guide:V.C", [], ["guide:V.C:q04", "guide:V.C:q09"], "public"),
    ("mla_delays", "observation", "Mutual legal assistance requests take about nine months",
     "Translation of requests is the main cause of delay named by prosecutors.", "guide:IX.C", ["protocol:art18"],
     ["guide:IX.C:q18"], "public"),
    ("legal_aid", "gap", "Legal aid for smuggled migrants depends on one NGO",
     "Information on rights is given, but legal aid is provided only by Safe Shores Demoland.", "guide:XI.B",
     ["protocol:art16"], ["guide:XI.B:q07"], "public"),
]

CONCLUSIONS = [
    ("The legal framework now meets the Protocol's criminalization requirements; the challenge has moved to "
     "applying it.", "Findings on the 2022 amendment and the first conviction under article 305a.", False,
     ["definition"]),
    ("Smuggled migrants may still be prosecuted for illegal entry in practice, contrary to article 5 of the "
     "Protocol.", "Conflicting accounts; official data do not confirm them. To be verified during the second "
     "mission.", True, ["charging"]),
    ("Investigations rarely follow the money, so networks keep their assets and boats.",
     "Interviews with the unit, FIU report 2024.", False, ["financial"]),
    ("National figures on smuggling cases are incomplete until case management is extended beyond Port Azur.",
     "Pilot system observed; paper registers elsewhere.", False, ["case_management"]),
]

RECOMMENDATIONS = [
    # text, area, priority, rank, sequence, institutions, timeline, cost, state, conclusion index, reviewed
    ("Issue a prosecution instruction that smuggled migrants are not charged with illegal entry for having been "
     "smuggled, and monitor its application.", "guide:I.F", "immediate", 1, 1,
     ["Public Prosecution Service of Demoland"], "Within three months", "5000", "agreed", 1, True),
    ("Staff the 24-hour reporting line with interpreters for the three most common languages.", "guide:V.A",
     "immediate", 1, 1, ["Demoland National Police, Migrant Smuggling Unit", "Demoland Ministry of Interior"],
     "Within six months", "120000", "proposed", None, True),
    ("Assign a dedicated financial investigation team to the Migrant Smuggling Unit and agree an information "
     "protocol with the Financial Intelligence Unit.", "guide:V.J", "short", 1, 1,
     ["Demoland National Police, Migrant Smuggling Unit", "Demoland Financial Intelligence Unit"], "2026–2027",
     "350000", "proposed", 2, False),
    ("Train prosecutors and judges on the aggravating circumstances of article 305a.", "guide:I.D", "short", 1, 2,
     ["Public Prosecution Service of Demoland", "Velmora Court of Appeal"], "2027", "80000", "proposed", 0, False),
    ("Extend the case management system from Port Azur to all regions, with a shared register of Coast Guard "
     "interceptions.", "guide:V.C", "medium", 1, 1,
     ["Demoland National Police, Migrant Smuggling Unit", "Demoland Coast Guard"], "2027–2029", "1400000",
     "proposed", 3, True),
    ("Fund a pool of translators for mutual legal assistance requests.", "guide:IX.C", "medium", 1, 1,
     ["Ministry of Justice, Department of International Cooperation"], "2027–2028", "200000", "proposed", None,
     False),
    ("Establish state-funded legal aid for smuggled migrants, building on Safe Shores Demoland's experience.",
     "guide:XI.B", "long", 1, 1, ["Demoland Ministry of Interior", "Safe Shores Demoland"], "2028–2031",
     "2500000", "proposed", None, False),
    ("Negotiate a regional agreement on joint investigations in the Azure Sea.", "guide:IX.D", "long", 1, 1,
     ["Ministry of Justice, Department of International Cooperation", "Demoland Coast Guard"], "2028–2030", None,
     "proposed", None, False),
]


# The report's narrative chapters: (chapter, classification, text).
REPORT_CHAPTERS = [
    ("background", "public",
     "The Republic of Demoland is a coastal state on the Azure Sea with three main ports (Velmora, Port Azur and "
     "Karst Gate) and a long land border with Exampleland. Since 2023 it has been a transit country on a sea route "
     "towards the north, and migrants increasingly arrive in small boats organised from across the Azure Sea.\n\n"
     "Smuggling networks are small and loosely connected: recruiters in the countries of origin, boat organisers in "
     "Exampleland and drivers and document brokers in Demoland itself."),
    ("prevalence", "public",
     "The Ministry of Interior reports 41 smuggling investigations in 2025, up from 17 in 2019; officials consider "
     "that most smuggling by sea goes undetected."),
    ("perception", "public",
     "Media coverage in Demoland links smuggling to organized crime and rarely to the risks migrants run; public "
     "debate seldom distinguishes smuggling from trafficking in persons."),
    ("desk_review", "public",
     "The desk review covered the Penal Code as amended in 2022, the Aliens and Border Act 2011, court statistics "
     "for 2019–2025 and the reports of the Demoland Migrant Reception Service and Safe Shores Demoland."),
    ("key_issues", "public",
     "Migrants are still charged with illegal entry after disembarkation; financial investigations into smuggling "
     "profits are rare; cooperation with Exampleland on joint investigations has no legal basis yet."),
    ("reform_factors", "restricted",
     "The Ministry of Interior is open to reform, but the prosecution service's leadership resists specialised "
     "units; parliamentary elections in 2027 may delay the amendments to the Aliens and Border Act."),
]


def _report_chapters(user: User, assessment: Assessment) -> None:
    from soma.reports import services as report_services

    for chapter, classification, text in REPORT_CHAPTERS:
        report_services.save_chapter(user, assessment, chapter, text=text, classification=classification,
                                     expected_version=None)


def _follow_up(users: dict[str, User], baseline: Assessment) -> Assessment:
    lead, assessor, reviewer = users["lead"], users["assessor"], users["reviewer"]
    assessment = followup_services.start_follow_up(
        lead,
        baseline,
        title=FOLLOW_UP_TITLE,
        purpose="Measure progress since the 2019 baseline, in particular the 2022 Penal Code amendment, and update "
        "the technical assistance needs.",
        terms_of_reference="Agreed with the advisory group on 12 February 2026. Desk review January–February; "
        "missions to Velmora, Port Azur and Karst Gate in March and May 2026; draft report in September 2026.",
        start_date=date(2026, 1, 12),
        end_date=date(2026, 9, 30),
        dissemination="Restricted report to the advisory group and donors; a public version without classified "
        "material.",
        advisory_group="Ministry of Interior (chair); National Police; Coast Guard; Public Prosecution Service; "
        "Ministry of Justice; Border and Immigration Agency; Safe Shores Demoland (observer).",
    )
    assessment.refresh_from_db()
    services.add_national_question(lead, assessment, *NATIONAL_QUESTION)
    missions = [
        services.save_mission(lead, assessment, title="First mission: Velmora and Port Azur",
                              start_date=date(2026, 3, 9), end_date=date(2026, 3, 13),
                              places="Velmora, Port Azur", notes="Interviews and site visit to Port Azur."),
        services.save_mission(lead, assessment, title="Second mission: Karst Gate and Lake Oren",
                              start_date=date(2026, 5, 4), end_date=date(2026, 5, 8),
                              places="Karst Gate, Lake Oren", notes="Border crossing and reception centre."),
    ]
    institutions = {i.name: i for i in assessment.institutions.all()}
    activities = {}
    for key, kind, title, when, mission, owners, questions, notes in ACTIVITIES:
        activities[key] = services.save_activity(
            assessor, assessment, kind=kind, title=title, date=when,
            mission=missions[mission] if mission is not None else None,
            institutions=[institutions[name] for name in owners], questions=questions, notes=notes,
            participants="Names are kept in the restricted annex." if kind == "interview" else "",
        )
    carried = {s.title: s for s in assessment.sources.all()}
    sources = {key: carried[row[0]] for key, row in BASELINE_SOURCES.items()}
    for key in ("penal_code", "ratification", "aliens_act", "coast_guard_sop", "regional_2019"):
        services.confirm_carried_over(assessor, assessment, sources[key])
    sources |= _sources(assessor, assessment, NEW_SOURCES, lead=lead)

    def cite_all(response: Response, cited: list[tuple[str, str, str]]) -> None:
        for key, pinpoint, stance in cited:
            activity = activities[key.split(":", 1)[1]] if key.startswith("activity:") else None
            source = sources[key] if activity is None else None
            evidence_services.cite(lead, assessment, response=response, pinpoint=pinpoint, stance=stance,
                                   source=source, activity=activity)

    responses = {r.question: r for r in assessment.responses.all()}
    for question, narrative, de_jure, de_facto, cited in UPDATES:
        response = responses[question]
        if narrative is None:
            services.confirm_carried_over(assessor, assessment, response)
        else:
            response = response_services.save_response(
                assessor, assessment, question, expected_version=response.version, narrative=narrative,
                de_jure=de_jure, de_facto=de_facto,
            )
        responses[question] = response
        cite_all(response, cited)
    for question, narrative, de_jure, de_facto, level, cited in [*ANSWERS, CONFLICTING, INTELLIGENCE]:
        author = lead if level == "confidential" else assessor
        version = responses[question].version if question in responses else 0
        response = response_services.save_response(
            author, assessment, question, expected_version=version, narrative=narrative, de_jure=de_jure,
            de_facto=de_facto, classification=level,
        )
        responses[question] = response
        cite_all(response, cited)
    national = f"{NATIONAL_QUESTION[0]}:n01"
    responses[national] = response_services.save_response(
        assessor, assessment, national, expected_version=0,
        narrative="Interceptions are logged in the coordination centre's own register; the police receive extracts "
        "by e-mail, usually within two days.", de_jure="not_in_place", de_facto="partly", classification="public",
    )
    cite_all(responses[national], [("coast_guard_notes", "p. 1", "supports"), ("activity:port_azur", "", "supports")])
    for question in ["guide:I.C:q05", "guide:I.C:q08", "guide:I.B:q01", "guide:VI.A:q01", "guide:VI.A:q09",
                     "guide:IX.C:q01", "guide:IX.D:q20"]:
        response_services.set_review_state(assessor, assessment, responses[question], "ready")
        response_services.set_review_state(reviewer, assessment, responses[question], "reviewed")
    for question in ["guide:I.D:q01", "guide:V.C:q04", "guide:XI.A:q03"]:
        response_services.set_review_state(assessor, assessment, responses[question], "ready")
    response_services.set_review_state(reviewer, assessment, responses["guide:I.D:q07"], "returned")

    findings = {}
    for key, kind, title, text, subsection, provisions, questions, level in FINDINGS:
        findings[key] = finding_services.save_finding(
            lead, assessment, kind=kind, title=title, text=text, subsection=subsection, provisions=provisions,
            responses=[responses[q] for q in questions], classification=level,
        )
    evidence_services.cite(lead, assessment, finding=findings["reporting"], activity=activities["police"],
                           pinpoint="night call test, 10 March 2026")
    conclusions = [
        finding_services.save_conclusion(
            lead, assessment, text=text, basis=basis, tentative=tentative, findings=[findings[k] for k in keys],
            classification=findings[keys[0]].classification,
        )
        for text, basis, tentative, keys in CONCLUSIONS
    ]
    suggested: dict[str, dict] = {}
    for text, area, priority, rank, sequence, owners, timeline, cost, state, conclusion, reviewed in RECOMMENDATIONS:
        if area not in suggested:
            suggested[area] = finding_services.suggestions(assessment, area)
        recommendation = finding_services.save_recommendation(
            assessor, assessment, text=text, area=area, priority=priority, rank=rank, sequence=sequence,
            institutions=[institutions[name] for name in owners], timeline=timeline,
            estimated_cost=Decimal(cost) if cost else None, currency="USD" if cost else "", status=state,
            toolkit=[item.key for item in suggested[area]["toolkit"][:3]],
            framework=[item.key for item in suggested[area]["ffa"][:3]],
            conclusions=[conclusions[conclusion]] if conclusion is not None else [], classification="public",
        )
        if reviewed:
            finding_services.set_review_state(reviewer, assessment, recommendation, "reviewed")
    for recommendation in assessment.recommendations.filter(carried_over=True, status="done"):
        services.confirm_carried_over(assessor, assessment, recommendation)
    _report_chapters(assessor, assessment)
    for status in ("desk_review", "fieldwork"):
        services.change_status(lead, assessment, status)
    assessment.refresh_from_db()
    return assessment


# --- Planned (joint, planning) ----------------------------------------------------------------------------------------


def _planned(users: dict[str, User]) -> Assessment:
    lead = users["lead"]
    assessment = services.create_assessment(
        lead,
        title=PLANNED_TITLE,
        jurisdictions=["XD", "XE"],
        scope=["VI.C", "VI.D", "IX.C", "IX.D"],
        comprehensive=False,
        joint_with_trafficking=True,
        purpose="Map the cooperation between Demoland and Exampleland against smuggling of migrants and "
        "trafficking in persons by sea, at the request of both coast guards.",
        terms_of_reference="Draft for discussion with the two advisory groups.",
        start_date=date(2027, 1, 15),
        end_date=date(2027, 7, 31),
        classification="restricted",
        missions=[{"title": "Joint mission to Port Azur and Exampleland's eastern ports", "start_date":
                   date(2027, 3, 1), "end_date": date(2027, 3, 10), "places": "Port Azur; Eastport (Exampleland)"}],
    ).assessment
    services.add_member(lead, assessment, users["assessor"], "assessor", "restricted")
    services.save_institution(lead, assessment, name="Demoland Coast Guard", category="military")
    services.save_institution(lead, assessment, name="Exampleland Maritime Police", category="police")
    return assessment
