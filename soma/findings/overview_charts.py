"""The overview's charts: counts for the progress bars and the gap map's stacked bars, from the overview itself.

Each chart is an HTML table styled by Charts.css (soma/static/vendor/charts.css/): a screen reader, a printer and a
browser without CSS read the table, so there is no separate image to keep in sync. Nothing is drawn in Python
and nothing here queries the database: the counts come from `selectors.overview`, worked out once per request.
A picture of needs and progress, not a score: nothing adds up to a grade and nothing ranks countries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from soma.findings.models import Implementation
from soma.findings.selectors import Overview, SectionProgress

# The gap map's statuses in the order of a stacked bar: in place first, not applicable last.
STATUSES: tuple[str, ...] = (
    Implementation.IN_PLACE, Implementation.PARTLY, Implementation.NOT_IN_PLACE, Implementation.UNKNOWN,
    Implementation.NOT_APPLICABLE,
)

Which = Literal["de_jure", "de_facto"]


def share(part: int, whole: int) -> int:
    """A bar's length in whole percent of its row, rounded down, so that a stacked bar's segments never add up to
    more than the row and a bar is full only when all is done (0 for an empty whole). The page's CSS gives each
    percent its --size (soma/static/soma/charts.css): the content security policy allows no style attribute."""
    if whole <= 0 or part <= 0:
        return 0
    return min(100, (100 * part) // whole)


@dataclass(frozen=True)
class ProgressBar:
    """One section's (or all sections') answered, reviewed and cited questions, of its questions."""

    code: str
    title: str
    questions: int
    answered: int
    reviewed: int
    cited: int

    def sizes(self) -> tuple[int, int, int]:
        return (share(self.answered, self.questions), share(self.reviewed, self.questions),
                share(self.cited, self.questions))


@dataclass(frozen=True)
class StatusBar:
    """How many of a section's subsections in scope have each status (de jure or de facto)."""

    code: str
    title: str
    counts: tuple[tuple[str, int], ...]  # (status, subsections) in the order of STATUSES

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    def count(self, status: str) -> int:
        return dict(self.counts).get(status, 0)


def progress_bars(overview: Overview) -> list[ProgressBar]:
    """A bar group per section in scope, then one for all of them (code "total")."""
    def bar(progress: SectionProgress, code: str) -> ProgressBar:
        return ProgressBar(code, progress.title, progress.questions, progress.answered, progress.reviewed,
                           progress.cited)

    if not overview.sections:
        return []
    return [bar(s, s.code) for s in overview.sections] + [bar(overview.totals, "total")]


def status_bars(overview: Overview, which: Which) -> list[StatusBar]:
    """A stacked bar per section in scope: its subsections counted by their de jure (or de facto) status."""
    counted: dict[str, dict[str, int]] = {s.code: dict.fromkeys(STATUSES, 0) for s in overview.sections}
    for row in overview.gap_map:
        status = row.de_jure_status if which == "de_jure" else row.de_facto_status
        counts = counted.setdefault(row.section, dict.fromkeys(STATUSES, 0))
        counts[status] = counts.get(status, 0) + 1
    titles = {s.code: s.title for s in overview.sections}
    return [StatusBar(code, titles.get(code, ""), tuple((s, counts.get(s, 0)) for s in STATUSES))
            for code, counts in counted.items()]
