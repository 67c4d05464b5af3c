"""`soma report`: preview or issue an assessment's report from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from soma.assessments import selectors
from soma.kernel.access import PermissionDenied
from soma.reports import composer, left_out, services
from soma.reports.models import ReportProfile


class Command(BaseCommand):
    help = "Render an assessment's report (HTML, PDF or Word) for one version; --issue keeps it as issued."

    def add_arguments(self, parser):
        parser.add_argument("assessment", type=int, help="The assessment's number (soma assessments list).")
        parser.add_argument("--user", required=True, metavar="USERNAME",
                            help="Whose permissions and clearance apply (a member of the assessment).")
        parser.add_argument("--audience", default="public", choices=["public", "restricted", "confidential"],
                            help="Which version (default: public).")
        parser.add_argument("--format", default="pdf", choices=["pdf", "docx", "html"], dest="fmt",
                            help="File format (default: pdf).")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE,
                            choices=[code for code, _name in settings.LANGUAGES], help="Report language.")
        parser.add_argument("--profile", metavar="NAME", help="A report profile's name (default: the default one).")
        parser.add_argument("--issue", action="store_true",
                            help="Issue the report (the lead only): HTML, PDF and Word are kept, frozen and hashed.")
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here (default: standard output).")

    def handle(self, *args, assessment, user, audience, fmt, language, profile, issue, output, **options):
        try:
            member = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user '{user}'.") from None
        try:
            record = selectors.get_assessment(member, assessment)
        except Http404:
            raise CommandError(f"No assessment {assessment} that {user} is a member of.") from None
        chosen = None
        if profile:
            chosen = ReportProfile.objects.filter(name=profile).first()
            if chosen is None:
                names = ", ".join(ReportProfile.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"No report profile '{profile}' (profiles: {names}).")
        try:
            if issue:
                # The same summary the issue page shows before anyone freezes a version that leaves work out.
                summary = left_out.left_out(member, record, [audience]).get(audience)
                for line in summary.lines() if summary else []:
                    self.stderr.write(line)
                report = services.issue_report(member, record, audience, profile=chosen, language=language)
                data = bytes(getattr(report, fmt))
                self.stderr.write(f"Issued report {report.pk}: {report.title}; content hash {report.content_hash}")
            else:
                data = _render(composer.compose(member, record, audience, chosen, language), fmt)
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from None
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"Wrote {output} ({len(data):,} bytes).")
        else:
            sys.stdout.buffer.write(data)


def _render(snapshot: dict, fmt: str) -> bytes:
    digest = services.content_hash(snapshot)
    if fmt == "html":
        from soma.reports.render_html import render_html

        return render_html(snapshot, digest).encode()
    if fmt == "pdf":
        from soma.reports.render_pdf import render_pdf

        return render_pdf(snapshot, digest)
    from soma.reports.render_docx import render_docx

    return render_docx(snapshot, content_hash=digest)
