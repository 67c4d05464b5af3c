"""Who may do what on an assessment: roles, actions and the one table between them.

Roles are per assessment (a membership). Only members see an assessment; observers only read; assessors and
the lead write content; reviewers approve; only the lead manages the team and moves the status, and the
final status needs a reviewer's approval. What each member may *see* (their clearance) is soma.kernel.clearance.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.http import Http404


class Role(StrEnum):
    LEAD = "lead"
    ASSESSOR = "assessor"
    REVIEWER = "reviewer"
    OBSERVER = "observer"


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


def membership(user: Any, assessment: Any) -> Any:
    """The user's membership of the assessment, or None. Cached on the assessment object per user."""
    if user is None or not user.is_authenticated:
        return None
    cache = assessment.__dict__.setdefault("_memberships", {})
    if user.pk not in cache:
        cache[user.pk] = assessment.memberships.filter(user=user).first()
    return cache[user.pk]


def remember_membership(assessment: Any, user: Any, member: Any) -> None:
    """Cache a membership read together with its assessment (one query instead of two)."""
    assessment.__dict__.setdefault("_memberships", {})[user.pk] = member


FINAL_MESSAGE = "This assessment is final: its content is frozen. The lead can move it back to review to change it."


def can(user: Any, action: Action | str, assessment: Any) -> bool:
    member = membership(user, assessment)
    if member is None or Action(action) not in ALLOWED[Role(member.role)]:
        return False
    return not (Action(action) == Action.EDIT and assessment.status == "final")


def require(user: Any, action: Action | str, assessment: Any) -> None:
    """Raise Http404 for non-members (the assessment's existence is not revealed), PermissionDenied otherwise."""
    member = membership(user, assessment)
    if member is None:
        raise Http404("No such assessment.")
    if Action(action) not in ALLOWED[Role(member.role)]:
        raise PermissionDenied(_denied_message(action))
    if Action(action) == Action.EDIT and assessment.status == "final":
        raise PermissionDenied(FINAL_MESSAGE)


def _denied_message(action: Action | str) -> str:
    who = {
        Action.EDIT: "the lead and assessors",
        Action.REVIEW: "the lead and reviewers",
        Action.MANAGE: "the assessment's lead",
        Action.VIEW: "members",
    }[Action(action)]
    return f"Only {who} may do this. Ask the lead if you need another role."
