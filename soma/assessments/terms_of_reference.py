"""The terms-of-reference file: a YAML file that describes a new assessment (format: docs/assessments.md).

`read` checks all of it before anything is written and names the file, the key and the problem.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from django_countries import countries

from soma.assessments import services
from soma.catalog import selectors as catalog_selectors
from soma.kernel.clearance import Level
from soma.kernel.errors import ServiceError

TEXT_KEYS = ("purpose", "terms_of_reference", "dissemination", "advisory_group")
BOOL_KEYS = ("comprehensive", "joint_with_trafficking")
DATE_KEYS = ("start_date", "end_date")
MISSION_KEYS = ("title", "start_date", "end_date", "places", "notes")
KNOWN_KEYS = ("title", "jurisdictions", "scope", "classification", "new_work_classification", "missions", *TEXT_KEYS,
              *BOOL_KEYS, *DATE_KEYS)


class TermsOfReferenceError(ServiceError):
    """The file cannot be read or is not a valid terms of reference; the message says where and why."""


@dataclass
class TermsOfReference:
    """What create_assessment takes: the plan's fields, the scope's codes and the missions."""

    fields: dict[str, Any]
    scope: list[str]
    missions: list[dict[str, Any]] = field(default_factory=list)


def read(path: Path) -> TermsOfReference:
    """Parse and check a terms-of-reference file; TermsOfReferenceError names the file, the key and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TermsOfReferenceError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TermsOfReferenceError(f"{path}: cannot read the file ({error}).") from None
    import yaml  # here, not at the top: `soma --help` loads this module through the `assessments` command

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise TermsOfReferenceError(f"{path}: not valid YAML{line}: {getattr(error, 'problem', error)}.") from None
    if not isinstance(data, dict):
        raise TermsOfReferenceError(f"{path}: the file must be a mapping of keys (title:, jurisdictions:, scope: ...).")

    def fail(key: str, problem: str) -> NoReturn:
        raise TermsOfReferenceError(f"{path}: '{key}' {problem}")

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
        raise TermsOfReferenceError("No catalog is loaded. Run `soma catalog load` (or `soma setup`) first.")
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
            fields[key] = _date(data[key], partial(fail, key))
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
                entry[date_key] = _date(mission[date_key], partial(fail, f"{key}.{date_key}"))
        if entry.get("start_date") and entry.get("end_date") and entry["end_date"] < entry["start_date"]:
            fail(f"{key}.end_date", "is before its start_date.")
        places = mission.get("places", "")
        if isinstance(places, list):
            places = ", ".join(str(place) for place in places)
        entry["places"] = str(places)[:300]
        if mission.get("notes"):
            entry["notes"] = str(mission["notes"])
        missions.append(entry)
    return TermsOfReference(fields=fields, scope=scope, missions=missions)


def _date(value: object, fail: Callable[[str], NoReturn]) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        fail(f"is not a date: write it as YYYY-MM-DD (got {value!r}).")
