"""`soma assessments list|create`: assessments from the server's command line."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from soma.assessments import selectors, services, terms_of_reference
from soma.assessments.models import Assessment


class Command(BaseCommand):
    help = "List assessments, or create one from a terms-of-reference YAML file (see docs/assessments.md)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,create}")
        listing = actions.add_parser(
            "list",
            help="List assessments.",
            description="List assessments. This command runs on the server with full access: without --user it "
            "lists every assessment; with --user only those that user is a member of.",
        )
        listing.add_argument("--user", metavar="USERNAME", help="Only the assessments this user is a member of.")
        listing.add_argument("--json", action="store_true", help="Print JSON.")
        create = actions.add_parser(
            "create",
            help="Create an assessment from a terms-of-reference YAML file.",
            description="Create an assessment from a terms-of-reference YAML file (format: docs/assessments.md). "
            "The file is checked first; if anything is wrong nothing is written.",
        )
        create.add_argument("--tor", required=True, metavar="FILE.yaml", help="The terms-of-reference file.")
        create.add_argument("--lead", required=True, metavar="USERNAME", help="The user who leads the assessment.")

    def handle(self, *args, action, **options):
        if action == "list":
            return self.list(options.get("user"), options.get("json", False))
        return self.create(options["tor"], options["lead"])

    # --- list ------------------------------------------------------------------------------------------------------

    def list(self, username: str | None, as_json: bool) -> None:
        if username:
            user = _user(username)
            rows = selectors.assessments_for(user)
        else:
            rows = Assessment.objects.all()
        rows = rows.prefetch_related("memberships__user").order_by("pk")
        data = [_row(assessment) for assessment in rows]
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        if not data:
            self.stdout.write("No assessments.")
        for row in data:
            self.stdout.write(
                f"{row['id']:>4}  {row['status']:<12} {','.join(row['jurisdictions']):<8} {row['title']}"
                f"  (lead: {', '.join(row['leads']) or '-'})"
            )

    # --- create ----------------------------------------------------------------------------------------------------

    def create(self, path: str, lead_name: str) -> None:
        lead = _user(lead_name)
        try:
            tor = terms_of_reference.read(Path(path))
        except terms_of_reference.TermsOfReferenceError as error:
            raise CommandError(str(error)) from None
        try:
            with transaction.atomic():
                created = services.create_assessment(lead, scope=tor.scope, missions=tor.missions, **tor.fields)
        except services.ServiceError as error:
            raise CommandError(f"{path}: {error}") from None
        assessment = created.assessment
        self.stdout.write(
            f"Created assessment {assessment.pk}: {assessment.title} ({len(selectors.scope_keys(assessment))} "
            f"subsections in scope, {assessment.missions.count()} missions), led by {lead.username}."
        )
        for warning in created.warnings:
            self.stdout.write(self.style.WARNING(f"Note: {warning}"))


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user named '{username}'. Create the account first (soma createadmin or the admin).")
    return user


def _row(assessment: Assessment) -> dict:
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "jurisdictions": [country.code for country in assessment.jurisdictions],
        "status": assessment.status,
        "classification": assessment.classification,
        "new_work_classification": assessment.new_work_classification,
        "start_date": assessment.start_date.isoformat() if assessment.start_date else None,
        "end_date": assessment.end_date.isoformat() if assessment.end_date else None,
        "follows": assessment.previous_id,
        "leads": sorted(m.user.username for m in assessment.memberships.all() if m.role == "lead"),
        "members": len(assessment.memberships.all()),
    }
