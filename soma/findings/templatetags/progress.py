"""The overview's progress cells: a section's (or the totals') answered, reviewed and cited counts as one list, so
the page renders them in a loop instead of an {% include %} per cell."""

from django import template

from soma.findings.selectors import SectionProgress

register = template.Library()


@register.filter
def progress_cells(progress: SectionProgress) -> list[tuple[int, int, str]]:
    """(part, percent, what) of each column: answered, reviewed, cited."""
    return [
        (progress.answered, progress.answered_percent, "answered"),
        (progress.reviewed, progress.reviewed_percent, "reviewed"),
        (progress.cited, progress.cited_percent, "cited"),
    ]
