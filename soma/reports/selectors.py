"""Reads of issued reports and narrative chapters; each takes the user and returns only what they may see."""

from __future__ import annotations

from django.http import Http404

from soma.accounts import permissions
from soma.assessments import selectors as assessment_selectors
from soma.reports.models import Chapter, IssuedReport, ReportProfile, ReportText


def issued_reports(user, assessment):
    """Issued reports of the versions the user is cleared for, newest first (without their file bytes)."""
    assessment_selectors.get_assessment(user, assessment.pk)
    rows = assessment.issued_reports.filter(audience__in=permissions.cleared_levels(user, assessment))
    return rows.select_related("issued_by").defer("html", "pdf", "docx", "snapshot")


def issued_report(user, assessment, pk) -> IssuedReport:
    assessment_selectors.get_assessment(user, assessment.pk)
    try:
        return assessment.issued_reports.filter(audience__in=permissions.cleared_levels(user, assessment)).get(pk=pk)
    except (IssuedReport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such report.") from None


def audiences(user, assessment) -> list[tuple[str, str]]:
    """The versions this user may preview or issue: those within their clearance."""
    from soma.reports.composer import AUDIENCE_LABELS

    levels = permissions.cleared_levels(user, assessment)
    return [(str(level), label) for level, label in AUDIENCE_LABELS.items() if str(level) in levels]


def chapters(user, assessment) -> list[tuple[Chapter, ReportText | None, bool]]:
    """Each narrative chapter with its text when the user may see it; (chapter, row or None, hidden)."""
    assessment_selectors.get_assessment(user, assessment.pk)
    levels = permissions.cleared_levels(user, assessment)
    rows = {row.chapter: row for row in assessment.report_texts.all()}
    result = []
    for chapter in Chapter:
        row = rows.get(chapter.value)
        hidden = row is not None and row.classification not in levels
        result.append((chapter, None if hidden else row, hidden))
    return result


def profiles():
    return ReportProfile.objects.all()
