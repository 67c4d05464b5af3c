"""Reads of assessments. get_assessment fetches and checks; every other read takes the assessment as the user sees
it (soma.kernel.clearance.Seen, already checked) and returns only what that user may see."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from soma.assessments.models import (
    Activity,
    Assessment,
    FinalApproval,
    Institution,
    Membership,
    Mission,
    NationalQuestion,
    StatusChange,
)
from soma.catalog import selectors as catalog_selectors
from soma.catalog.models import Item
from soma.kernel.access import Action, remember_membership, require
from soma.kernel.clearance import Seen

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from soma.accounts.models import HistoryEntry

M = TypeVar("M", bound=Model)
# (catalog tree, section, subsection, its guide question items, its national questions)
Walked = tuple[catalog_selectors.Tree, Item, Item, list[Item], list[NationalQuestion]]


def assessments_for(user: User | AnonymousUser | None) -> QuerySet[Assessment]:
    if user is None or not user.is_authenticated:
        return Assessment.objects.none()
    return Assessment.objects.filter(memberships__user=user).select_related("catalog").distinct()


def get_assessment(user: User | AnonymousUser | None, pk: int | str) -> Assessment:
    """The assessment if the user is a member; 404 otherwise (its existence is not revealed). The assessment
    and the user's membership come in one query; the membership is cached on the assessment for the request."""
    member = None
    if user is not None and user.is_authenticated:
        try:
            rows = Membership.objects.select_related("assessment__catalog")
            member = rows.filter(assessment__pk=pk, user=user).first()
        except (ValueError, TypeError):
            member = None
    if member is None:
        raise Http404("No such assessment.")
    assessment = member.assessment
    remember_membership(assessment, user, member)
    require(user, Action.VIEW, assessment)
    return assessment


@dataclass
class Question:
    """A question in scope: the guide's own or a national addition, in one shape."""

    key: str
    subsection: str
    text: str
    level: str
    parent: str | None
    options: list[str] = field(default_factory=list)
    national: bool = False


@dataclass
class SubsectionScope:
    key: str
    code: str
    title: str
    section_code: str
    questions: list[Question]
    requirements: list[Item] = field(default_factory=list)
    guidelines: list[Item] = field(default_factory=list)


def scope_keys(assessment: Assessment) -> list[str]:
    return list(assessment.scope.values_list("subsection", flat=True))


def tree_for(assessment: Assessment) -> catalog_selectors.Tree:
    """The catalog tree of the version this assessment is pinned to."""
    tree = catalog_selectors.tree(assessment.catalog)
    assert tree is not None  # None only for no catalog version; an assessment always has one
    return tree


def _guide_question(item: Item, subsection: str) -> Question:
    return Question(
        key=item.key,
        subsection=subsection,
        text=item.display_text,
        level=item.attrs.get("level", "primary"),
        parent=item.attrs.get("parent_question"),
        options=item.attrs.get("options", []),
    )


def _national_question(row: NationalQuestion) -> Question:
    return Question(
        key=row.key,
        subsection=row.subsection,
        text=row.text,
        level="secondary" if row.parent_key else "primary",
        parent=row.parent_key or None,
        national=True,
    )


def _subsections_in_scope(seen: Seen) -> tuple[catalog_selectors.Tree, list[tuple[Item, Item]]]:
    """The catalog tree and (section, subsection) items for each subsection in scope, in guide order."""
    assessment = seen.assessment
    tree = tree_for(assessment)
    keys = set(scope_keys(assessment))
    return tree, [
        (section, sub)
        for section in tree.children("guide", kind="guide_section")
        for sub in tree.children(section.key, kind="guide_subsection")
        if sub.key in keys
    ]


def _question_items(tree: catalog_selectors.Tree, sub: Item) -> list[Item]:
    return [q for q in tree.descendants(sub) if q.kind == "question"]


def _walk_scope(seen: Seen) -> Iterator[Walked]:
    """(section, subsection, its guide question items, its national questions) for each subsection in scope,
    in guide order."""
    tree, subsections = _subsections_in_scope(seen)
    national: dict[str, list[NationalQuestion]] = {}
    for question in seen.assessment.national_questions.all():
        national.setdefault(question.subsection, []).append(question)
    for section, sub in subsections:
        yield tree, section, sub, _question_items(tree, sub), national.get(sub.key, [])


def _subsection_scope(tree: catalog_selectors.Tree, section: Item, sub: Item, items: list[Item],
                      national: list[NationalQuestion]) -> SubsectionScope:
    return SubsectionScope(
        key=sub.key,
        code=sub.code,
        title=sub.display_title,
        section_code=section.code,
        questions=[_guide_question(q, sub.key) for q in items] + [_national_question(n) for n in national],
        requirements=tree.children(sub.key, kind="requirement"),
        guidelines=tree.children(sub.key, kind="guideline"),
    )


def questions_in_scope(seen: Seen) -> list[SubsectionScope]:
    """Subsections in scope, in guide order, each with its questions (national ones after the guide's)."""
    return [_subsection_scope(*walked) for walked in _walk_scope(seen)]


@dataclass
class SubsectionHeading:
    """A subsection named, not shown: the question page's links to the previous and next subsections."""

    key: str
    code: str
    title: str
    section_code: str


@dataclass
class SubsectionInScope:
    subsection: SubsectionScope
    previous: SubsectionHeading | None
    next: SubsectionHeading | None


def subsection_in_scope(seen: Seen, key: str) -> SubsectionInScope | None:
    """The subsection `key` as questions_in_scope lists it, with the subsections before and after it in the scope;
    None when it is not in the scope. Only this subsection's questions are built (the question page shows one
    subsection; a full scope has 714 questions)."""
    tree, subsections = _subsections_in_scope(seen)
    position = next((i for i, (_section, sub) in enumerate(subsections) if sub.key == key), None)
    if position is None:
        return None

    def heading(i: int) -> SubsectionHeading | None:
        if not 0 <= i < len(subsections):
            return None
        section, sub = subsections[i]
        return SubsectionHeading(sub.key, sub.code, sub.display_title, section.code)

    section, sub = subsections[position]
    national = list(seen.assessment.national_questions.filter(subsection=sub.key))
    return SubsectionInScope(
        subsection=_subsection_scope(tree, section, sub, _question_items(tree, sub), national),
        previous=heading(position - 1),
        next=heading(position + 1),
    )


@dataclass
class SubsectionOutline:
    """A subsection in scope with only its questions' ids: for pages that count or order, not show, questions."""

    key: str
    code: str
    title: str
    section_code: str
    question_keys: list[str]


def scope_outline(seen: Seen) -> list[SubsectionOutline]:
    """questions_in_scope without the questions' texts (the overview counts 714 questions; it shows none)."""
    return [
        SubsectionOutline(sub.key, sub.code, sub.display_title, section.code,
                          [q.key for q in items] + [n.key for n in national])
        for _tree, section, sub, items, national in _walk_scope(seen)
    ]


def question_keys(seen: Seen) -> set[str]:
    return {key for sub in scope_outline(seen) for key in sub.question_keys}


def question_in_scope(seen: Seen, key: str) -> Question | None:
    """The question `key` as questions_in_scope lists it, or None when it is not in the scope; without building
    the scope: a look-up in the cached catalog tree and one query (saving or reading one answer needs no more)."""
    assessment = seen.assessment
    subsection, _sep, last = key.rpartition(":")
    if re.fullmatch(r"n\d{1,9}", last):  # a national question: "guide:V.C:n01"
        if last != f"n{int(last[1:]):02d}":
            return None
        row = assessment.national_questions.filter(
            subsection=subsection, number=int(last[1:]), assessment__scope__subsection=subsection
        ).first()
        return _national_question(row) if row is not None else None
    tree = tree_for(assessment)
    item = tree.get(key)
    if item is None or item.kind != "question":
        return None
    sub = tree.ancestor_of_kind(item, "guide_subsection")
    section = tree.by_pk.get(sub.parent_id) if sub is not None and sub.parent_id is not None else None
    guide = tree.get("guide")
    if sub is None or section is None or guide is None:
        return None
    if section.kind != "guide_section" or section.parent_id != guide.pk:
        return None
    return _guide_question(item, sub.key) if assessment.scope.filter(subsection=sub.key).exists() else None


def stage_guidance(assessment: Assessment) -> list[Item]:
    """The guide's methodology for the assessment's current stage."""
    tree = tree_for(assessment)
    return [m for m in tree.children("guide", kind="method_stage") if m.attrs.get("stage") == assessment.status]


# --- Reads for the assessment's own pages ---------------------------------------------------------------------

def my_assessments(user: User | AnonymousUser | None) -> list[Assessment]:
    """The user's assessments, each with `my_membership` (their role and clearance on it)."""
    from django.db.models import Prefetch

    mine = Membership.objects.filter(user=user) if user is not None and user.is_authenticated else None
    if mine is None:
        return []
    rows = assessments_for(user).prefetch_related(Prefetch("memberships", queryset=mine, to_attr="mine"))
    result: list[Assessment] = []
    for assessment in rows:
        row: Any = assessment  # my_membership is an attribute for the page, not a field
        row.my_membership = assessment.mine[0] if assessment.mine else None
        result.append(assessment)
    return result


def members(seen: Seen) -> QuerySet[Membership]:
    return seen.assessment.memberships.select_related("user").order_by("role", "user__username")


def membership(seen: Seen, pk: int | str) -> Membership:
    return _one(members(seen), pk)


def missions(seen: Seen) -> QuerySet[Mission]:
    return seen.assessment.missions.all()


def mission(seen: Seen, pk: int | str) -> Mission:
    return _one(missions(seen), pk)


def institutions(seen: Seen) -> QuerySet[Institution]:
    return seen.assessment.institutions.all()


def institution(seen: Seen, pk: int | str) -> Institution:
    return _one(institutions(seen), pk)


def activities(seen: Seen) -> QuerySet[Activity]:
    """Activities the user is cleared for, with their mission and institutions."""
    return seen.visible(seen.assessment.activities.select_related("mission").prefetch_related("institutions"))


def activity(seen: Seen, pk: int | str) -> Activity:
    return _one(activities(seen), pk)


def status_changes(seen: Seen) -> QuerySet[StatusChange]:
    return seen.assessment.status_changes.select_related("by").order_by("-at", "-pk")


def final_approvals_since_review(seen: Seen) -> list[FinalApproval]:
    """Reviewers' approvals given since the assessment last entered review (those that count for final)."""
    assessment = seen.assessment
    entered = assessment.status_changes.filter(to_status="review").order_by("-at", "-pk").first()
    approvals = assessment.final_approvals.select_related("reviewer")
    if entered:
        approvals = approvals.filter(at__gte=entered.at)
    return list(approvals)


def national_questions(seen: Seen) -> list[Question]:
    return [q for sub in questions_in_scope(seen) for q in sub.questions if q.national]


def history(seen: Seen) -> QuerySet[HistoryEntry]:
    """History entries the user is cleared for, newest first (soma.accounts.history_display says what they changed)."""
    return seen.visible(seen.assessment.history.select_related("user").order_by("-at", "-pk"))


def _one(queryset: QuerySet[M], pk: int | str) -> M:
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):  # the model's DoesNotExist
        raise Http404("Not found in this assessment.") from None
