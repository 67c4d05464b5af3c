"""Reads of issued reports and narrative chapters; each takes the assessment as the user sees it (a checked Seen)
and returns only what they may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from soma.kernel.clearance import AUDIENCE_LABELS, Seen
from soma.reports.models import Chapter, IssuedReport, ReportProfile, ReportText

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def issued_reports(seen: Seen) -> QuerySet[IssuedReport]:
    """Issued reports of the versions the user is cleared for, newest first (without their file bytes)."""
    rows = seen.visible(seen.assessment.issued_reports.all(), "audience")
    return rows.select_related("issued_by").defer("html", "pdf", "docx", "snapshot")


def issued_report(seen: Seen, pk: int | str) -> IssuedReport:
    try:
        return seen.visible(seen.assessment.issued_reports.all(), "audience").get(pk=pk)
    except (IssuedReport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such report.") from None


def audiences(seen: Seen) -> list[tuple[str, StrOrPromise]]:
    """The versions this user may preview or issue: those within their clearance."""
    return [(str(level), label) for level, label in AUDIENCE_LABELS.items() if seen.may_see(level)]


def chapters(seen: Seen) -> list[tuple[Chapter, ReportText | None, bool]]:
    """Each narrative chapter with its text when the user may see it; (chapter, row or None, hidden)."""
    rows = {row.chapter: row for row in seen.assessment.report_texts.all()}
    result: list[tuple[Chapter, ReportText | None, bool]] = []
    for chapter in Chapter:
        row = rows.get(chapter.value)
        hidden = row is not None and not seen.may_see(row.classification)
        result.append((chapter, None if hidden else row, hidden))
    return result


def profiles() -> QuerySet[ReportProfile]:
    return ReportProfile.objects.all()
