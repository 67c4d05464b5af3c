"""Who may do what on an assessment: the one place where permission decisions are made.

Roles are per assessment (a Membership). Only members see an assessment; observers only read; assessors and
the lead write content; reviewers approve; only the lead manages the team and moves the status, and the
final status needs a reviewer's approval. Each membership also carries a clearance: nobody sees material
classified above it.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404


class Role(StrEnum):
    LEAD = "lead"
    ASSESSOR = "assessor"
    REVIEWER = "reviewer"
    OBSERVER = "observer"


class Level(StrEnum):
    PUBLIC = "public"
    RESTRICTED = "restricted"
    CONFIDENTIAL = "confidential"


RANK = {Level.PUBLIC: 0, Level.RESTRICTED: 1, Level.CONFIDENTIAL: 2}


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # write content: responses, sources, stakeholders, findings, recommendations
    REVIEW = "review"  # mark responses and recommendations reviewed, approve the final report
    MANAGE = "manage"  # plan (terms of reference, scope), team, national questions, status


ALLOWED = {
    Role.LEAD: {Action.VIEW, Action.EDIT, Action.REVIEW, Action.MANAGE},
    Role.ASSESSOR: {Action.VIEW, Action.EDIT},
    Role.REVIEWER: {Action.VIEW, Action.REVIEW},
    Role.OBSERVER: {Action.VIEW},
}


class PermissionDenied(Exception):
    """A member tried something their role does not allow; the message says who may."""


def membership(user, assessment):
    """The user's membership of the assessment, or None. Cached on the assessment object per user."""
    if user is None or not user.is_authenticated:
        return None
    cache = assessment.__dict__.setdefault("_memberships", {})
    if user.pk not in cache:
        cache[user.pk] = assessment.memberships.filter(user=user).first()
    return cache[user.pk]


def remember_membership(assessment, user, member) -> None:
    """Cache a membership read together with its assessment (one query instead of two)."""
    assessment.__dict__.setdefault("_memberships", {})[user.pk] = member


FINAL_MESSAGE = "This assessment is final: its content is frozen. The lead can move it back to review to change it."


def can(user, action: Action, assessment) -> bool:
    member = membership(user, assessment)
    if member is None or Action(action) not in ALLOWED[Role(member.role)]:
        return False
    return not (Action(action) == Action.EDIT and assessment.status == "final")


def require(user, action: Action, assessment) -> None:
    """Raise Http404 for non-members (the assessment's existence is not revealed), PermissionDenied otherwise."""
    member = membership(user, assessment)
    if member is None:
        raise Http404("No such assessment.")
    if Action(action) not in ALLOWED[Role(member.role)]:
        raise PermissionDenied(_denied_message(action))
    if Action(action) == Action.EDIT and assessment.status == "final":
        raise PermissionDenied(FINAL_MESSAGE)


def _denied_message(action: Action) -> str:
    who = {
        Action.EDIT: "the lead and assessors",
        Action.REVIEW: "the lead and reviewers",
        Action.MANAGE: "the assessment's lead",
        Action.VIEW: "members",
    }[Action(action)]
    return f"Only {who} may do this. Ask the lead if you need another role."


def clearance(user, assessment) -> Level | None:
    member = membership(user, assessment)
    return Level(member.clearance) if member else None


def cleared_levels(user, assessment) -> list[str]:
    """The classification levels this user may see on this assessment (empty for non-members)."""
    level = clearance(user, assessment)
    if level is None:
        return []
    return [str(lv) for lv, rank in RANK.items() if rank <= RANK[level]]


def may_see(user, assessment, classification: str) -> bool:
    return classification in cleared_levels(user, assessment)


# --- Names of people ---------------------------------------------------------------------------------------------

# Names of people, and the notes that hold them, are restricted material whatever the classification of the
# record they are on: these fields, by model name. The one rule for pages, API, bundles, reports and history.
NAMES_OF_PEOPLE: dict[str, tuple[str, ...]] = {
    "assessment": ("advisory_group",),  # the advisory group's members
    "mission": ("notes",),  # whom the mission met, arrangements
    "institution": ("contact_point", "clearance_notes"),
    "activity": ("participants",),  # the individuals met
}


def names_allowed(levels) -> bool:
    """Whether material for these classification levels (an audience's, or a user's clearance) may hold names
    of people: from restricted up."""
    return str(Level.RESTRICTED) in {str(level) for level in levels}


def withheld_fields(model, levels) -> tuple[str, ...]:
    """The fields of `model` (a model class or instance, or its model name such as "mission") that material for
    `levels` leaves out: names of people, below restricted."""
    if names_allowed(levels):
        return ()
    name = model if isinstance(model, str) else model._meta.model_name
    return NAMES_OF_PEOPLE.get(name, ())


def withheld_from(user, assessment, model) -> tuple[str, ...]:
    """The fields of `model` that this user may not see on this assessment (their clearance)."""
    return withheld_fields(model, cleared_levels(user, assessment))


def may_see_names(user, assessment) -> bool:
    return names_allowed(cleared_levels(user, assessment))
