"""`soma xlsform export|import`: the XLSForm for field collection, and the submissions collected with it."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from soma.assessments import selectors
from soma.exchange.safe_files import UnsafeFile, read_limited
from soma.exchange.xlsform import form_writer, submissions
from soma.kernel.access import PermissionDenied
from soma.kernel.clearance import seen_by


class Command(BaseCommand):
    help = "Export an assessment's questions as an XLSForm, or import submissions collected with it."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        export = actions.add_parser(
            "export", help="Write the XLSForm of the scope, of some subsections, or of one activity.",
            description="Write an XLSForm (.xlsx) of the assessment's questions for ODK Central or KoboToolbox, "
            "as the given member sees them.",
        )
        export.add_argument("assessment", type=int, metavar="ASSESSMENT_ID")
        export.add_argument("--user", required=True, metavar="USERNAME", help="A member of the assessment.")
        export.add_argument("--scope", nargs="+", metavar="CODE", help="Subsections or sections, e.g. V.C IX.")
        export.add_argument("--activity", type=int, metavar="ID", help="Only the questions this activity covers.")
        export.add_argument("--output", required=True, metavar="FORM.xlsx", help="The file to write.")
        load = actions.add_parser(
            "import", help="Preview (or with --apply, import) submissions exported from ODK Central or Kobo.",
            description="Read a CSV, XLSX or ODK Central .csv.zip export of submissions and print what would be "
            "imported. Nothing is written without --apply; with it, everything is checked first and written all or "
            "nothing.",
        )
        load.add_argument("assessment", type=int, metavar="ASSESSMENT_ID")
        load.add_argument("file", metavar="FILE")
        load.add_argument("--activity", type=int, required=True, metavar="ID",
                          help="The activity the submissions come from.")
        load.add_argument("--user", required=True, metavar="USERNAME", help="The lead or an assessor.")
        load.add_argument("--apply", action="store_true", help="Write the draft answers.")

    def handle(self, *args, action, **options):
        user = _user(options["user"])
        try:
            assessment = selectors.get_assessment(user, options["assessment"])
            activity_pk = options.get("activity")
            activity = selectors.activity(seen_by(user, assessment), activity_pk) if activity_pk else None
            if action == "export":
                return self.export(user, assessment, activity, options)
            return self.load(user, assessment, activity, options)
        except Http404:
            raise CommandError(f"No assessment {options['assessment']} with that activity for {user.username}: "
                               "check the ids and that the user is a member cleared for the activity.") from None
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from None

    def export(self, user, assessment, activity, options) -> None:
        try:
            form = form_writer.build(user, assessment, scope=options.get("scope"), activity=activity)
        except form_writer.FormError as error:
            raise CommandError(str(error)) from None
        Path(options["output"]).write_bytes(form.content)
        self.stdout.write(f"{options['output']}: form {form.form_id} version {form.version}, "
                          f"{form.question_count} questions, languages {', '.join(form.languages)}.")

    def load(self, user, assessment, activity, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            with path.open("rb") as handle:
                data = read_limited(handle, what=str(path))
            result = submissions.preview(user, assessment, activity, data, path.name)
        except UnsafeFile as error:
            raise CommandError(str(error)) from None
        self._print(result)
        if not result.ok:
            raise CommandError("Nothing was imported: correct the problems above and run the command again.")
        if not options["apply"]:
            self.stdout.write("Nothing was written. Run again with --apply to import.")
            return
        try:
            applied = submissions.apply(user, assessment, activity, data, path.name, expected_digest=result.digest)
        except submissions.ImportRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported: {applied.written} draft answers from {applied.submissions} submissions; "
            f"{applied.skipped} questions skipped (already answered)."))

    def _print(self, result) -> None:
        out = self.stdout.write
        out(f"{result.file_name} ({result.kind}): {len(result.submissions)} submissions, activity "
            f"'{result.activity.title}'.")
        for problem in result.errors:  # first: what to do comes before any list
            self.stderr.write(f"Error: {problem}")
        for problem in result.warnings:
            out(f"Warning: {problem}")
        for draft in result.drafts:
            out(f"  write {draft.question} [{draft.de_jure} / {draft.de_facto}]: {draft.narrative[:100]!r}")
        for skipped in result.skipped:
            out(f"  skip  {skipped.question}: {skipped.reason}")
        if result.unknown_columns:
            more = f" and {result.unknown_more} more" if result.unknown_more else ""
            out(f"Unknown columns (ignored): {', '.join(result.unknown_shown)}{more}")


def _user(username: str):
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No active user '{username}'.") from None
