"""Clearance everywhere: an observer cleared for public material never sees restricted or confidential text,
on any page, API endpoint, search or export of the assessment.

Markers are planted in restricted and confidential answers, sources, findings, conclusions, recommendations,
report chapters (soma.reports.services.save_chapter), and names of people (restricted whatever the record,
soma.kernel.clearance.NAMES_OF_PEOPLE): an institution's contact point, an activity's participants, the
advisory group and a mission's notes. Then every GET page and API endpoint of the
assessment found by the permission matrix's URL walk is fetched as the observer, with the public records'
ids and with the marked records' ids, and no response may hold a marker. The lead's pages do show them, so
the markers are really there.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.test_permission_matrix import EXPECTED, PDF, ROUTES, SUBSECTION, VIEW, build_world, remove_world

RESTRICTED = "ZELVORA-RESTRICTED-31K"
CONFIDENTIAL = "QUANDOR-CONFIDENTIAL-88X"
PERSON = "Commissioner Ilsabet Varnholm"  # a fictional official: a name of a person is restricted material
MARKERS = (RESTRICTED, CONFIDENTIAL, PERSON)
MARKED_QUESTIONS = {"restricted": "guide:I.A:q02", "confidential": "guide:I.A:q03"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from soma.assessments import services
    from soma.evidence import services as evidence_services
    from soma.findings import services as finding_services
    from soma.reports.services import save_chapter
    from soma.responses import services as response_services

    with django_db_blocker.unblock():
        w = build_world("clearance")
        lead, a = w.users["lead"], w.assessment
        marked = {}
        for level, marker in (("restricted", RESTRICTED), ("confidential", CONFIDENTIAL)):
            words = f"{marker} seen by {level} members only"
            marked[f"response_{level}"] = response_services.save_response(
                lead, a, MARKED_QUESTIONS[level], expected_version=0, narrative=words, classification=level)
            marked[f"source_{level}"] = evidence_services.save_source(
                lead, a, title=f"Police file {marker}", kind="official_report", notes=words, classification=level,
                upload=SimpleUploadedFile(f"{marker}.pdf", PDF))
            marked[f"finding_{level}"] = finding_services.save_finding(
                lead, a, kind="gap", title=f"Finding {marker}", text=words, classification=level)
            marked[f"conclusion_{level}"] = finding_services.save_conclusion(
                lead, a, text=f"Conclusion {marker}", classification=level)
            marked[f"recommendation_{level}"] = finding_services.save_recommendation(
                lead, a, text=f"Recommendation {marker}", area=SUBSECTION, priority="short", classification=level)
            marked[f"activity_{level}"] = services.save_activity(
                lead, a, kind="interview", title=f"Interview {marker}", notes=words, classification=level)
            evidence_services.cite(lead, a, response=w.objects["response"], source=marked[f"source_{level}"],
                                   pinpoint=f"p. {marker}")
        chapters = (("background", "restricted", RESTRICTED), ("key_issues", "confidential", CONFIDENTIAL))
        for chapter, level, marker in chapters:
            save_chapter(lead, a, chapter, text=f"Chapter {marker}", classification=level, expected_version=None)
        marked["institution"] = services.save_institution(
            lead, a, w.objects["institution"], name="Demoland Prosecution Service", category="prosecution",
            contact_point=PERSON)
        marked["activity_public"] = services.save_activity(
            lead, a, w.objects["activity"], kind="interview", title="Interview at the prosecution service",
            participants=PERSON, classification="public")
        a.refresh_from_db()
        services.update_plan(lead, a, expected_version=a.version,
                             advisory_group=f"{PERSON} (chair); Demoland Coast Guard; Public Prosecution Service")
        services.save_mission(lead, a, w.objects["mission"], notes=f"Met {PERSON} at the Port Azur authority.")
        w.objects["marked"] = marked
    yield w
    with django_db_blocker.unblock():
        remove_world(w)


@pytest.fixture(scope="module")
def client():
    return Client()


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK\x03\x04"):  # a spreadsheet: search every part of it, unpacked
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"\n".join(archive.read(name) for name in archive.namelist())
    return raw.decode("utf-8", "replace")


def _leaks(text: str) -> list[str]:
    return [marker for marker in MARKERS if marker in text]


# Object ids to try besides the public records': the marked ones (a marked record must not show either).
MARKED_IDS = {"source_pk": "source", "finding_pk": "finding", "conclusion_pk": "conclusion",
              "recommendation_pk": "recommendation", "activity_pk": "activity", "question": "response"}


def _urls(world, route) -> list[str]:
    urls = [reverse(route.name, kwargs=world.kwargs(route))]
    for name in route.kwargs:
        if name in MARKED_IDS:
            for level in ("restricted", "confidential"):
                obj = world.objects["marked"][f"{MARKED_IDS[name]}_{level}"]
                kwargs = world.kwargs(route) | {name: obj.question if name == "question" else obj.pk}
                urls.append(reverse(route.name, kwargs=kwargs))
    return urls


VIEWABLE = sorted(name for name, rules in EXPECTED.items() if rules.get("GET", {}).get("observer") == VIEW)


@pytest.mark.django_db
def test_the_markers_are_there_for_the_lead(client, world):
    client.force_login(world.users["lead"])
    pages = [reverse("evidence:list", args=[world.assessment.pk]), reverse("findings:findings",
                                                                           args=[world.assessment.pk])]
    text = "".join(_body(client.get(url)) for url in pages)
    assert RESTRICTED in text and CONFIDENTIAL in text
    for name in ("assessments:detail", "assessments:missions", "assessments:history", "api-assessment"):
        assert PERSON in _body(client.get(reverse(name, args=[world.assessment.pk]))), name


@pytest.mark.django_db
def test_names_of_people_stay_out_of_public_bundles_and_reports_whoever_makes_them(world):
    """The lead (cleared for everything) makes the public versions: the one rule still leaves names out."""
    from soma.exchange.bundle import services as bundle
    from soma.reports import composer

    lead, a = world.users["lead"], world.assessment
    public = bundle.dumps(bundle.export_bundle(lead, a, audience="public", include_files=False)).decode()
    report = json.dumps(composer.compose(lead, a, "public"), ensure_ascii=False)
    assert not _leaks(public) and not _leaks(report)
    restricted = bundle.export_bundle(lead, a, audience="restricted", include_files=False)
    assert PERSON in restricted["assessment"]["advisory_group"]
    assert any(PERSON in m["notes"] for m in restricted["missions"])
    annex = composer.compose(lead, a, "restricted")["annex_individuals"]
    assert PERSON in annex["advisory_group"] and any(PERSON in m["notes"] for m in annex["mission_notes"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", VIEWABLE)
def test_no_page_or_endpoint_shows_the_observer_more_than_public(client, world, name):
    client.cookies.clear()
    client.force_login(world.users["observer"])
    for url in _urls(world, ROUTES[name]):
        response = client.get(url)
        assert response.status_code < 500, url
        leaks = _leaks(_body(response))
        assert not leaks, f"{url} ({response.status_code}) shows {leaks} to an observer cleared for public"


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"audience": "public"}, {"audience": "confidential"},
                                   {"audience": "restricted", "files": "include"}, {"all": "1"},
                                   {"scope": "I.A"}])
def test_exports_hold_nothing_above_public(client, world, query):
    client.cookies.clear()
    client.force_login(world.users["observer"])
    pk = world.assessment.pk
    for name in ("exchange:bundle_export", "exchange:questionnaire_export", "exchange:recommendations_export",
                 "exchange:xlsform_export", "reports:preview"):
        response = client.get(reverse(name, args=[pk]), query)
        assert response.status_code < 500
        leaks = _leaks(_body(response))
        assert not leaks, f"{name} {query} ({response.status_code}) holds {leaks} for an observer"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["observer", "lead"])
def test_search_finds_no_assessment_material(client, world, role):
    """Search covers the catalog only: nobody finds assessment material there, an observer least of all."""
    client.cookies.clear()
    client.force_login(world.users[role])
    for marker in MARKERS:
        api = client.get(reverse("api-search"), {"q": marker})
        assert api.status_code == 200 and not _leaks(_body(api).replace(f'"query":"{marker}"', ""))
        results = api.json()["results"]
        assert all(hit["url"].startswith("/catalog/") for hit in results), results  # catalog items only
        page = _body(client.get(reverse("search"), {"q": marker}))
        unplanted = _body(client.get(reverse("search"), {"q": "NEVERPLANTED-000"}))
        # the page repeats the query (in the box, in "no results for ..."), and nothing more
        assert page.count(marker) <= unplanted.count("NEVERPLANTED-000"), "search shows the marker beyond the query"
