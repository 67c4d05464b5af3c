"""Writing a checked bundle as a new assessment: all rows in one transaction, history recorded for each.

The services check permissions per call on an existing assessment; an import creates the assessment it writes
into, with the importing user as lead, so it writes the rows itself (after check.py has checked all of
them) and records each creation in the history as the services do.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Model

from soma.accounts import history
from soma.assessments.models import (
    Activity,
    Assessment,
    Institution,
    Membership,
    Mission,
    NationalQuestion,
    ScopeEntry,
)
from soma.evidence.models import Citation, Source
from soma.exchange.bundle.check import Checked
from soma.findings.models import Conclusion, Finding, Recommendation, Response
from soma.kernel import clearance
from soma.kernel.access import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Progress = Callable[[int, str], None]
Stored = list[tuple[Storage, str]]  # files written so far, deleted again if the transaction fails
Row = TypeVar("Row", bound=Model)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _new_work_default(classification: str) -> str:
    """For bundles exported before they carried it: the model's default, restricted, unless the assessment is
    classified lower (new work never starts above the assessment)."""
    return str(clearance.lowest([clearance.Level.RESTRICTED, classification]))


def write(user: User, checked: Checked, progress: Progress) -> Assessment:
    stored: Stored = []
    try:
        with transaction.atomic():
            return _write(user, checked, progress, stored)
    except BaseException:
        for storage, name in stored:  # the rows are gone with the transaction; so must the files be
            storage.delete(name)
        raise


def _write(user: User, checked: Checked, progress: Progress, stored: Stored) -> Assessment:
    data = checked.data
    plan = data["assessment"]

    def created(obj: Row) -> Row:
        history.record(user, assessment, "created", obj, None, history.snapshot(obj))
        return obj

    progress(55, "Creating the assessment")
    assessment = Assessment.objects.create(
        catalog=checked.catalog, created_by=user,
        **{name: plan[name] for name in ("title", "jurisdictions", "purpose", "terms_of_reference", "comprehensive",
                                         "joint_with_trafficking", "classification", "dissemination",
                                         "government_approval", "status")},
        advisory_group=plan.get("advisory_group", ""),  # left out of bundles for the public (names of people)
        new_work_classification=plan.get("new_work_classification") or _new_work_default(plan["classification"]),
        start_date=_date(plan["start_date"]), end_date=_date(plan["end_date"]),
    )
    ScopeEntry.objects.bulk_create([ScopeEntry(assessment=assessment, subsection=key) for key in plan["scope"]])
    Membership.objects.create(assessment=assessment, user=user, role=Role.LEAD, clearance="confidential")
    history.record(user, assessment, "created", assessment, None,
                   {**(history.snapshot(assessment) or {}), "scope": plan["scope"], "imported": True})

    missions = {
        row["id"]: created(Mission.objects.create(
            assessment=assessment, title=row["title"], start_date=_date(row["start_date"]),
            end_date=_date(row["end_date"]), places=row["places"], notes=row.get("notes", "")))
        for row in data["missions"]
    }
    institutions = {
        row["id"]: created(Institution.objects.create(
            assessment=assessment, name=row["name"], category=row["category"], sections=row["sections"],
            contact_point=row.get("contact_point", ""), clearance_notes=row.get("clearance_notes", ""),
            notes=row["notes"]))
        for row in data["institutions"]
    }
    for row in data["national_questions"]:
        created(NationalQuestion.objects.create(
            assessment=assessment, subsection=row["subsection"], number=row["number"], text=row["text"],
            parent_key=row["parent"] or "", created_by=user))
    progress(60, "Adding activities")
    activities = {}
    for row in data["activities"]:
        activity = Activity.objects.create(
            assessment=assessment, kind=row["kind"], title=row["title"], date=_date(row["date"]),
            mission=missions.get(row["mission"]), questions=row["questions"], notes=row["notes"],
            participants=row.get("participants", ""), classification=row["classification"])
        activity.institutions.set([institutions[i] for i in row["institutions"]])
        activities[row["id"]] = created(activity)
    sources = {}
    for n, row in enumerate(data["sources"], 1):
        sources[row["id"]] = created(_source(user, assessment, row, checked.files.get(row["id"]), stored))
        if checked.files.get(row["id"]):
            progress(60 + 20 * n // len(data["sources"]), f"Storing files ({n} of {len(data['sources'])} sources)")

    def cite(rows: Iterable[dict[str, Any]], **target: Model) -> None:
        for row in rows:
            created(Citation.objects.create(
                assessment=assessment, source=sources.get(row["source"]), activity=activities.get(row["activity"]),
                pinpoint=row["pinpoint"], stance=row["stance"], **target))

    progress(80, "Adding responses")
    responses = {}
    for row in data["responses"]:
        response = created(Response.objects.create(
            assessment=assessment, question=row["question"], narrative=row["narrative"], de_jure=row["de_jure"],
            de_facto=row["de_facto"], classification=row["classification"], review_state=row["review_state"],
            carried_over=row["carried_over"], confirmed=row["confirmed"], updated_by=user))
        responses[row["question"]] = response
        cite(row["citations"], response=response)
    progress(90, "Adding findings, conclusions and recommendations")
    findings = {}
    for row in data["findings"]:
        finding = Finding.objects.create(
            assessment=assessment, kind=row["kind"], title=row["title"], text=row["text"],
            subsection=row["subsection"], provisions=row["provisions"], classification=row["classification"],
            created_by=user)
        finding.responses.set([responses[q] for q in row["responses"]])
        findings[row["id"]] = created(finding)
        cite(row["citations"], finding=finding)
    conclusions = {}
    for row in data["conclusions"]:
        conclusion = Conclusion.objects.create(
            assessment=assessment, text=row["text"], basis=row["basis"], tentative=row["tentative"],
            classification=row["classification"])
        conclusion.findings.set([findings[f] for f in row["findings"]])
        conclusions[row["id"]] = created(conclusion)
    for row in data["recommendations"]:
        recommendation = Recommendation.objects.create(
            assessment=assessment, text=row["text"], area=row["area"], priority=row["priority"], rank=row["rank"],
            sequence=row["sequence"], timeline=row["timeline"],
            estimated_cost=None if row["estimated_cost"] is None else Decimal(row["estimated_cost"]),
            currency=row["currency"], status=row["status"], review_state=row["review_state"],
            toolkit=row["toolkit"], framework=row["framework"], classification=row["classification"],
            carried_over=row["carried_over"], confirmed=row["confirmed"])
        recommendation.institutions.set([institutions[i] for i in row["institutions"]])
        recommendation.conclusions.set([conclusions[c] for c in row["conclusions"]])
        created(recommendation)
    return assessment


def _source(user: User, assessment: Assessment, row: dict[str, Any], content: bytes | None, stored: Stored) -> Source:
    source = Source(
        assessment=assessment, title=row["title"], kind=row["kind"], date=_date(row["date"]), author=row["author"],
        link=row["link"], reliability=row["reliability"], credibility=row["credibility"],
        classification=row["classification"], notes=row["notes"], carried_over=row["carried_over"],
        confirmed=row["confirmed"], added_by=user,
    )
    if content is not None:
        meta = row["file"]
        source.file_token = secrets.token_hex(16)
        source.file_name, source.file_type, source.file_size = meta["name"], meta["type"], len(content)
        source.file.save(source.file_token, ContentFile(content), save=False)
        stored.append((source.file.storage, source.file.name))
    source.save()
    return source
