"""Reads of responses, findings and recommendations, limited to the user's clearance; the overview."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from soma.assessments import selectors as assessment_selectors
from soma.assessments.selectors import visible
from soma.findings.models import PRIORITY_ORDER, Implementation, Recommendation, Response, ReviewState
from soma.findings.services import corroboration


def responses(user, assessment) -> dict[str, Response]:
    """The responses the user may see, by question id, with their citations loaded."""
    assessment_selectors.get_assessment(user, assessment.pk)
    rows = visible(user, assessment, assessment.responses.all()).prefetch_related(
        "citations__source", "citations__activity"
    )
    return {response.question: response for response in rows}


def response_corroboration(user, assessment, response: Response) -> str:
    cited = [c for c in response.citations.all() if _citation_visible(user, assessment, c)]
    return corroboration(cited)


def _citation_visible(user, assessment, citation) -> bool:
    from soma.accounts.permissions import cleared_levels

    levels = cleared_levels(user, assessment)
    what = citation.source or citation.activity
    return what is not None and what.classification in levels


def findings(user, assessment):
    assessment_selectors.get_assessment(user, assessment.pk)
    return visible(user, assessment, assessment.findings.all()).prefetch_related("responses", "citations")


def conclusions(user, assessment):
    assessment_selectors.get_assessment(user, assessment.pk)
    return visible(user, assessment, assessment.conclusions.all()).prefetch_related("findings")


def recommendations(user, assessment) -> list[Recommendation]:
    """By priority horizon, then area, rank and sequence."""
    assessment_selectors.get_assessment(user, assessment.pk)
    rows = visible(user, assessment, assessment.recommendations.all()).prefetch_related("institutions")
    return sorted(rows, key=lambda r: (PRIORITY_ORDER.index(r.priority), r.area, r.rank, r.sequence, r.pk))


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


@dataclass
class GapRow:
    key: str
    code: str
    title: str
    de_jure: Counter = field(default_factory=Counter)
    de_facto: Counter = field(default_factory=Counter)

    def status(self, which: str) -> str:
        """The subsection's overall status: the most common answered status (unknown when none answered)."""
        counts = getattr(self, which)
        answered = {k: v for k, v in counts.items() if k not in ("unknown", "not_applicable")}
        if not answered:
            return "unknown"
        if len(answered) > 1:
            return "partly"
        return next(iter(answered))


@dataclass
class ProvisionRow:
    key: str
    label: str
    obligation: str | None
    subsections: list[str]
    de_jure: str
    de_facto: str


@dataclass
class Overview:
    sections: list[SectionProgress]
    gap_map: list[GapRow]
    provisions: list[ProvisionRow]
    totals: SectionProgress


def overview(user, assessment) -> Overview:
    """Progress per section, a gap map of subsections and the Protocol provisions (mandatory first).
    A picture of needs, not a score: nothing here adds up to a grade."""
    from soma.catalog import selectors as catalog_selectors

    scope = assessment_selectors.questions_in_scope(user, assessment)
    answers = responses(user, assessment)
    sections: dict[str, SectionProgress] = {}
    gap_map = []
    totals = SectionProgress(code="", title="")
    tree = assessment_selectors.tree_for(assessment)
    for sub in scope:
        section = sections.setdefault(
            sub.section_code,
            SectionProgress(sub.section_code, tree.get(f"guide:section:{sub.section_code}").display_title),
        )
        row = GapRow(sub.key, sub.code, sub.title)
        for question in sub.questions:
            response = answers.get(question.key)
            for progress in (section, totals):
                progress.questions += 1
                if response and response.narrative.strip():
                    progress.answered += 1
                if response and response.review_state == ReviewState.REVIEWED:
                    progress.reviewed += 1
                if response and response.citations.all():
                    progress.cited += 1
            if response:
                row.de_jure[response.de_jure] += 1
                row.de_facto[response.de_facto] += 1
        gap_map.append(row)
    by_subsection = {row.key: row for row in gap_map}
    provisions = []
    for row in gap_map:
        for link in tree.links_from(row.key, "requires"):
            target = link.target
            provisions.append((target, row))
    merged: dict[str, ProvisionRow] = {}
    for target, row in provisions:
        if target.document != "protocol":
            continue
        entry = merged.setdefault(
            target.key,
            ProvisionRow(target.key, catalog_selectors.label(target), target.attrs.get("obligation"), [], "", ""),
        )
        entry.subsections.append(row.code)
    for entry in merged.values():
        rows = [by_subsection[f"guide:{code}"] for code in entry.subsections]
        entry.de_jure = _combined([r.status("de_jure") for r in rows])
        entry.de_facto = _combined([r.status("de_facto") for r in rows])
    order = {"mandatory": 0, "optional": 1, None: 2}
    ordered = sorted(merged.values(), key=lambda p: (order.get(p.obligation, 2), _article_number(p.key), p.key))
    return Overview(list(sections.values()), gap_map, ordered, totals)


def _combined(statuses: list[str]) -> str:
    known = {s for s in statuses if s != "unknown"}
    if not known:
        return Implementation.UNKNOWN
    return known.pop() if len(known) == 1 else Implementation.PARTLY


def _article_number(key: str) -> int:
    digits = "".join(ch for ch in key.split(":art", 1)[-1].split(".")[0] if ch.isdigit())
    return int(digits or 0)
