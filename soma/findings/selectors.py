"""Reads of responses, findings and recommendations, limited to the user's clearance (each takes the assessment
as the user sees it, a checked Seen); the overview."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Case, IntegerField, Model, Prefetch, QuerySet, Value, When, prefetch_related_objects

from soma.assessments import selectors as assessment_selectors
from soma.catalog.selectors import Tree
from soma.evidence.models import Citation
from soma.findings.models import (
    PRIORITY_ORDER,
    Conclusion,
    Finding,
    Implementation,
    Recommendation,
    Response,
    ReviewState,
)
from soma.kernel.clearance import Seen

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from soma.assessments.models import Activity, Assessment, Institution
    from soma.evidence.models import Source

M = TypeVar("M", bound=Model)


def responses(seen: Seen) -> dict[str, Response]:
    """The responses the user may see, by question id, with their citations loaded."""
    rows = seen.visible(seen.assessment.responses.all()).prefetch_related(_citations())
    return {response.question: response for response in rows}


def responses_to(seen: Seen, questions: Iterable[str]) -> dict[str, Response]:
    """Like responses(), limited to the given question ids (a page showing some questions loads only those)."""
    rows = seen.visible(seen.assessment.responses.filter(question__in=list(questions))).prefetch_related(
        _citations()
    )
    return {response.question: response for response in rows}


def with_citations(rows: list[Response]) -> list[Response]:
    """Load the citations of responses already read (e.g. one just saved), as responses() does, in one query."""
    prefetch_related_objects(rows, _citations())
    return rows


def _citations() -> Prefetch:
    """The live citations with their source and activity, in one query (the default manager of `citations`
    leaves deleted ones out, as here)."""
    return Prefetch("citations", queryset=Citation.objects.select_related("source", "activity"))


# What the overview needs of a visible response: (answered: has text, reviewed, cites visible evidence, de jure,
# de facto). A tuple, not an object: a full assessment has 714 of them.
_Answer = tuple[bool, bool, bool, str, str]


def _answers_for_overview(seen: Seen) -> dict[str, _Answer]:
    """The visible responses by question id, each with whether it cites evidence the user may see (as
    Seen.citation_visible decides: the source's classification, else the activity's), in two queries."""
    cited = set(
        seen.assessment.citations.filter(seen.citations_q(), response__isnull=False)
        .values_list("response_id", flat=True).distinct()
    )
    rows = seen.visible(seen.assessment.responses.all()).values_list(
        "pk", "question", "narrative", "review_state", "de_jure", "de_facto"
    )
    reviewed = ReviewState.REVIEWED.value
    return {
        question: (bool(narrative.strip()), review_state == reviewed, pk in cited, de_jure, de_facto)
        for pk, question, narrative, review_state, de_jure, de_facto in rows
    }


def findings(seen: Seen) -> QuerySet[Finding]:
    linked = Prefetch("responses", queryset=Response.objects.defer("narrative"))  # shown by question id, not text
    return seen.visible(seen.assessment.findings.all()).prefetch_related(linked, _citations())


def _with_visible_links(seen: Seen, rows: Iterable[M], name: str) -> list[M]:
    """Set `visible_<name>` on each row: its linked objects of that relation within the user's clearance."""
    listed = list(rows)
    for row in listed:
        setattr(row, f"visible_{name}", [o for o in getattr(row, name).all() if seen.may_see(o.classification)])
    return listed


def conclusions(seen: Seen) -> QuerySet[Conclusion]:
    return seen.visible(seen.assessment.conclusions.all()).prefetch_related("findings")


def recommendation_rows(seen: Seen) -> QuerySet[Recommendation]:
    """The recommendations the user may see, unsorted, for a list that filters, sorts and pages them; `horizon`
    is the priority's place in PRIORITY_ORDER (immediate first), for ordering in the database."""
    horizon = Case(*[When(priority=value, then=Value(i)) for i, value in enumerate(PRIORITY_ORDER)],
                   default=Value(len(PRIORITY_ORDER)), output_field=IntegerField())
    rows = seen.visible(seen.assessment.recommendations.all()).prefetch_related("institutions", "conclusions")
    return rows.annotate(horizon=horizon)


def recommendations(seen: Seen) -> list[Recommendation]:
    """By priority horizon, then area, rank and sequence."""
    rows = seen.visible(seen.assessment.recommendations.all()).prefetch_related("institutions", "conclusions")
    linked = _with_visible_links(seen, rows, "conclusions")
    return sorted(linked, key=lambda r: (PRIORITY_ORDER.index(r.priority), r.area, r.rank, r.sequence, r.pk))


# --- Overview ------------------------------------------------------------------------------------------------------


@dataclass
class SectionProgress:
    code: str
    title: str
    questions: int = 0
    answered: int = 0
    reviewed: int = 0
    cited: int = 0

    def percent(self, part: int) -> int:
        return round(100 * part / self.questions) if self.questions else 0

    @property
    def answered_percent(self) -> int:
        return self.percent(self.answered)

    @property
    def reviewed_percent(self) -> int:
        return self.percent(self.reviewed)

    @property
    def cited_percent(self) -> int:
        return self.percent(self.cited)


@dataclass
class GapRow:
    key: str
    code: str
    title: str
    de_jure: Counter = field(default_factory=Counter)
    de_facto: Counter = field(default_factory=Counter)
    section: str = ""  # the guide section's code, for the overview's charts (soma/findings/overview_charts.py)

    def status(self, which: str) -> str:
        return subsection_status(list(getattr(self, which)))

    # Read by the provisions and several times by the page, once the counts are complete: worked out once.
    @cached_property
    def de_jure_status(self) -> str:
        return self.status("de_jure")

    @cached_property
    def de_facto_status(self) -> str:
        return self.status("de_facto")

    @property
    def de_jure_label(self) -> StrOrPromise:
        return Implementation(self.de_jure_status).label

    @property
    def de_facto_label(self) -> StrOrPromise:
        return Implementation(self.de_facto_status).label


@dataclass
class ProvisionRow:
    key: str
    label: str
    obligation: str | None
    subsections: list[str]
    de_jure: str
    de_facto: str

    @property
    def de_jure_label(self) -> StrOrPromise:
        return Implementation(self.de_jure).label if self.de_jure else ""

    @property
    def de_facto_label(self) -> StrOrPromise:
        return Implementation(self.de_facto).label if self.de_facto else ""


@dataclass
class Overview:
    sections: list[SectionProgress]
    gap_map: list[GapRow]
    provisions: list[ProvisionRow]
    totals: SectionProgress


def overview(seen: Seen) -> Overview:
    """Progress per section, a gap map of subsections and the Protocol provisions (mandatory first).
    A picture of needs, not a score: nothing here adds up to a grade."""
    scope = assessment_selectors.scope_outline(seen)
    answers = _answers_for_overview(seen)
    sections: dict[str, SectionProgress] = {}
    gap_map = []
    totals = SectionProgress(code="", title="")
    tree = assessment_selectors.tree_for(seen.assessment)
    for sub in scope:
        section = sections.get(sub.section_code)
        if section is None:
            title = tree.by_key[f"guide:section:{sub.section_code}"].display_title
            section = sections[sub.section_code] = SectionProgress(sub.section_code, title)
        row = GapRow(sub.key, sub.code, sub.title, section=sub.section_code)
        answered = reviewed = cited = 0
        for key in sub.question_keys:
            found = answers.get(key)
            if found is not None:
                answered += found[0]
                reviewed += found[1]
                cited += found[2]
                row.de_jure[found[3]] += 1
                row.de_facto[found[4]] += 1
        for progress in (section, totals):
            progress.questions += len(sub.question_keys)
            progress.answered += answered
            progress.reviewed += reviewed
            progress.cited += cited
        gap_map.append(row)
    by_subsection = {row.code: row for row in gap_map}
    provisions = []
    for key, label, obligation, codes in _provisions_required(tree, tuple(row.key for row in gap_map)):
        rows = [by_subsection[code] for code in codes]
        provisions.append(ProvisionRow(key, label, obligation, list(codes),
                                       combined_status([r.de_jure_status for r in rows]),
                                       combined_status([r.de_facto_status for r in rows])))
    return Overview(list(sections.values()), gap_map, provisions, totals)


# (key, label, obligation, codes of the subsections requiring it) of each Protocol provision, in the overview's order
_Provision = tuple[str, str, str | None, tuple[str, ...]]


def _provisions_required(tree: Tree, subsections: tuple[str, ...]) -> tuple[_Provision, ...]:
    """The Protocol provisions the subsections require (catalog links), mandatory first, then by article: the same
    for every request on one scope, so worked out once per catalog tree, scope and language (kept on the tree,
    which a new pack replaces)."""
    from django.utils.translation import get_language

    from soma.catalog import selectors as catalog_selectors

    kept: dict[tuple[tuple[str, ...], str | None], tuple[_Provision, ...]] = tree.__dict__.setdefault(
        "_soma_provisions_required", {}
    )
    key = (subsections, get_language())
    found = kept.get(key)
    if found is not None:
        return found
    merged: dict[str, tuple[str, str, str | None, list[str]]] = {}
    for sub in subsections:
        code = tree.by_key[sub].code
        for link in tree.links_from(sub, "requires"):
            target = link.target
            if target.document != "protocol":
                continue
            entry = merged.setdefault(
                target.key, (target.key, catalog_selectors.label(target), target.attrs.get("obligation"), [])
            )
            entry[3].append(code)
    order = {"mandatory": 0, "optional": 1, None: 2}
    ordered = sorted(merged.values(), key=lambda p: (order.get(p[2], 2), article_number(p[0]), p[0]))
    found = tuple((key_, label, obligation, tuple(codes)) for key_, label, obligation, codes in ordered)
    if len(kept) >= 256:  # scopes and languages seen by this process; a bound all the same
        kept.clear()
    kept[key] = found
    return found


def subsection_status(statuses: list[str]) -> str:
    """A subsection's status from its answers' statuses: the one answered status, "partly" when they differ,
    "not_applicable" when every answer says so, "unknown" when none is answered."""
    answered = {s for s in statuses if s not in ("unknown", "not_applicable")}
    if not answered:
        return Implementation.NOT_APPLICABLE if statuses and set(statuses) == {"not_applicable"} else "unknown"
    return answered.pop() if len(answered) == 1 else Implementation.PARTLY


def combined_status(statuses: list[str]) -> str:
    """A provision's status from the statuses of the subsections that require it."""
    known = {s for s in statuses if s != "unknown"}
    if not known:
        return Implementation.UNKNOWN
    return known.pop() if len(known) == 1 else Implementation.PARTLY


def article_number(key: str) -> int:
    digits = "".join(ch for ch in key.split(":art", 1)[-1].split(".")[0] if ch.isdigit())
    return int(digits or 0)


# --- Pages: single objects, groupings and choices --------------------------------------------------------------


def finding(seen: Seen, pk: int | str) -> Finding:
    """One finding the user may see, or 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(findings(seen), pk=pk)


def conclusion(seen: Seen, pk: int | str) -> Conclusion:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(conclusions(seen), pk=pk)


def recommendation(seen: Seen, pk: int | str) -> Recommendation:
    from django.shortcuts import get_object_or_404

    rows = seen.visible(seen.assessment.recommendations.all()).prefetch_related("institutions", "conclusions")
    return get_object_or_404(rows, pk=pk)


def finding_citations(seen: Seen, finding: Finding) -> list[Citation]:
    """The citations of a finding whose source or activity the user may see."""
    rows = finding.citations.select_related("source", "activity")
    return [c for c in rows if seen.citation_visible(c)]


def citable_sources(seen: Seen) -> QuerySet[Source]:
    return seen.visible(seen.assessment.sources.all()).order_by("title", "pk")


def citable_activities(seen: Seen) -> QuerySet[Activity]:
    return seen.visible(seen.assessment.activities.all())


def institutions(seen: Seen) -> QuerySet[Institution]:
    return seen.assessment.institutions.all()


@dataclass
class Area:
    """An assessment area for recommendations: a guide section or one of its subsections in scope."""

    key: str
    label: str
    subsections: list[tuple[str, str]] = field(default_factory=list)


def areas(seen: Seen) -> list[Area]:
    """The guide sections with subsections in scope, each with those subsections, in guide order."""
    from soma.catalog import selectors as catalog_selectors

    tree = assessment_selectors.tree_for(seen.assessment)
    result: dict[str, Area] = {}
    for sub in assessment_selectors.scope_outline(seen):
        section = tree.by_key[f"guide:section:{sub.section_code}"]
        area = result.setdefault(section.key, Area(section.key, catalog_selectors.label(section)))
        area.subsections.append((sub.key, f"{sub.code} {sub.title}"))
    return list(result.values())


def area_label(assessment: Assessment, key: str, tree: Tree | None = None) -> str:
    """The catalog label of `key`; pass the tree when labelling many keys (it is looked up once, not per key)."""
    from soma.catalog import selectors as catalog_selectors

    item = (tree or assessment_selectors.tree_for(assessment)).get(key)
    return catalog_selectors.label(item) if item else key


def labelled(assessment: Assessment, keys: list[str], tree: Tree | None = None) -> list[tuple[str, str]]:
    """[(catalog key, short label)] for keys stored on findings and recommendations."""
    tree = tree or assessment_selectors.tree_for(assessment)
    return [(key, area_label(assessment, key, tree)) for key in keys]


@dataclass(frozen=True)
class AnswerRef:
    """An answer a finding rests on, as the findings list names it: by its question id."""

    pk: int
    question: str


def finding_rows(seen: Seen) -> QuerySet[Finding]:
    """The findings the user may see, unsorted, for a list that filters, sorts and pages them; `guide_place` is
    the subsection's place in the guide among those in scope (the others after), for ordering in the database."""
    order = _scope_order(seen.assessment, assessment_selectors.tree_for(seen.assessment))
    place = Case(*[When(subsection=key, then=Value(i)) for key, i in order.items()],
                 default=Value(len(order)), output_field=IntegerField())
    return seen.visible(seen.assessment.findings.all()).annotate(guide_place=place)


def finding_filter_choices(seen: Seen) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """([(subsection key, label)] in guide order, [(Protocol provision key, label)]) of the findings the user
    may see: what the findings list can be narrowed to (one query)."""
    tree = assessment_selectors.tree_for(seen.assessment)
    order = _scope_order(seen.assessment, tree)
    subsections: set[str] = set()
    provisions: set[str] = set()
    for subsection, keys in seen.visible(seen.assessment.findings.all()).values_list("subsection", "provisions"):
        subsections.add(subsection)
        provisions.update(key for key in keys or [] if isinstance(key, str))
    ordered = sorted((key for key in subsections if key), key=lambda k: (order.get(k, len(order)), k))
    return ([(key, area_label(seen.assessment, key, tree)) for key in ordered],
            labelled(seen.assessment, sorted(provisions), tree))


def _scope_order(assessment: Assessment, tree: Tree) -> dict[str, int]:
    in_scope = set(assessment_selectors.scope_keys(assessment))
    return {key: i for key, i in _guide_order(tree).items() if key in in_scope}


def findings_grouped(
    seen: Seen, listed: Iterable[Finding] | None = None,
) -> list[tuple[str, str, list[tuple[StrOrPromise, list[Finding]]]]]:
    """[(subsection key, subsection label, [(kind label, [findings])])] in guide order; kinds in model order.
    Each finding carries `visible_responses` (AnswerRef, within the clearance) and `visible_citations` (the ids of
    its citations whose evidence the user may see): the list shows question ids and a count, so both are read as
    values in one query each instead of as models. `listed` (rows of `finding_rows`, one page of a list) are
    grouped instead of all the user may see."""
    rows = list(seen.visible(seen.assessment.findings.all()) if listed is None else listed)
    answers: dict[int, list[AnswerRef]] = {}
    links = Finding.responses.through.objects.filter(finding__assessment=seen.assessment)
    links = seen.visible(seen.visible(links, "finding__classification"), "response__classification")
    for finding_pk, response_pk, question in links.order_by("response_id").values_list(
        "finding_id", "response_id", "response__question"
    ):
        answers.setdefault(finding_pk, []).append(AnswerRef(response_pk, question))
    cited: dict[int, list[int]] = {}
    citations = seen.visible(seen.assessment.citations.filter(seen.citations_q(), finding__isnull=False),
                             "finding__classification")
    for finding_pk, citation_pk in citations.order_by("pk").values_list("finding_id", "pk"):
        cited.setdefault(finding_pk, []).append(citation_pk)
    tree = assessment_selectors.tree_for(seen.assessment)
    in_scope = set(assessment_selectors.scope_keys(seen.assessment))
    guide_order = _guide_order(tree)
    # Subsections in scope in guide order, then the others by key (a finding may outlive its subsection's scope).
    order = {key: i for key, i in guide_order.items() if key in in_scope}
    kinds = list(Finding.Kind)
    by_subsection: dict[str, list[Finding]] = {}
    for each in rows:
        row: Any = each  # visible_responses, visible_citations and provision_labels are attributes for the page
        row.visible_responses = answers.get(row.pk, [])
        row.visible_citations = cited.get(row.pk, [])
        row.provision_labels = labelled(seen.assessment, row.provisions, tree)
        by_subsection.setdefault(row.subsection, []).append(row)
    result: list[tuple[str, str, list[tuple[StrOrPromise, list[Finding]]]]] = []
    for key in sorted(by_subsection, key=lambda k: (order.get(k, len(guide_order)), k)):
        groups: list[tuple[StrOrPromise, list[Finding]]] = []
        for kind in kinds:
            members = [f for f in by_subsection[key] if f.kind == kind.value]
            if members:
                groups.append((kind.label, members))
        result.append((key, area_label(seen.assessment, key, tree) if key else "", groups))
    return result


def _guide_order(tree: Tree) -> dict[str, int]:
    """The guide's subsections by key, numbered in guide order (kept on the tree, which a new pack replaces)."""
    found: dict[str, int] | None = tree.__dict__.get("_soma_guide_order")
    if found is None:
        subsections = (
            sub.key
            for section in tree.children("guide", kind="guide_section")
            for sub in tree.children(section.key, kind="guide_subsection")
        )
        found = tree.__dict__["_soma_guide_order"] = {key: i for i, key in enumerate(subsections)}
    return found


def recommendations_grouped(
    seen: Seen, listed: Iterable[Recommendation] | None = None,
) -> list[tuple[str, StrOrPromise, list[tuple[str, str, list[Recommendation]]]]]:
    """[(priority value, priority label, [(area key, area label, [recommendations by rank and sequence])])];
    `listed` (rows of `recommendation_rows`, one page of a list) are grouped in their own order instead."""
    from soma.findings.models import Priority

    rows = recommendations(seen) if listed is None else _with_visible_links(seen, listed, "conclusions")
    tree = assessment_selectors.tree_for(seen.assessment)
    result: list[tuple[str, StrOrPromise, list[tuple[str, str, list[Recommendation]]]]] = []
    for priority in Priority:
        in_horizon = [r for r in rows if r.priority == priority.value]
        if not in_horizon:
            continue
        by_area: dict[str, list[Recommendation]] = {}
        for each in in_horizon:
            row: Any = each  # toolkit_labels and framework_labels are attributes for the page
            row.toolkit_labels = labelled(seen.assessment, row.toolkit, tree)
            row.framework_labels = labelled(seen.assessment, row.framework, tree)
            by_area.setdefault(row.area, []).append(row)
        grouped = [(key, area_label(seen.assessment, key, tree), items) for key, items in by_area.items()]
        result.append((priority.value, priority.label, grouped))
    return result


def conclusions_list(seen: Seen, listed: Iterable[Conclusion] | None = None) -> list[Conclusion]:
    """The conclusions the user may see (or `listed`, rows of `conclusions`), each with `visible_findings`."""
    return _with_visible_links(seen, conclusions(seen) if listed is None else listed, "findings")
