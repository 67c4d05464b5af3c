"""The Demoland demo with restricted and confidential material marked, for the bundle tests.

Built once per test module outside the per-test transactions (the demo takes seconds) and removed at its end;
what a test imports is rolled back with the test, and the files it stored are deleted after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

# Planted in material above public; none may appear in a public bundle.
RESTRICTED = "VELMORA-RESTRICTED-7Q"
CONFIDENTIAL = "KARST-CONFIDENTIAL-9Z"
NAME = "Inspector Orsolya Demarkis"  # a (fictional) person's name: restricted whatever the record's level


@dataclass
class World:
    assessment: object
    users: dict
    objects: dict = field(default_factory=dict)


def _unanswered(lead, assessment, count: int) -> list[str]:
    from soma.assessments.selectors import questions_in_scope
    from soma.kernel.clearance import seen_by

    answered = set(assessment.responses.values_list("question", flat=True))
    keys = [q.key for sub in questions_in_scope(seen_by(lead, assessment)) for q in sub.questions if not q.national]
    return [key for key in keys if key not in answered][:count]


def build_world() -> World:
    from soma.assessments import services
    from soma.assessments.models import Assessment
    from soma.demo import services as demo
    from soma.evidence import services as evidence_services
    from soma.findings import services as finding_services
    from soma.responses import services as response_services

    demo.build(password="Demoland-Bundle-2026")
    users = {role: get_user_model().objects.get(username=name) for role, (name, _f, _l) in demo.USERS.items()}
    lead = users["lead"]
    a = Assessment.objects.get(title=demo.FOLLOW_UP_TITLE)
    w = World(a, users)
    institution = a.institutions.order_by("pk").first()
    services.save_institution(lead, a, institution, contact_point=f"{NAME}, +000 555 0101",
                              clearance_notes=f"Cleared by {NAME}")
    w.objects["public_activity"] = services.save_activity(
        lead, a, kind="interview", title="Interview with the harbour master", participants=NAME,
        classification="public")
    w.objects["restricted_activity"] = services.save_activity(
        lead, a, kind="site_visit", title=f"Visit {RESTRICTED}", classification="restricted")
    w.objects["confidential_activity"] = services.save_activity(
        lead, a, kind="interview", title="Debriefing", notes=CONFIDENTIAL, classification="confidential")
    w.objects["restricted_source"] = evidence_services.save_source(
        lead, a, title=f"Source {RESTRICTED}", kind="other", classification="restricted", notes=RESTRICTED,
        upload=SimpleUploadedFile(f"{RESTRICTED}.txt", f"Notes {RESTRICTED}\n".encode()))
    w.objects["confidential_source"] = evidence_services.save_source(
        lead, a, title="Threat note", kind="other", classification="confidential", notes=CONFIDENTIAL)
    public_q, restricted_q, confidential_q = _unanswered(lead, a, 3)
    w.objects["public_response"] = response_services.save_response(
        lead, a, public_q, expected_version=0, narrative="Answered in public.", classification="public")
    evidence_services.cite(lead, a, response=w.objects["public_response"], source=w.objects["restricted_source"],
                           pinpoint=f"p. {RESTRICTED}")
    evidence_services.cite(lead, a, response=w.objects["public_response"],
                           activity=w.objects["confidential_activity"], pinpoint=f"minute {CONFIDENTIAL}")
    w.objects["restricted_response"] = response_services.save_response(
        lead, a, restricted_q, expected_version=0, narrative=RESTRICTED, classification="restricted")
    w.objects["confidential_response"] = response_services.save_response(
        lead, a, confidential_q, expected_version=0, narrative=CONFIDENTIAL, classification="confidential")
    w.objects["restricted_finding"] = finding_services.save_finding(
        lead, a, kind="gap", title=f"Finding {RESTRICTED}", classification="restricted")
    w.objects["public_finding"] = finding_services.save_finding(
        lead, a, kind="observation", title="Public finding", classification="public",
        responses=[w.objects["restricted_response"], w.objects["public_response"]])
    evidence_services.cite(lead, a, finding=w.objects["public_finding"], source=w.objects["confidential_source"],
                           pinpoint=f"para {CONFIDENTIAL}")
    w.objects["confidential_conclusion"] = finding_services.save_conclusion(
        lead, a, text=f"Conclusion {CONFIDENTIAL}", classification="confidential",
        findings=[w.objects["restricted_finding"]])
    w.objects["public_conclusion"] = finding_services.save_conclusion(
        lead, a, text="Public conclusion", classification="public", findings=[w.objects["restricted_finding"]])
    w.objects["restricted_recommendation"] = finding_services.save_recommendation(
        lead, a, text=f"Recommendation {RESTRICTED}", area="guide:V.C", priority="short",
        classification="restricted", toolkit=["toolkit:7.11"], framework=[])
    w.objects["public_recommendation"] = finding_services.save_recommendation(
        lead, a, text="Public recommendation", area="guide:V.C", priority="medium", classification="public",
        conclusions=[w.objects["confidential_conclusion"], w.objects["public_conclusion"]],
        toolkit=["toolkit:7.11"], framework=[])
    a.refresh_from_db()
    return w


def remove_world(created_users: list[int]) -> None:
    from soma.demo import services as demo

    demo.remove()
    get_user_model().objects.filter(pk__in=created_users).delete()


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from soma.catalog import packs
    from soma.catalog.models import CatalogVersion
    from soma.demo import services as demo

    with django_db_blocker.unblock():
        if not CatalogVersion.objects.exists():  # a browser test's flush may have removed it
            packs.load_builtin()
        existing = set(get_user_model().objects.values_list("pk", flat=True))
        if demo.exists():
            demo.remove()
        try:
            built = build_world()
        except BaseException:
            remove_world([])
            raise
        created = [pk for pk in get_user_model().objects.values_list("pk", flat=True) if pk not in existing]
    yield built
    with django_db_blocker.unblock():
        remove_world(created)


@pytest.fixture(autouse=True)
def _remove_imported_files():
    """Files stored by an import inside a test outlive its rolled-back rows: delete them after the test."""
    before = stored_files()
    yield
    for path in stored_files() - before:
        path.unlink(missing_ok=True)


@pytest.fixture
def importer(db):
    return get_user_model().objects.create_user(username="importer.demo", password=None)
