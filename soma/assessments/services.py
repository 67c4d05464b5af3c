"""Writes to an assessment's plan, team and stakeholders. One transaction each, history recorded here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.db.models import Model

from soma.accounts import audit, history
from soma.assessments.models import (
    SECTIONS_BY_CATEGORY,
    STATUS_ORDER,
    Activity,
    Assessment,
    FinalApproval,
    Institution,
    Membership,
    Mission,
    NationalQuestion,
    ScopeEntry,
    Status,
    StatusChange,
)
from soma.assessments.selectors import tree_for
from soma.catalog import selectors as catalog_selectors
from soma.kernel.access import Action, PermissionDenied, Role, membership, require
from soma.kernel.clearance import Level, rank, seen_by
from soma.kernel.errors import ServiceError
from soma.kernel.versioning import lock_existing, save_next_version

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from soma.catalog.models import CatalogVersion
    from soma.evidence.models import Source
    from soma.findings.models import Recommendation, Response

M = TypeVar("M", bound=Model)

PLAN_FIELDS = (
    "title",
    "jurisdictions",
    "purpose",
    "terms_of_reference",
    "comprehensive",
    "joint_with_trafficking",
    "start_date",
    "end_date",
    "classification",
    "new_work_classification",
    "dissemination",
    "government_approval",
    "advisory_group",
)


@dataclass
class Created:
    assessment: Assessment
    warnings: list[str]


def scope_warnings(assessment: Assessment, keys: list[str]) -> list[str]:
    """The guide asks that a complete assessment always covers the legal framework (section I)."""
    if not assessment.comprehensive:
        return []
    tree = tree_for(assessment)
    legal = {sub.key for sub in tree.children("guide:section:I", kind="guide_subsection")}
    missing = sorted(legal - set(keys))
    if missing:
        codes = ", ".join(key.split(":")[1] for key in missing)
        return [
            f"A complete assessment should cover the legal framework (section I); {codes} "
            "are left out of the scope."
        ]
    return []


def resolve_scope(tree: catalog_selectors.Tree, entries: list[str]) -> list[str]:
    """Turn section codes ("V") and subsection codes ("V.C", "XII") into subsection ids, in guide order."""
    wanted, unknown = set(), []
    for entry in entries:
        code = entry.split(":")[-1].strip()
        section = tree.get(f"guide:section:{code}")
        subsection = tree.get(f"guide:{code}")
        if section is not None:
            wanted |= {s.key for s in tree.children(section.key, kind="guide_subsection")}
        elif subsection is not None and subsection.kind == "guide_subsection":
            wanted.add(subsection.key)
        else:
            unknown.append(entry)
    if unknown:
        raise ServiceError(
            f"Not a guide section or subsection: {', '.join(unknown)}. Use codes such as I, V or V.C."
        )
    ordered = [s.key for s in tree.all("guide_subsection") if s.key in wanted]
    return sorted(ordered, key=lambda key: tree.by_key[key].pk)


@transaction.atomic
def create_assessment(user: User, *, scope: list[str], missions: list[dict[str, Any]] | None = None,
                      catalog: CatalogVersion | None = None, **fields: Any) -> Created:
    """Create an assessment with its creator as lead (cleared for everything) and its scope."""
    if not user or not user.is_authenticated:
        raise ServiceError("Sign in to create an assessment.")
    catalog = catalog or catalog_selectors.catalog_version()
    if catalog is None:
        raise ServiceError("No catalog is loaded. An administrator must run `soma catalog load` first.")
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if not fields.get("title", "").strip():
        raise ServiceError("Give the assessment a title.")
    if not fields.get("jurisdictions"):
        raise ServiceError("Choose at least one jurisdiction.")
    _check_dates(fields.get("start_date"), fields.get("end_date"))
    fields = _with_new_work_level(fields, Assessment())
    assessment = Assessment.objects.create(catalog=catalog, created_by=user, **fields)
    keys = resolve_scope(tree_for(assessment), scope)
    if not keys:
        raise ServiceError("Choose at least one guide section or subsection for the scope.")
    ScopeEntry.objects.bulk_create([ScopeEntry(assessment=assessment, subsection=key) for key in keys])
    Membership.objects.create(assessment=assessment, user=user, role=Role.LEAD, clearance="confidential")
    for mission in missions or []:
        Mission.objects.create(assessment=assessment, **mission)
    history.record(user, assessment, "created", assessment, None, history.snapshot(assessment))
    audit.record("assessment_created", user=user, assessment=assessment)
    return Created(assessment, scope_warnings(assessment, keys))


def _with_new_work_level(fields: dict[str, Any], current: Assessment) -> dict[str, Any]:
    """The classification of new work is capped at the assessment's own: refused when asked for above it,
    lowered with the assessment's when that goes below it (or when it was never chosen)."""
    levels = [str(level) for level in Level]
    for name in ("classification", "new_work_classification"):
        if name in fields and fields[name] not in levels:
            raise ServiceError(f"{name.replace('_', ' ').capitalize()} must be one of: {', '.join(levels)}.")
    own = Level(fields.get("classification", current.classification))
    if "new_work_classification" in fields:
        if rank(fields["new_work_classification"]) > rank(own):
            raise ServiceError(
                f"New work cannot start above the assessment's own classification ({own}). Choose {own} or lower, "
                "or raise the assessment's classification first.")
        return fields
    if rank(current.new_work_classification) > rank(own):
        return {**fields, "new_work_classification": str(own)}
    return fields


def _refuse_withheld(user: User, assessment: Assessment, obj: Model, fields: dict[str, Any]) -> None:
    """What a user may not see, their save must not touch: names of people above their clearance."""
    withheld = sorted(set(fields) & set(seen_by(user, assessment).withheld(obj)))
    if withheld:
        raise ServiceError(
            f"{', '.join(withheld)}: names of people are restricted material, above your clearance on this "
            "assessment. Leave them out; the lead can change them.")


def _check_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise ServiceError("The end date is before the start date. Correct one of them.")


@transaction.atomic
def update_plan(user: User, assessment: Assessment, *, expected_version: int, **fields: Any) -> list[str]:
    require(user, Action.MANAGE, assessment)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = lock_existing(Assessment.objects.filter(pk=assessment.pk), expected_version,
                            message="Someone else changed the plan since you opened it. Reload to see their changes.")
    _refuse_withheld(user, current, current, fields)
    _check_dates(fields.get("start_date", current.start_date), fields.get("end_date", current.end_date))
    fields = _with_new_work_level(fields, current)
    before = history.snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    save_next_version(current)
    current.refresh_from_db()
    history.record(user, current, "changed", current, before, history.snapshot(current))
    assessment.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return scope_warnings(current, list(current.scope.values_list("subsection", flat=True)))


@transaction.atomic
def set_scope(user: User, assessment: Assessment, entries: list[str]) -> list[str]:
    require(user, Action.MANAGE, assessment)
    keys = resolve_scope(tree_for(assessment), entries)
    if not keys:
        raise ServiceError("Choose at least one guide section or subsection for the scope.")
    before = sorted(assessment.scope.values_list("subsection", flat=True))
    assessment.scope.exclude(subsection__in=keys).delete()
    existing = set(assessment.scope.values_list("subsection", flat=True))
    ScopeEntry.objects.bulk_create([ScopeEntry(assessment=assessment, subsection=k) for k in keys if k not in existing])
    history.record(user, assessment, "changed", assessment, {"scope": before}, {"scope": keys})
    return scope_warnings(assessment, keys)


# --- Team ----------------------------------------------------------------------------------------------------


@transaction.atomic
def add_member(user: User, assessment: Assessment, member: User, role: str, clearance: str = "restricted"
               ) -> Membership:
    require(user, Action.MANAGE, assessment)
    if assessment.memberships.filter(user=member).exists():
        raise ServiceError(f"{member} is already on the team. Change their role instead.")
    membership = Membership.objects.create(assessment=assessment, user=member, role=Role(role), clearance=clearance)
    history.record(user, assessment, "created", membership, None, history.snapshot(membership))
    audit.membership("membership_added", user, membership)
    return membership


@transaction.atomic
def change_member(user: User, assessment: Assessment, membership: Membership, *, role: str,
                  clearance: str) -> Membership:
    require(user, Action.MANAGE, assessment)
    if membership.assessment_id != assessment.pk:
        raise ServiceError("That person is not on this assessment's team.")
    if membership.role == Role.LEAD and role != Role.LEAD and _leads(assessment) == 1:
        raise ServiceError("An assessment needs a lead. Make someone else lead first.")
    before = history.snapshot(membership)
    membership.role, membership.clearance = Role(role), clearance
    membership.save()
    history.record(user, assessment, "changed", membership, before, history.snapshot(membership))
    audit.membership("membership_changed", user, membership, before)
    assessment.__dict__.pop("_memberships", None)
    return membership


@transaction.atomic
def remove_member(user: User, assessment: Assessment, membership: Membership) -> None:
    require(user, Action.MANAGE, assessment)
    if membership.assessment_id != assessment.pk:
        raise ServiceError("That person is not on this assessment's team.")
    if membership.role == Role.LEAD and _leads(assessment) == 1:
        raise ServiceError("An assessment needs a lead. Make someone else lead before removing this one.")
    history.record(user, assessment, "deleted", membership, history.snapshot(membership), None)
    audit.membership("membership_removed", user, membership)
    membership.delete()
    assessment.__dict__.pop("_memberships", None)


def _leads(assessment: Assessment) -> int:
    return assessment.memberships.filter(role=Role.LEAD).count()


# --- Status ----------------------------------------------------------------------------------------------------


@transaction.atomic
def approve_final(user: User, assessment: Assessment, note: str = "") -> FinalApproval:
    member = membership(user, assessment)
    if member is None:
        require(user, Action.VIEW, assessment)
    if member.role != Role.REVIEWER:
        raise PermissionDenied("Only a reviewer may approve an assessment for its final status.")
    if assessment.status != Status.REVIEW:
        raise ServiceError("An assessment is approved for final status while it is under review.")
    approval = FinalApproval.objects.create(assessment=assessment, reviewer=user, note=note)
    history.record(user, assessment, "created", approval, None, history.snapshot(approval))
    return approval


@transaction.atomic
def change_status(user: User, assessment: Assessment, to_status: str, note: str = "") -> StatusChange:
    """Move one stage forward or back. Only the lead moves the status; final needs a reviewer's approval."""
    require(user, Action.MANAGE, assessment)
    if to_status not in STATUS_ORDER:
        raise ServiceError(f"Unknown status '{to_status}'.")
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    step = STATUS_ORDER.index(to_status) - STATUS_ORDER.index(current.status)
    if abs(step) != 1:
        raise ServiceError("An assessment moves one stage at a time, forward or back.")
    if to_status == Status.FINAL and not _approved_since_review(current):
        raise ServiceError("A reviewer must approve the assessment before it becomes final.")
    change = StatusChange.objects.create(
        assessment=current, from_status=current.status, to_status=to_status, by=user, note=note
    )
    history.record(user, current, "changed", current, {"status": current.status}, {"status": to_status})
    audit.record("status_changed", user=user, assessment=current, from_status=current.status, to_status=to_status)
    current.status = to_status
    save_next_version(current, update_fields=["status", "updated_at"])
    assessment.status, assessment.version = current.status, current.version
    return change


def _approved_since_review(assessment: Assessment) -> bool:
    entered = assessment.status_changes.filter(to_status=Status.REVIEW).order_by("-at", "-pk").first()
    approvals = assessment.final_approvals.all()
    if entered:
        approvals = approvals.filter(at__gte=entered.at)
    return approvals.exists()


# --- Stakeholders, missions, activities, national questions ------------------------------------------------------


def _save(user: User, assessment: Assessment, obj: M, fields: dict[str, Any], action: Action = Action.EDIT) -> M:
    require(user, action, assessment)
    if obj.pk and not seen_by(user, assessment).may_see(getattr(obj, "classification", "public")):
        raise PermissionDenied("That is classified above your clearance.")
    if "classification" in fields and not seen_by(user, assessment).may_see(fields["classification"]):
        raise ServiceError("You cannot classify material above your own clearance.")
    _refuse_withheld(user, assessment, obj, fields)
    before = history.snapshot(obj) if obj.pk else None
    m2m = {name: fields.pop(name) for name in list(fields) if name in {f.name for f in obj._meta.many_to_many}}
    for name, value in {**fields, "assessment": assessment}.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=["assessment"])
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    history.record(user, assessment, "changed" if before else "created", obj, before, history.snapshot(obj))
    return obj


@transaction.atomic
def save_institution(user: User, assessment: Assessment, institution: Institution | None = None,
                     **fields: Any) -> Institution:
    institution = institution or Institution()
    if not fields.get("sections") and not institution.sections and fields.get("category"):
        fields["sections"] = SECTIONS_BY_CATEGORY.get(fields["category"], [])
    return _save(user, assessment, institution, fields)


@transaction.atomic
def save_mission(user: User, assessment: Assessment, mission: Mission | None = None, **fields: Any) -> Mission:
    _check_dates(fields.get("start_date"), fields.get("end_date"))
    return _save(user, assessment, mission or Mission(), fields, Action.MANAGE)


@transaction.atomic
def save_activity(user: User, assessment: Assessment, activity: Activity | None = None, **fields: Any) -> Activity:
    from soma.assessments.selectors import question_keys

    seen = seen_by(user, assessment)
    institutions = fields.get("institutions", [])
    if any(i.assessment_id != assessment.pk for i in institutions):
        raise ServiceError("An activity can only involve institutions of the same assessment.")
    unknown = set(fields.get("questions", [])) - question_keys(seen)
    if unknown:
        raise ServiceError(f"Not questions of this assessment's scope: {', '.join(sorted(unknown))}.")
    if activity is None and "classification" not in fields:
        fields["classification"] = seen.default_classification()
    return _save(user, assessment, activity or Activity(), fields)


@transaction.atomic
def add_national_question(user: User, assessment: Assessment, subsection: str, text: str,
                          parent_key: str = "") -> NationalQuestion:
    require(user, Action.MANAGE, assessment)
    text = " ".join(text.split())
    if not text:
        raise ServiceError("Write the question.")
    if not assessment.scope.filter(subsection=subsection).exists():
        raise ServiceError(f"{subsection} is not in this assessment's scope. Add it to the scope first.")
    if parent_key and not parent_key.startswith(subsection + ":"):
        raise ServiceError("A secondary question must sit under a question of the same subsection.")
    last = assessment.national_questions.filter(subsection=subsection).order_by("-number").first()
    question = NationalQuestion.objects.create(
        assessment=assessment,
        subsection=subsection,
        number=(last.number + 1) if last else 1,
        text=text,
        parent_key=parent_key,
        created_by=user,
    )
    history.record(user, assessment, "created", question, None, history.snapshot(question))
    return question


# --- Follow-up ----------------------------------------------------------------------------------------------------


@transaction.atomic
def confirm_carried_over(user: User, assessment: Assessment, obj: Response | Source | Recommendation) -> None:
    """Mark a carried-over answer, source or recommendation (any row of the assessment with `carried_over` and
    `confirmed`, see soma.followup) as checked for this assessment."""
    require(user, Action.EDIT, assessment)
    if obj.assessment_id != assessment.pk:
        raise ServiceError("That belongs to another assessment.")
    if not seen_by(user, assessment).may_see(obj.classification):
        raise PermissionDenied("That is classified above your clearance.")
    if not obj.carried_over:
        raise ServiceError("Only items carried over into this assessment need confirming.")
    before = history.snapshot(obj)
    obj.confirmed = True
    obj.save(update_fields=["confirmed"])
    history.record(user, assessment, "changed", obj, before, history.snapshot(obj))
