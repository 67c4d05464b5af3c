"""Clearance: who may see which classified material, for which audience. The one place these rules live.

Every classified record (answer, source, activity, finding, conclusion, recommendation, chapter, history entry)
is public, restricted or confidential. A member sees what is at or below their membership's clearance; material
made for an audience (a report version, a bundle) holds what is at or below both the audience and the maker's
clearance. Names of people are restricted whatever the record says (NAMES_OF_PEOPLE).

Pages, the report composer and the bundle export read an assessment through one `Seen` ("this assessment as seen
by this user for this audience"), built once by `seen_by()` and handed down, so every filter is the same one.

The kernel imports no SOMA app: memberships come from soma.kernel.access (through the assessment's relation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from soma.kernel.access import membership

if TYPE_CHECKING:  # for the types only: the kernel imports no app
    from django.contrib.auth.models import AnonymousUser, User
    from django_stubs_ext import StrOrPromise

    from soma.assessments.models import Assessment, Membership
    from soma.evidence.models import Citation

M = TypeVar("M", bound=Model)


class Level(models.TextChoices):
    """A classification, and a clearance: the same three levels (the choices of every classification field)."""

    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted")
    CONFIDENTIAL = "confidential", _("Confidential")


RANK: dict[Level, int] = {Level.PUBLIC: 0, Level.RESTRICTED: 1, Level.CONFIDENTIAL: 2}

# The versions of a report (and the audiences of a bundle), by the level they are made for.
AUDIENCE_LABELS = {
    Level.PUBLIC: _("Public version"),
    Level.RESTRICTED: _("Restricted version"),
    Level.CONFIDENTIAL: _("Confidential version"),
}


def rank(level: str) -> int:
    return RANK[Level(level)]


def highest(levels: Iterable[str]) -> Level:
    """The most sensitive of the levels (public for none)."""
    return max((Level(level) for level in levels), key=rank, default=Level.PUBLIC)


def lowest(levels: Iterable[str]) -> Level:
    return min((Level(level) for level in levels), key=rank, default=Level.PUBLIC)


def up_to(level: str | None) -> list[str]:
    """The levels at or below `level`, lowest first: what a clearance (or an audience) covers. None covers none."""
    if level is None:
        return []
    return [str(lv) for lv in Level if RANK[lv] <= rank(level)]


def within(levels: Iterable[str], audience: str) -> list[str]:
    """The levels of `levels` (a user's cleared levels) that material for `audience` may hold."""
    return [str(level) for level in levels if rank(level) <= rank(audience)]


def capped(requested: str | None, clearance: str) -> Level:
    """An audience asked for, lowered to the clearance (the clearance itself when none is asked for)."""
    if requested is None:
        return Level(clearance)
    return lowest([requested, clearance])


def may_see(levels: Iterable[str], classification: str) -> bool:
    return str(classification) in {str(level) for level in levels}


def visible(queryset: QuerySet[M], levels: Iterable[str], field: str = "classification") -> QuerySet[M]:
    """The rows of `queryset` classified within `levels` (`field` may follow a relation: "response__classification")."""
    return queryset.filter(**{f"{field}__in": [str(level) for level in levels]})


def above(queryset: QuerySet[M], levels: Iterable[str], field: str = "classification") -> QuerySet[M]:
    """The rows of `queryset` classified above `levels`: to count or name the fact, never to show them."""
    return queryset.exclude(**{f"{field}__in": [str(level) for level in levels]})


def classification_choices(levels: Iterable[str]) -> list[tuple[str, StrOrPromise]]:
    """The classifications a form may offer: only those within the user's clearance (nobody classifies above it)."""
    allowed = {str(level) for level in levels}
    return [(value, label) for value, label in Level.choices if value in allowed]


def default_classification(assessment: Assessment, levels: Iterable[str]) -> str:
    """The classification new content starts at when its creator (page, API or import) does not choose one: the
    lead's "classification of new work", never above the assessment's own classification, never above the
    creator's clearance (nobody starts work they could not see); public when the creator has no clearance."""
    wanted = lowest([assessment.new_work_classification, assessment.classification])
    allowed = [level for level in levels if rank(level) <= RANK[wanted]]
    return str(highest(allowed)) if allowed else str(Level.PUBLIC)


# --- Citations -----------------------------------------------------------------------------------------------------


def citation_visible(citation: Citation, levels: Iterable[str]) -> bool:
    """A citation shows when what it cites does: its source, or (for none) its activity."""
    cited = citation.source or citation.activity
    return cited is not None and may_see(levels, cited.classification)


def citations_visible_q(levels: Iterable[str], prefix: str = "") -> Q:
    """citation_visible as a query condition; `prefix` reaches citations through a relation ("citations__")."""
    levels = [str(level) for level in levels]
    return Q(**{f"{prefix}source__isnull": False, f"{prefix}source__classification__in": levels}) | Q(
        **{f"{prefix}source__isnull": True, f"{prefix}activity__classification__in": levels}
    )


# --- Names of people -----------------------------------------------------------------------------------------------

# Names of people, and the notes that hold them, are restricted material whatever the classification of the
# record they are on: these fields, by model name. The one rule for pages, API, bundles, reports and history.
NAMES_OF_PEOPLE: dict[str, tuple[str, ...]] = {
    "assessment": ("advisory_group",),  # the advisory group's members
    "mission": ("notes",),  # whom the mission met, arrangements
    "institution": ("contact_point", "clearance_notes"),
    "activity": ("participants",),  # the individuals met
}

# The fields that hold names on whatever record they appear (a history entry may carry another record's fields);
# "notes" holds names on a mission only.
NAME_FIELDS = frozenset(name for fields in NAMES_OF_PEOPLE.values() for name in fields) - {"notes"}


def names_of_people(model: str | Model | type[Model]) -> tuple[str, ...]:
    """The fields of `model` (a model class or instance, or its model name such as "mission") holding names."""
    name = model if isinstance(model, str) else model._meta.model_name or ""
    return NAMES_OF_PEOPLE.get(name, ())


def names_allowed(levels: Iterable[str]) -> bool:
    """Whether material for these levels (an audience's, or a user's clearance) may hold names of people: from
    restricted up."""
    return may_see(levels, Level.RESTRICTED)


def withheld_fields(model: str | Model | type[Model], levels: Iterable[str]) -> tuple[str, ...]:
    """The fields of `model` that material for `levels` leaves out: names of people, below restricted."""
    levels = list(levels)
    return () if names_allowed(levels) else names_of_people(model)


# --- Memberships ---------------------------------------------------------------------------------------------------


def clearance_of(member: Membership | None) -> Level | None:
    """A membership's clearance; None for no membership."""
    return Level(member.clearance) if member is not None else None


def cleared_levels(member: Membership | None) -> list[str]:
    """The levels a membership may see (none for no membership), lowest first."""
    return up_to(clearance_of(member))


# --- The assessment as seen --------------------------------------------------------------------------------------


class AboveClearance(Exception):
    """Material was asked for an audience above the user's clearance."""

    def __init__(self, audience: Level) -> None:
        self.audience = audience
        super().__init__(f"The clearance does not allow the {AUDIENCE_LABELS[audience]}.")


@dataclass(frozen=True)
class Seen:
    """This assessment as seen by this user (their membership, checked) for one audience: the levels it may hold
    and whether names of people are in. Built once per request, report or export by `seen_by()` and handed to
    the selectors, which filter through it and nothing else."""

    user: User
    assessment: Assessment
    membership: Membership
    audience: Level
    levels: tuple[str, ...]

    @property
    def clearance(self) -> Level:
        return Level(self.membership.clearance)

    @property
    def names_allowed(self) -> bool:
        return names_allowed(self.levels)

    def may_see(self, classification: str) -> bool:
        return may_see(self.levels, classification)

    def visible(self, queryset: QuerySet[M], field: str = "classification") -> QuerySet[M]:
        return visible(queryset, self.levels, field)

    def above(self, queryset: QuerySet[M], field: str = "classification") -> QuerySet[M]:
        return above(queryset, self.levels, field)

    def withheld(self, model: str | Model | type[Model]) -> tuple[str, ...]:
        return withheld_fields(model, self.levels)

    def citation_visible(self, citation: Citation) -> bool:
        return citation_visible(citation, self.levels)

    def citations_q(self, prefix: str = "") -> Q:
        return citations_visible_q(self.levels, prefix)

    def classification_choices(self) -> list[tuple[str, StrOrPromise]]:
        return classification_choices(self.levels)

    def default_classification(self) -> str:
        return default_classification(self.assessment, self.levels)

    def for_audience(self, audience: str) -> Seen:
        """The same assessment for a lower audience (a report version, a bundle); AboveClearance above it."""
        return _seen(self.user, self.assessment, self.membership, audience)


def seen_by(user: User | AnonymousUser | None, assessment: Assessment, audience: str | None = None) -> Seen:
    """The assessment as `user` sees it, for `audience` (default: their clearance). Http404 for non-members (the
    assessment's existence is not revealed); AboveClearance for an audience above their clearance."""
    member = membership(user, assessment)
    if member is None or user is None or not user.is_authenticated:  # only the signed-in have a membership
        raise Http404("No such assessment.")
    return _seen(user, assessment, member, audience)


def _seen(user: User, assessment: Assessment, member: Membership, audience: str | None) -> Seen:
    clearance = Level(member.clearance)
    level = clearance if audience is None else Level(audience)
    if RANK[level] > RANK[clearance]:
        raise AboveClearance(level)
    return Seen(user, assessment, member, level, tuple(up_to(level)))
