"""`soma export`: an assessment as a JSON bundle (or, through the spreadsheet module, as Excel files)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from soma.assessments import selectors


class Command(BaseCommand):
    help = "Export an assessment as a JSON bundle or an Excel file, as a given user sees it."

    def add_arguments(self, parser):
        parser.add_argument("assessment", metavar="ASSESSMENT_ID", help="The assessment's number.")
        parser.add_argument("--user", required=True, metavar="USERNAME",
                            help="Export what this member may see (their role and clearance apply).")
        parser.add_argument("--format", default="bundle", choices=["bundle", "questionnaire", "recommendations"],
                            help="bundle (JSON, the default), questionnaire or recommendations (Excel).")
        parser.add_argument("--audience", choices=["public", "restricted", "confidential"],
                            help="The bundle's audience, capped at the user's clearance (default: public, the lowest).")
        parser.add_argument("--without-files", action="store_true",
                            help="Leave uploaded files out of the bundle (their names and checksums stay).")
        parser.add_argument("--output", metavar="FILE", help="Write to FILE (default: standard output for JSON).")

    def handle(self, *args, assessment, user, format, audience, without_files, output, **options):
        member = get_user_model().objects.filter(username=user, is_active=True).first()
        if member is None:
            raise CommandError(f"No active user '{user}'.")
        try:
            found = selectors.get_assessment(member, assessment)
        except Http404:
            raise CommandError(f"No assessment {assessment} that {user} is a member of.") from None
        if format == "bundle":
            from soma.exchange.bundle import services as bundle

            # The lowest audience unless asked: restricted or confidential material leaves only by choice.
            given = bundle.audience_for(member, found, audience or "public")
            if audience is None:
                self.stderr.write("The bundle is for a public audience; --audience restricted or confidential "
                                  "includes more, up to your clearance.")
            elif given != audience:
                self.stderr.write(f"{user} is cleared for {given} material: the bundle is for a {given} audience.")
            data = bundle.export_bytes(member, found, audience=given, include_files=not without_files)
        elif format == "questionnaire":
            from soma.exchange.spreadsheets.questionnaire import export_questionnaire

            data = export_questionnaire(member, found)
        else:
            from soma.exchange.spreadsheets.recommendations import export_recommendations

            data = export_recommendations(member, found)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"Wrote {output} ({len(data)} bytes).")
        elif format == "bundle":
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            raise CommandError("An Excel file cannot go to the terminal: give --output FILE.xlsx.")
