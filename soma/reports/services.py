"""Writes for reports: the narrative chapters, and issuing a report (a frozen, hashed snapshot and its files)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from soma.accounts import audit, history
from soma.findings.services import save_versioned_content
from soma.kernel.access import Action, require
from soma.reports import composer
from soma.reports.models import Chapter, IssuedReport, ReportProfile, ReportText

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from soma.assessments.models import Assessment


@transaction.atomic
def save_chapter(user: User, assessment: Assessment, chapter: str, *, text: str, classification: str,
                 expected_version: int | None) -> ReportText:
    """Save one narrative chapter; a save that started from an older version is refused (EditConflict) so that
    nobody's text is overwritten unseen."""
    chapter = Chapter(chapter)
    require(user, Action.EDIT, assessment)
    row = ReportText.objects.filter(assessment=assessment, chapter=chapter).first() or ReportText(chapter=chapter)
    fields = {"text": text, "classification": classification, "updated_by": user}
    return save_versioned_content(user, assessment, row, fields, expected_version if row.pk else None)


def content_hash(snapshot: dict[str, Any]) -> str:
    """SHA-256 of the snapshot in canonical JSON (sorted keys, no spaces): the same content, the same hash."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def issue_report(user: User, assessment: Assessment, audience: str, *, profile: ReportProfile | None = None,
                 language: str | None = None,
                 progress: Callable[[int, str], None] = lambda percent, step: None) -> IssuedReport:
    """Compose the report for the audience, render HTML, PDF and DOCX from that snapshot and keep them all
    (the figures drawn once for all three; the PDF tagged and archival: PDF/UA-1 and PDF/A-3u).
    Only the lead issues reports, and only versions within their clearance. Nothing is kept unless every
    file rendered: the report row is written last, in one transaction."""
    from soma.reports.render_docx import render_docx
    from soma.reports.render_html import draw_figures, render_html
    from soma.reports.render_pdf import html_to_pdf

    require(user, Action.MANAGE, assessment)
    progress(5, "Gathering the content")
    snapshot = composer.compose(user, assessment, audience, profile, language)
    digest = content_hash(snapshot)
    progress(20, "Drawing the figures")
    figures = draw_figures(snapshot)  # once, for every format
    progress(25, "Writing the HTML version")
    html = render_html(snapshot, digest, figures=figures)
    progress(40, "Laying out the PDF")
    pdf = html_to_pdf(html, archival=True)  # tagged (PDF/UA-1) and archival (PDF/A-3u)
    progress(80, "Writing the Word version")
    docx = render_docx(snapshot, content_hash=digest, figures=figures)
    progress(95, "Saving the issued report")
    with transaction.atomic():
        report = IssuedReport.objects.create(
            assessment=assessment, audience=audience, language=snapshot["language"],
            title=f"{snapshot['assessment']['title']} · {snapshot['audience_label']}"[:300],
            snapshot=snapshot, content_hash=digest, html=html.encode(), pdf=pdf, docx=docx, issued_by=user,
        )
        after = {"audience": audience, "content_hash": digest, "language": snapshot["language"]}
        history.record(user, assessment, "issued", report, None, after)
        audit.record("report_issued", user=user, assessment=assessment, report=report.pk, **after)
    return report

