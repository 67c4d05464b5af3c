"""`soma assessments list|create`: assessments from the server's command line."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_countries import countries

from soma.accounts.permissions import Level
from soma.assessments import selectors, services
from soma.assessments.models import Assessment
from soma.catalog import selectors as catalog_selectors

TEXT_KEYS = ("purpose", "terms_of_reference", "dissemination", "advisory_group")
BOOL_KEYS = ("comprehensive", "joint_with_trafficking")
DATE_KEYS = ("start_date", "end_date")
MISSION_KEYS = ("title", "start_date", "end_date", "places", "notes")
KNOWN_KEYS = ("title", "jurisdictions", "scope", "classification", "new_work_classification", "missions", *TEXT_KEYS,
              *BOOL_KEYS, *DATE_KEYS)


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
        fields, scope, missions = read_tor(Path(path))
        try:
            with transaction.atomic():
                created = services.create_assessment(lead, scope=scope, missions=missions, **fields)
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


# --- The terms-of-reference file -----------------------------------------------------------------------------------


def read_tor(path: Path) -> tuple[dict, list[str], list[dict]]:
    """Parse and check a terms-of-reference file; CommandError names the key and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read the file ({error}).") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise CommandError(f"{path}: not valid YAML{line}: {getattr(error, 'problem', error)}.") from None
    if not isinstance(data, dict):
        raise CommandError(f"{path}: the file must be a mapping of keys (title:, jurisdictions:, scope: ...).")

    def fail(key: str, problem: str):
        raise CommandError(f"{path}: '{key}' {problem}")

    unknown = sorted(str(key) for key in data if key not in KNOWN_KEYS)
    if unknown:
        fail(unknown[0], f"is not a known key. Known keys: {', '.join(KNOWN_KEYS)}.")
    fields: dict = {}
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        fail("title", "is missing or empty: give the assessment a title.")
    if len(title) > 200:
        fail("title", "is longer than 200 characters.")
    fields["title"] = title.strip()

    jurisdictions = data.get("jurisdictions")
    if isinstance(jurisdictions, str):
        jurisdictions = [jurisdictions]
    if not isinstance(jurisdictions, list) or not jurisdictions:
        fail("jurisdictions", "is missing: list at least one country code, e.g. [XD].")
    codes = [str(code).strip().upper() for code in jurisdictions]
    bad = [code for code in codes if code not in countries]
    if bad:
        fail("jurisdictions", f"has codes that are not countries: {', '.join(bad)}. Use ISO codes such as XD.")
    fields["jurisdictions"] = codes

    scope = data.get("scope")
    if isinstance(scope, str):
        scope = [scope]
    if not isinstance(scope, list) or not scope:
        fail("scope", "is missing: list guide section or subsection codes, e.g. [I, V.C].")
    scope = [str(code).strip() for code in scope]
    tree = catalog_selectors.tree()
    if tree is None:
        raise CommandError("No catalog is loaded. Run `soma catalog load` (or `soma setup`) first.")
    try:
        services.resolve_scope(tree, scope)
    except services.ServiceError as error:
        fail("scope", f"is wrong: {error}")

    for key in TEXT_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if key == "advisory_group" and isinstance(value, list):
            value = "\n".join(str(item) for item in value)
        if not isinstance(value, str):
            fail(key, "must be text.")
        fields[key] = value.strip()
    for key in BOOL_KEYS:
        if key in data:
            if not isinstance(data[key], bool):
                fail(key, "must be true or false.")
            fields[key] = data[key]
    for key in DATE_KEYS:
        if data.get(key) is not None:
            fields[key] = _date(data[key], lambda problem, key=key: fail(key, problem))
    if fields.get("start_date") and fields.get("end_date") and fields["end_date"] < fields["start_date"]:
        fail("end_date", "is before start_date.")
    for key in ("classification", "new_work_classification"):
        if key in data:
            levels = [str(level) for level in Level]
            if data[key] not in levels:
                fail(key, f"must be one of: {', '.join(levels)}.")
            fields[key] = data[key]

    missions = []
    raw_missions = data.get("missions") or []
    if not isinstance(raw_missions, list):
        fail("missions", "must be a list of missions, each with a title.")
    for number, mission in enumerate(raw_missions, start=1):
        key = f"missions[{number}]"
        if not isinstance(mission, dict):
            fail(key, "must be a mapping with title, start_date, end_date and places.")
        extra = sorted(str(k) for k in mission if k not in MISSION_KEYS)
        if extra:
            fail(f"{key}.{extra[0]}", f"is not a known key. Known keys: {', '.join(MISSION_KEYS)}.")
        if not isinstance(mission.get("title"), str) or not mission["title"].strip():
            fail(f"{key}.title", "is missing: give each mission a title.")
        entry = {"title": mission["title"].strip()[:200]}
        for date_key in DATE_KEYS:
            if mission.get(date_key) is not None:
                entry[date_key] = _date(mission[date_key], lambda p, k=f"{key}.{date_key}": fail(k, p))
        if entry.get("start_date") and entry.get("end_date") and entry["end_date"] < entry["start_date"]:
            fail(f"{key}.end_date", "is before its start_date.")
        places = mission.get("places", "")
        if isinstance(places, list):
            places = ", ".join(str(place) for place in places)
        entry["places"] = str(places)[:300]
        if mission.get("notes"):
            entry["notes"] = str(mission["notes"])
        missions.append(entry)
    return fields, scope, missions


def _date(value, fail) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        fail(f"is not a date: write it as YYYY-MM-DD (got {value!r}).")
