"""The JSON bundle: a whole assessment exported to one file and imported into another SOMA as a new assessment.

Export goes through the permission rules: only members export, and a bundle holds only what the exporting user
is cleared for, further capped by its audience (public, restricted, confidential). Records refer to each other
by bundle-local ids ("source-1"), numbered in the order the records were created, and to the catalog by its
stable ids, so that exporting, importing and exporting again gives the same bytes (apart from the
informational `exported` block). The format is schema.json next to this module; docs/exchange.md describes it.

Import (`import_bundle`) checks everything first (check) and then writes all or nothing (new_assessment).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from soma import __version__
from soma.accounts import audit
from soma.assessments import selectors as assessment_selectors
from soma.assessments.models import Assessment
from soma.exchange.bundle import check, new_assessment
from soma.exchange.bundle.format import FORMAT, FORMAT_VERSION, BundleError
from soma.kernel import clearance

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from soma.assessments.models import Activity, Institution
    from soma.evidence.models import Citation, Source

log = logging.getLogger(__name__)
Row = TypeVar("Row", bound=Model)


def audience_for(user: User, assessment: Assessment, requested: str | None) -> str:
    """The audience of a bundle: the one requested, capped at the user's clearance (their clearance if none)."""
    return str(seen_for(user, assessment, requested).audience)


def seen_for(user: User, assessment: Assessment, requested: str | None) -> clearance.Seen:
    """The assessment as the user sees it for the bundle's audience (404 for non-members)."""
    seen = clearance.seen_by(user, assessment)
    return seen.for_audience(clearance.capped(requested, seen.clearance))


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _in_order(rows: Iterable[Row]) -> list[Row]:
    # Creation order: an import creates rows in bundle order, so a second export numbers them the same way.
    return sorted(rows, key=lambda row: row.pk)


def export_bundle(user: User, assessment: Assessment, *, audience: str | None = None,
                  include_files: bool = True) -> dict[str, Any]:
    """The assessment as a bundle (a dict matching schema.json) holding only what `audience` may see."""
    assessment = assessment_selectors.get_assessment(user, assessment.pk)
    seen = seen_for(user, assessment, audience)
    audience = str(seen.audience)
    restricted = seen.names_allowed

    def without_names(model: str, row: dict[str, Any]) -> dict[str, Any]:
        # Names of people (advisory group, mission notes, contact points, individuals met): the one rule.
        for name in seen.withheld(model):
            del row[name]
        return row

    def shown(queryset: QuerySet[Row]) -> list[Row]:
        return _in_order(seen.visible(queryset))

    missions = _in_order(assessment.missions.all())
    mission_ids = {m.pk: f"mission-{n}" for n, m in enumerate(missions, 1)}
    institutions = _in_order(assessment.institutions.all())
    institution_ids = {i.pk: f"institution-{n}" for n, i in enumerate(institutions, 1)}
    activities = shown(assessment.activities.prefetch_related("institutions"))
    activity_ids = {a.pk: f"activity-{n}" for n, a in enumerate(activities, 1)}
    sources = shown(assessment.sources.all())
    source_ids = {s.pk: f"source-{n}" for n, s in enumerate(sources, 1)}
    responses = shown(assessment.responses.prefetch_related("citations"))
    response_keys = {r.pk: r.question for r in responses}
    findings = shown(assessment.findings.prefetch_related("citations", "responses"))
    finding_ids = {f.pk: f"finding-{n}" for n, f in enumerate(findings, 1)}
    conclusions = shown(assessment.conclusions.prefetch_related("findings"))
    conclusion_ids = {c.pk: f"conclusion-{n}" for n, c in enumerate(conclusions, 1)}
    recommendations = shown(assessment.recommendations.prefetch_related("institutions", "conclusions"))

    def links(related: Iterable[Model], ids: dict[int, str]) -> list[str]:
        # Only links to records in the bundle: nothing excluded leaks through them.
        return [ids[pk] for pk in sorted(r.pk for r in related) if pk in ids]

    def citations(rows: Iterable[Citation]) -> list[dict[str, Any]]:
        result = []
        for c in _in_order(rows):
            source = source_ids.get(c.source_id) if c.source_id else None
            activity = activity_ids.get(c.activity_id) if c.activity_id else None
            if (c.source_id and source is None) or (c.activity_id and activity is None):
                continue  # cites something the audience may not see
            result.append({"source": source, "activity": activity, "pinpoint": c.pinpoint, "stance": c.stance})
        return result

    def institution(i: Institution) -> dict[str, Any]:
        return without_names("institution", {
            "id": institution_ids[i.pk], "name": i.name, "category": i.category, "sections": list(i.sections),
            "notes": i.notes, "contact_point": i.contact_point, "clearance_notes": i.clearance_notes})

    def activity(a: Activity) -> dict[str, Any]:
        row = {
            "id": activity_ids[a.pk], "kind": a.kind, "title": a.title, "date": _date(a.date),
            "mission": mission_ids.get(a.mission_id) if a.mission_id else None,
            "institutions": links(a.institutions.all(), institution_ids),
            "questions": list(a.questions), "notes": a.notes, "classification": a.classification,
            "participants": a.participants,
        }
        return without_names("activity", row)

    bundle: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "audience": audience,
        "files": "included" if include_files else "left_out",
        "catalog": {"version": assessment.catalog.version, "digest": assessment.catalog.digest},
        "assessment": without_names("assessment", _plan(assessment)),
        "missions": [
            without_names("mission", {"id": mission_ids[m.pk], "title": m.title, "start_date": _date(m.start_date),
                                      "end_date": _date(m.end_date), "places": m.places, "notes": m.notes})
            for m in missions
        ],
        "institutions": [institution(i) for i in institutions],
        "national_questions": [
            {"key": q.key, "subsection": q.subsection, "number": q.number, "text": q.text,
             "parent": q.parent_key or None}
            for q in _in_order(assessment.national_questions.all())
        ],
        "activities": [activity(a) for a in activities],
        "sources": [_source(s, source_ids[s.pk], include_files) for s in sources],
        "responses": [
            {"question": r.question, "narrative": r.narrative, "de_jure": r.de_jure, "de_facto": r.de_facto,
             "classification": r.classification, "review_state": r.review_state, "carried_over": r.carried_over,
             "confirmed": r.confirmed, "citations": citations(r.citations.all())}
            for r in responses
        ],
        "findings": [
            {"id": finding_ids[f.pk], "kind": f.kind, "title": f.title, "text": f.text, "subsection": f.subsection,
             "responses": links(f.responses.all(), response_keys), "provisions": list(f.provisions),
             "classification": f.classification, "citations": citations(f.citations.all())}
            for f in findings
        ],
        "conclusions": [
            {"id": conclusion_ids[c.pk], "text": c.text, "basis": c.basis, "tentative": c.tentative,
             "findings": links(c.findings.all(), finding_ids), "classification": c.classification}
            for c in conclusions
        ],
        "recommendations": [
            {"id": f"recommendation-{n}", "text": r.text, "area": r.area, "priority": r.priority, "rank": r.rank,
             "sequence": r.sequence, "institutions": links(r.institutions.all(), institution_ids),
             "timeline": r.timeline, "estimated_cost": None if r.estimated_cost is None else str(r.estimated_cost),
             "currency": r.currency, "status": r.status, "review_state": r.review_state,
             "conclusions": links(r.conclusions.all(), conclusion_ids), "toolkit": list(r.toolkit),
             "framework": list(r.framework), "classification": r.classification, "carried_over": r.carried_over,
             "confirmed": r.confirmed}
            for n, r in enumerate(recommendations, 1)
        ],
        "exported": {"at": timezone.now().isoformat(timespec="seconds"), "software": f"SOMA {__version__}"},
    }
    if restricted:  # who exported and who was on the team: names of people, so not in public bundles
        bundle["exported"]["by"] = user.get_username()
        bundle["exported"]["team"] = [
            {"username": m.user.get_username(), "role": m.role, "clearance": m.clearance}
            for m in assessment.memberships.select_related("user").order_by("user__username")
        ]
    # History entries are for content changes, so an export is logged rather than recorded there.
    log.info("Assessment %s exported as a %s bundle by %s", assessment.pk, audience, user.get_username())
    audit.export(user, assessment, "bundle", audience=audience, files=include_files)
    return bundle


def _plan(assessment: Assessment) -> dict[str, Any]:
    return {
        "title": assessment.title,
        "jurisdictions": [str(code) for code in assessment.jurisdictions],
        "purpose": assessment.purpose,
        "terms_of_reference": assessment.terms_of_reference,
        "comprehensive": assessment.comprehensive,
        "joint_with_trafficking": assessment.joint_with_trafficking,
        "start_date": _date(assessment.start_date),
        "end_date": _date(assessment.end_date),
        "classification": assessment.classification,
        "new_work_classification": assessment.new_work_classification,
        "dissemination": assessment.dissemination,
        "government_approval": assessment.government_approval,
        "advisory_group": assessment.advisory_group,
        "status": assessment.status,
        "scope": sorted(assessment.scope.values_list("subsection", flat=True), key=_scope_order(assessment)),
    }


def _scope_order(assessment: Assessment) -> Callable[[str], tuple[int, str]]:
    tree = assessment_selectors.tree_for(assessment)

    def order(key: str) -> tuple[int, str]:
        item = tree.get(key)
        return (item.pk if item else 0, key)

    return order


def _source(source: Source, bundle_id: str, include_files: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": bundle_id, "title": source.title, "kind": source.kind, "date": _date(source.date),
        "author": source.author, "link": source.link, "reliability": source.reliability,
        "credibility": source.credibility, "classification": source.classification, "notes": source.notes,
        "carried_over": source.carried_over, "confirmed": source.confirmed, "file": None,
    }
    if source.file:
        with source.file.open("rb") as handle:
            data = handle.read()
        row["file"] = {"name": source.file_name or "document", "type": source.file_type, "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest()}
        if include_files:
            row["file"]["content"] = base64.b64encode(data).decode("ascii")
    return row


def dumps(bundle: dict[str, Any]) -> bytes:
    """The bundle as bytes: sorted keys and a fixed layout, so equal bundles are equal bytes."""
    return (json.dumps(bundle, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def comparable(bundle: dict[str, Any]) -> bytes:
    """The bytes that a round trip keeps: the bundle without its informational `exported` block."""
    return dumps({key: value for key, value in bundle.items() if key != "exported"})


def export_bytes(user: User, assessment: Assessment, *, audience: str | None = None,
                 include_files: bool = True) -> bytes:
    return dumps(export_bundle(user, assessment, audience=audience, include_files=include_files))


def import_bundle(user: User | AnonymousUser | None, data: bytes,
                  progress: Callable[[int, str], None] | None = None) -> Assessment:
    """Create a new assessment from a bundle, with `user` as its lead (confidential clearance).

    Everything is checked before anything is written; BundleError lists every problem found."""
    report = progress or (lambda percent, step: None)
    if user is None or not user.is_authenticated:
        raise BundleError(["Sign in to import a bundle."])
    checked = check.check(data, report)
    return audit.imported(user, new_assessment.write(user, checked, report), "bundle")
