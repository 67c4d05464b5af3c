"""Reads for the question-by-question workspace. Each takes the assessment as the user sees it (a checked Seen)
and returns only what they may see.

A response classified above the user's clearance is never shown; the question says only that an answer
exists at a higher classification (no text, status or citations), so nobody starts a second answer to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from django.http import Http404
from django.utils.translation import get_language

from soma.assessments import selectors as assessment_selectors
from soma.assessments.selectors import Question, SubsectionHeading, SubsectionOutline, SubsectionScope
from soma.evidence.models import Citation
from soma.findings import selectors as finding_selectors
from soma.findings.models import Corroboration, Implementation, Response, ReviewState
from soma.kernel.access import Action, can
from soma.kernel.clearance import Level, Seen
from soma.responses.services import corroboration

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from soma.assessments.models import Assessment
    from soma.catalog.selectors import Tree


def response_corroboration(seen: Seen, response: Response) -> str:
    """The corroboration of an answer, from the citations the user may see."""
    cited = [c for c in response.citations.all() if seen.citation_visible(c)]
    return corroboration(cited)


def anchor(key: str) -> str:
    """An HTML id for a question key (guide:V.C:q01 -> q-guide-V-C-q01)."""
    return "q-" + key.replace(":", "-").replace(".", "-")


def hidden_answers(seen: Seen, questions: Iterable[str] | None = None) -> set[str]:
    """Questions (of `questions`, or all) whose answer is classified above the user's clearance (only the fact,
    never the content)."""
    if all(seen.may_see(level) for level in Level):
        return set()  # nothing is classified above the highest clearance: no query
    rows = seen.above(seen.assessment.responses.all())
    if questions is not None:
        rows = rows.filter(question__in=list(questions))
    return set(rows.values_list("question", flat=True))


def response(seen: Seen, question: str) -> Response | None:
    """The visible response to one question, or None."""
    return finding_selectors.responses_to(seen, [question]).get(question)


def citation(seen: Seen, pk: int | str) -> Citation:
    """A citation on a response the user may see, of evidence the user may see; 404 otherwise."""
    found = (
        seen.visible(seen.assessment.citations.filter(pk=pk, response__isnull=False), "response__classification")
        .select_related("source", "activity", "response")
        .first()
    )
    if found is None or not seen.citation_visible(found):
        raise Http404("No such citation.")
    return found


@dataclass
class QuestionView:
    question: Question
    anchor: str
    response: Response | None = None
    hidden: bool = False  # an answer exists above the user's clearance
    citations: list[Citation] = field(default_factory=list)
    corroboration: str = Corroboration.UNSUBSTANTIATED
    secondaries: list[QuestionView] = field(default_factory=list)

    @property
    def corroboration_label(self) -> StrOrPromise:
        return Corroboration(self.corroboration).label

    @property
    def empty(self) -> bool:
        """Nothing answered and nothing cited (no answer, or one with no text, both statuses unknown and no citation
        the user may see): no corroboration to show."""
        answer = self.response
        if answer is None:
            return True
        unknown = answer.de_jure == answer.de_facto == Implementation.UNKNOWN
        return unknown and not answer.narrative.strip() and not self.citations

    @property
    def version(self) -> int:
        return self.response.version if self.response else 0

    @property
    def needs_confirming(self) -> bool:
        return bool(self.response and self.response.carried_over and not self.response.confirmed)


@dataclass
class SubsectionProgress:
    scope: SubsectionOutline
    total: int
    answered: int
    reviewed: int


@dataclass
class SectionGroup:
    code: str
    title: str
    subsections: list[SubsectionProgress]


def index(seen: Seen) -> list[SectionGroup]:
    """Subsections in scope grouped by guide section, with answered / total and reviewed counts (counted from the
    visible answers' text and review state: no question, answer or citation is built)."""
    scope = assessment_selectors.scope_outline(seen)
    rows = seen.visible(seen.assessment.responses.all()).values_list("question", "narrative", "review_state")
    answers = {key: (bool(narrative.strip()), state == ReviewState.REVIEWED) for key, narrative, state in rows}
    tree = assessment_selectors.tree_for(seen.assessment)
    groups: dict[str, SectionGroup] = {}
    for sub in scope:
        if sub.section_code not in groups:
            section = tree.get(f"guide:section:{sub.section_code}")
            groups[sub.section_code] = SectionGroup(sub.section_code, section.display_title if section else "", [])
        found = [answers[key] for key in sub.question_keys if key in answers]
        groups[sub.section_code].subsections.append(
            SubsectionProgress(
                scope=sub,
                total=len(sub.question_keys),
                answered=sum(1 for has_text, _reviewed in found if has_text),
                reviewed=sum(1 for _has_text, reviewed in found if reviewed),
            )
        )
    return list(groups.values())


@dataclass
class Requirement:
    """One sentence of the subsection's "International requirements" box and the articles it cites.
    The catalog keeps one item per cited article, often with the same sentence: shown once here."""

    key: str
    text: str
    cites: list[tuple[str, str]] = field(default_factory=list)  # [(catalog key, label)]


# requirements() per catalog tree (a version of the catalog, which does not change), subsection and language.
_REQUIREMENTS: WeakKeyDictionary[Tree, dict[tuple[str, str | None], list[Requirement]]] = WeakKeyDictionary()


def requirements(assessment: Assessment, scope: SubsectionScope) -> list[Requirement]:
    """The subsection's requirements with the articles they cite, worked out once per catalog version, subsection
    and language (the question page shows them on every visit)."""
    tree = assessment_selectors.tree_for(assessment)
    known = _REQUIREMENTS.setdefault(tree, {})
    key = (scope.key, get_language())
    if key not in known:
        known[key] = _requirements(tree, scope)
    return known[key]


def _requirements(tree: Tree, scope: SubsectionScope) -> list[Requirement]:
    from soma.catalog import selectors as catalog_selectors

    merged: dict[str, Requirement] = {}
    for item in scope.requirements:
        text = item.display_text or item.display_title
        entry = merged.setdefault(text, Requirement(item.key, text))
        for link in tree.links_from(item.key, "cites"):
            cited = (link.target.key, catalog_selectors.label(link.target))
            if cited not in entry.cites:
                entry.cites.append(cited)
    return list(merged.values())


@dataclass
class Workspace:
    scope: SubsectionScope
    requirements: list[Requirement]
    questions: list[QuestionView]  # primary questions, secondaries nested in each
    previous: SubsectionHeading | None
    next: SubsectionHeading | None
    can_edit: bool
    can_review: bool


def subsection(seen: Seen, key: str) -> Workspace:
    """One subsection in scope with its questions, visible answers and citations; 404 when not in scope."""
    user, assessment = seen.user, seen.assessment
    place = assessment_selectors.subsection_in_scope(seen, key)
    if place is None:
        raise Http404("That subsection is not in this assessment's scope.")
    sub = place.subsection
    keys = [q.key for q in sub.questions]
    answers = _page_answers(seen, keys)
    hidden = hidden_answers(seen, keys)
    views = {}
    for q in sub.questions:
        answer, citations = answers.get(q.key, (None, None))
        views[q.key] = question_view(seen, q, answer, q.key in hidden, citations=citations)
    primaries = []
    for q in sub.questions:
        parent = views.get(q.parent) if q.parent else None
        if parent is not None and parent is not views[q.key]:
            parent.secondaries.append(views[q.key])
        else:
            primaries.append(views[q.key])
    return Workspace(
        scope=sub,
        requirements=requirements(assessment, sub),
        questions=primaries,
        previous=place.previous,
        next=place.next,
        can_edit=can(user, Action.EDIT, assessment),
        can_review=can(user, Action.REVIEW, assessment),
    )


# What an answer card shows of a citation (responses/_answer.html, Citation.__str__, corroboration, clearance): a
# citation with all the columns of its source and activity cost the question page more than its SQL.
CARD_CITATION_FIELDS = (
    "pk", "stance", "pinpoint", "response_id", "source_id", "activity_id",
    "source__title", "source__reliability", "source__credibility", "source__classification",
    "activity__kind", "activity__title", "activity__classification",
)


def _page_answers(seen: Seen, keys: list[str]) -> dict[str, tuple[Response, list[Citation]]]:
    """finding_selectors.responses_to for the question page: the visible answers to `keys`, each with its (live)
    citations holding only what the cards show, in two queries and grouped here (Django's prefetch built a
    queryset per answer to hold them)."""
    answers = {row.pk: row for row in seen.visible(seen.assessment.responses.filter(question__in=keys))}
    cited: dict[int | None, list[Citation]] = {pk: [] for pk in answers}
    rows = Citation.objects.filter(response_id__in=list(answers)).select_related("source", "activity")
    for row in rows.only(*CARD_CITATION_FIELDS).order_by("pk"):
        cited[row.response_id].append(row)
    return {answer.question: (answer, cited[pk]) for pk, answer in answers.items()}


def question(seen: Seen, key: str) -> Question:
    """A question in the assessment's scope; 404 otherwise."""
    found = assessment_selectors.question_in_scope(seen, key)
    if found is None:
        raise Http404("That question is not in this assessment's scope.")
    return found


def question_view(seen: Seen, q: Question, answer: Response | None = None, hidden: bool | None = None,
                  *, load: bool = False, citations: list[Citation] | None = None) -> QuestionView:
    """One question with what the user may see of its answer. With load=True the answer is read here; `citations`
    are the answer's own when already read (else its prefetched or related ones)."""
    if load:
        answer = response(seen, q.key)
        hidden = q.key in hidden_answers(seen, [q.key]) if answer is None else False
    view = QuestionView(question=q, anchor=anchor(q.key), response=answer, hidden=bool(hidden) and answer is None)
    if answer is not None:
        cited = answer.citations.all() if citations is None else citations
        view.citations = [c for c in cited if seen.citation_visible(c)]
        view.corroboration = corroboration(view.citations)  # response_corroboration's, from the same list
    return view


# The workspace's filters (the subsection page's ?show=): what each keeps of a question the user may see.
WORKSPACE_FILTERS = ("all", "unanswered", "unreviewed", "uncited")


def _matches(view: QuestionView, show: str, de_jure: str, de_facto: str) -> bool:
    answer = view.response
    if view.hidden:
        return show == "all" and not de_jure and not de_facto
    if de_jure and (answer.de_jure if answer else Implementation.UNKNOWN) != de_jure:
        return False
    if de_facto and (answer.de_facto if answer else Implementation.UNKNOWN) != de_facto:
        return False
    if show == "unanswered":
        return answer is None or not answer.narrative.strip()
    if show == "unreviewed":
        return answer is not None and answer.review_state != ReviewState.REVIEWED
    if show == "uncited":
        return not view.citations
    return True


@dataclass
class WorkspaceFilter:
    show: str
    de_jure: str
    de_facto: str
    counts: dict[str, int]  # questions per filter of WORKSPACE_FILTERS (with the status filters applied)
    shown: int

    @property
    def narrowed(self) -> bool:
        return self.show != "all" or bool(self.de_jure or self.de_facto)


def filter_workspace(workspace: Workspace, show: str = "all", de_jure: str = "", de_facto: str = "") -> WorkspaceFilter:
    """Keep the questions `show` and the statuses select (a primary stays, for context, when one of its secondaries
    does); counts per filter over all the subsection's questions. Values that do not parse narrow nothing."""
    show = show if show in WORKSPACE_FILTERS else "all"
    de_jure = de_jure if de_jure in Implementation.values else ""
    de_facto = de_facto if de_facto in Implementation.values else ""
    def walk(items: list[QuestionView]) -> Iterable[QuestionView]:
        for item in items:
            yield item
            yield from walk(item.secondaries)

    counts = {name: sum(1 for view in walk(workspace.questions) if _matches(view, name, de_jure, de_facto))
              for name in WORKSPACE_FILTERS}

    def prune(items: list[QuestionView]) -> list[QuestionView]:
        kept = []
        for item in items:
            item.secondaries = prune(item.secondaries)
            if item.secondaries or _matches(item, show, de_jure, de_facto):
                kept.append(item)
        return kept

    workspace.questions = prune(workspace.questions)
    return WorkspaceFilter(show, de_jure, de_facto, counts, counts[show])
