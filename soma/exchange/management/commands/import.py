"""`soma import`: a JSON bundle as a new assessment, or answers from a questionnaire spreadsheet into one."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from soma.assessments import selectors
from soma.kernel.access import PermissionDenied


class Command(BaseCommand):
    help = "Import a JSON bundle as a new assessment, or a questionnaire spreadsheet into one (--into)."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="A bundle (.json) or a questionnaire spreadsheet (.xlsx).")
        parser.add_argument("--user", required=True, metavar="USERNAME",
                            help="Who imports: the lead of a new assessment, or a member of the --into one.")
        parser.add_argument("--into", metavar="ASSESSMENT_ID",
                            help="For a spreadsheet: the assessment to import the answers into.")

    def handle(self, *args, file, user, into, **options):
        member = get_user_model().objects.filter(username=user, is_active=True).first()
        if member is None:
            raise CommandError(f"No active user '{user}'.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        if path.suffix.lower() == ".xlsx":
            if not into:
                raise CommandError("A spreadsheet is imported into an assessment: give --into ASSESSMENT_ID.")
            return self.questionnaire(member, path, into)
        if into:
            raise CommandError("A bundle always becomes a new assessment; --into is for questionnaire spreadsheets.")
        from soma.exchange.bundle import check, services
        from soma.exchange.bundle.format import BundleError

        limit = check.max_bytes()
        if path.stat().st_size > limit:
            raise CommandError(f"The bundle is larger than {limit // (1024 * 1024)} MB (SOMA_BUNDLE_MAX_BYTES).")
        try:
            created = services.import_bundle(member, path.read_bytes())
        except BundleError as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Imported assessment {created.pk} \"{created.title}\": {created.responses.count()} responses, "
            f"{created.sources.count()} sources, {created.recommendations.count()} recommendations; "
            f"{user} is its lead."
        )

    def questionnaire(self, member, path: Path, into: str) -> None:
        from soma.exchange.safe_files import UnsafeFile, read_limited
        from soma.exchange.spreadsheets.questionnaire import ImportRefused, import_questionnaire

        try:
            assessment = selectors.get_assessment(member, into)
        except Http404:
            raise CommandError(f"No assessment {into} that {member.get_username()} is a member of.") from None
        try:
            with path.open("rb") as handle:
                data = read_limited(handle, what=f"The file {path.name}")
            result = import_questionnaire(member, assessment, data, file_name=path.name)
        except (PermissionDenied, ImportRefused, UnsafeFile) as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(str(result))
