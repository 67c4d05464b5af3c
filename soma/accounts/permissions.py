"""Who may do what on an assessment: the one place where permission decisions are made.

Roles are per assessment (a Membership). Only members see an assessment; observers only read; assessors and
the lead write content; reviewers approve; only the lead manages the team and moves the status, and the
final status needs a reviewer's approval. Each membership also carries a clearance: nobody sees material
classified above it.
"""

from __future__ import annotations

from enum import StrEnum

# Roles, actions and `can` / `require` live in the kernel; re-exported here while callers move to it.
from soma.kernel.access import (  # noqa: F401
    ALLOWED,
    FINAL_MESSAGE,
    Action,
    PermissionDenied,
    Role,
    can,
    membership,
    remember_membership,
    require,
)


class Level(StrEnum):
    PUBLIC = "public"
    RESTRICTED = "restricted"
    CONFIDENTIAL = "confidential"


RANK = {Level.PUBLIC: 0, Level.RESTRICTED: 1, Level.CONFIDENTIAL: 2}


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
