"""Checking a bundle before anything is written: size, JSON, nesting, schema, catalog, references, files.

Every problem is collected as "place: what is wrong" (e.g. `responses[12].question: "guide:V.Z:q01" is not a
question of catalog version 2026.11`), so that one attempt shows all of them.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator
from django_countries import countries

from soma.catalog import selectors as catalog_selectors
from soma.catalog.models import CatalogVersion
from soma.evidence.services import check_upload
from soma.exchange.bundle.format import FORMAT, FORMAT_VERSION, BundleError
from soma.kernel import clearance
from soma.kernel.errors import ServiceError

SCHEMA_PATH = Path(__file__).with_name("schema.json")
DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # settings.SOMA_BUNDLE_MAX_BYTES overrides it
MAX_DEPTH = 8  # a valid bundle nests five levels deep; anything much deeper is refused before validation
MAX_ERRORS = 200
PROVISION_KINDS = ("protocol_article", "provision")
TOOLKIT_KINDS = ("toolkit_section", "toolkit_tool")
FRAMEWORK_KINDS = ("ffa_paragraph", "ffa_cell", "ffa_table_section")


@dataclass
class Checked:
    """A bundle that passed every check, with what the writer needs."""

    data: dict
    catalog: CatalogVersion
    files: dict[str, bytes] = field(default_factory=dict)  # by source id


def max_bytes() -> int:
    return getattr(settings, "SOMA_BUNDLE_MAX_BYTES", DEFAULT_MAX_BYTES)


@functools.cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "…\""


def place(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the bundle"


# --- Reading --------------------------------------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def parse(data: bytes):
    """The JSON value of the bytes, or BundleError saying why they are not a bundle."""
    limit = max_bytes()
    if not data:
        raise BundleError(["the bundle: the file is empty. Choose the .json file exported from SOMA."])
    if len(data) > limit:
        raise BundleError([f"the bundle: the file is larger than {limit // (1024 * 1024)} MB. Export it again "
                           "with the files left out, or ask the administrator to raise SOMA_BUNDLE_MAX_BYTES."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BundleError(["the bundle: this is not a SOMA bundle (not UTF-8 JSON text)."]) from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)
    except _DuplicateKey as duplicate:
        raise BundleError([f"the bundle: the key {_short(str(duplicate))} appears twice in one object."]) from None
    except RecursionError:
        raise BundleError(["the bundle: the JSON is nested far too deeply to be a SOMA bundle."]) from None
    except json.JSONDecodeError as error:
        raise BundleError([f"the bundle: this is not valid JSON (line {error.lineno}, column {error.colno}: "
                           f"{error.msg})."]) from None
    except ValueError as error:
        raise BundleError([f"the bundle: {error}."]) from None
    depth_problem = _too_deep(value)
    if depth_problem:
        raise BundleError([f"{depth_problem}: the JSON is nested deeper than a SOMA bundle ever is."])
    return value


def _too_deep(value) -> str | None:
    """The place of the first value nested deeper than MAX_DEPTH, or None (iterative: no recursion limit)."""
    stack: list[tuple[object, int, tuple[str | int, ...]]] = [(value, 1, ())]
    while stack:
        current, depth, path = stack.pop()
        if isinstance(current, (dict, list)):
            if depth > MAX_DEPTH:
                return place(path)
            items = current.items() if isinstance(current, dict) else enumerate(current)
            stack.extend((child, depth + 1, (*path, key)) for key, child in items)
    return None


# --- Schema ----------------------------------------------------------------------------------------------------------


def _schema_message(error) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind in ("oneOf", "anyOf") and error.context:
        specific = [e for e in error.context if e.validator != "type"]
        return _schema_message(specific[0] if specific else error.context[-1])
    messages = {
        "type": lambda: f"should be {'an' if str(expected)[0] in 'aeiou' else 'a'} {expected}, not {_short(value)}",
        "maxLength": lambda: f"is longer than {expected} characters",
        "minLength": lambda: "must not be empty" if expected == 1 else f"is shorter than {expected} characters",
        "enum": lambda: f"{_short(value)} is not one of: {', '.join(map(str, expected))}",
        "const": lambda: f"should be {_short(expected)}, not {_short(value)}",
        "pattern": lambda: f"{_short(value)} does not have the expected form ({expected})",
        "maxItems": lambda: f"has more than {expected} entries",
        "minItems": lambda: "must not be empty" if expected == 1 else f"needs at least {expected} entries",
        "uniqueItems": lambda: "lists the same entry twice",
        "minimum": lambda: f"{_short(value)} is less than {expected}",
        "maximum": lambda: f"{_short(value)} is more than {expected}",
        "required": lambda: error.message,
        "additionalProperties": lambda: "has unknown fields: " + ", ".join(
            _short(k) for k in sorted(set(value) - set(error.schema.get("properties", {})))[:5]
        ),
    }
    message = messages.get(kind, lambda: error.message)()
    return message if len(message) <= 300 else message[:297] + "…"


def check_schema(value) -> None:
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise BundleError(["format: this is not a SOMA bundle (it has no \"format\": \"soma-bundle\")."])
    if value.get("format_version") != FORMAT_VERSION:
        raise BundleError([f"format_version: {_short(value.get('format_version'))} is not a bundle format this SOMA "
                           f"reads (it reads version {FORMAT_VERSION}). Update SOMA or export the bundle again."])
    import jsonschema  # here, not at the top: the URL configuration imports this module (start-up cost)

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(value), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        raise BundleError([f"{place(e.absolute_path)}: {_schema_message(e)}" for e in errors[:MAX_ERRORS]])


# --- Meaning ---------------------------------------------------------------------------------------------------------


class _Problems(list):
    def add(self, where, message: str) -> None:
        self.append(f"{where if isinstance(where, str) else place(where)}: {message}")


def _strings(value, path=()):
    stack = [(value, path)]
    while stack:
        current, here = stack.pop()
        if isinstance(current, str):
            yield here, current
        elif isinstance(current, dict):
            stack.extend(((v, (*here, k)) for k, v in current.items()))
        elif isinstance(current, list):
            stack.extend(((v, (*here, i)) for i, v in enumerate(current)))


class _Checker:
    def __init__(self, data: dict, progress):
        self.data, self.progress, self.problems = data, progress, _Problems()
        self.files: dict[str, bytes] = {}
        self.catalog: CatalogVersion | None = None
        self.tree: catalog_selectors.Tree | None = None
        self.ids: dict[str, set[str]] = {}
        self.national: set[str] = set()
        self.answered: set[str] = set()
        self.audience_levels: list[str] = []
        self.scope: set[str] = set()

    def run(self) -> Checked:
        self.texts()
        self.catalog_version()
        if self.tree is None or self.catalog is None:  # nothing else can be checked without the catalog
            raise BundleError(self.problems)
        self.plan()
        self.ids = {
            kind: self.unique(kind, "id")
            for kind in ("missions", "institutions", "activities", "sources", "findings", "conclusions",
                         "recommendations")
        }
        self.national = self.unique("national_questions", "key")
        self.answered = self.unique("responses", "question")
        self.audience_levels = clearance.up_to(self.data["audience"])
        self.national_questions()
        self.names_of_people()
        self.institutions()
        self.missions()
        self.activities()
        self.sources()
        self.responses()
        self.findings()
        self.conclusions()
        self.recommendations()
        if self.problems:
            raise BundleError(self.problems[:MAX_ERRORS])
        return Checked(self.data, self._catalog()[0], self.files)

    # helpers

    def _catalog(self) -> tuple[CatalogVersion, catalog_selectors.Tree]:
        """The bundle's catalog version and its tree (`run` checks nothing else before it found them)."""
        if self.catalog is None or self.tree is None:
            raise RuntimeError("the bundle's catalog version is not found yet")
        return self.catalog, self.tree

    def unique(self, collection: str, name: str) -> set[str]:
        seen = set()
        for n, row in enumerate(self.data[collection]):
            if row[name] in seen:
                self.problems.add((collection, n, name), f"{_short(row[name])} is used twice in {collection}")
            seen.add(row[name])
        return seen

    def refs(self, path, values, collection: str) -> None:
        for n, value in enumerate(values):
            if value not in self.ids[collection]:
                self.problems.add((*path, n), f"{_short(value)} is not an id in {collection}")

    def date(self, path, value) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problems.add(path, f"{_short(value)} is not a date (use YYYY-MM-DD)")
            return None

    def dates(self, path, row) -> None:
        start = self.date((*path, "start_date"), row["start_date"])
        end = self.date((*path, "end_date"), row["end_date"])
        if start and end and end < start:
            self.problems.add((*path, "end_date"), "is before the start date")

    def level(self, path, value) -> None:
        if value not in self.audience_levels:
            self.problems.add(path, f"{_short(value)} is above the bundle's audience ({self.data['audience']})")

    def item(self, path, key, kinds, what: str) -> bool:
        catalog, tree = self._catalog()
        found = tree.get(key)
        if found is None or found.kind not in kinds:
            self.problems.add(path, f"{_short(key)} is not {what} of catalog version {catalog.version}")
            return False
        return True

    def question(self, path, key) -> None:
        if key in self.national:
            return
        if self.item(path, key, ("question",), "a question"):
            subsection = key.rsplit(":", 1)[0]
            if subsection not in self.scope:
                self.problems.add(path, f"{_short(key)} is a question of {subsection}, which is not in the scope")

    # checks

    def texts(self) -> None:
        for path, text in _strings(self.data):
            if "\x00" in text:
                self.problems.add(path, "contains a NUL character, which SOMA does not store")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                self.problems.add(path, "contains an invalid character (a lone surrogate escape)")

    def catalog_version(self) -> None:
        wanted = self.data["catalog"]
        catalog = self.catalog = CatalogVersion.objects.filter(version=wanted["version"]).first()
        if catalog is None:
            loaded = ", ".join(CatalogVersion.objects.order_by("version").values_list("version", flat=True)) or "none"
            self.problems.add("catalog.version", f"catalog version {_short(wanted['version'])} is not loaded in this "
                              f"SOMA (loaded: {loaded}). An administrator can load it with `soma catalog load`, or "
                              "export the bundle from an assessment pinned to a version loaded here.")
            return
        if wanted["digest"] and wanted["digest"] != catalog.digest:
            self.problems.add("catalog.digest", f"catalog version {catalog.version} here has different content "
                              "(another digest) from the one the bundle was exported with; it cannot be imported.")
            return
        self.tree = catalog_selectors.tree(catalog)

    def plan(self) -> None:
        plan = self.data["assessment"]
        for n, code in enumerate(plan["jurisdictions"]):
            if not countries.alpha2(code):
                self.problems.add(("assessment", "jurisdictions", n), f"{_short(code)} is not a country code")
        self.dates(("assessment",), plan)
        new_work = plan.get("new_work_classification")
        if new_work is not None and clearance.rank(new_work) > clearance.rank(plan["classification"]):
            self.problems.add(("assessment", "new_work_classification"),
                              f"{new_work} is above the assessment's classification ({plan['classification']}); "
                              "new work cannot start above it")
        self.scope = set()
        for n, key in enumerate(plan["scope"]):
            if self.item(("assessment", "scope", n), key, ("guide_subsection",), "a guide subsection"):
                self.scope.add(key)
        self.areas = set(self.scope)
        for key in self.scope:
            code = key.split(":", 1)[1].split(".")[0]
            self.areas |= {f"guide:section:{code}", f"guide:{code}"}

    def national_questions(self) -> None:
        for n, row in enumerate(self.data["national_questions"]):
            path = ("national_questions", n)
            if row["subsection"] not in self.scope:
                self.problems.add((*path, "subsection"), f"{_short(row['subsection'])} is not in the scope")
            expected = f"{row['subsection']}:n{row['number']:02d}"
            if row["key"] != expected:
                self.problems.add((*path, "key"), f"should be {_short(expected)} (its subsection and number)")
            parent = row["parent"]
            if parent is not None:
                if not parent.startswith(row["subsection"] + ":"):
                    self.problems.add((*path, "parent"), "must be a question of the same subsection")
                elif parent not in self.national:
                    self.item((*path, "parent"), parent, ("question",), "a question")

    def institutions(self) -> None:
        for n, row in enumerate(self.data["institutions"]):
            for k, code in enumerate(row["sections"]):
                if self._catalog()[1].get(f"guide:section:{code}") is None:
                    self.problems.add(("institutions", n, "sections", k), f"{_short(code)} is not a guide section")

    def names_of_people(self) -> None:
        """Names of people (soma.kernel.clearance.NAMES_OF_PEOPLE) have no place in a public bundle."""
        if clearance.names_allowed(self.audience_levels):
            return
        places = [(("assessment",), self.data["assessment"], "assessment")] + [
            ((kind, n), row, model)
            for kind, model in (("missions", "mission"), ("institutions", "institution"), ("activities", "activity"))
            for n, row in enumerate(self.data[kind])
        ]
        for path, row, model in places:
            for name in clearance.withheld_fields(model, self.audience_levels):
                if name in row:
                    self.problems.add((*path, name), "is restricted material (names of people) in a public bundle")

    def missions(self) -> None:
        for n, row in enumerate(self.data["missions"]):
            self.dates(("missions", n), row)

    def activities(self) -> None:
        for n, row in enumerate(self.data["activities"]):
            path = ("activities", n)
            self.date((*path, "date"), row["date"])
            if row["mission"] is not None and row["mission"] not in self.ids["missions"]:
                self.problems.add((*path, "mission"), f"{_short(row['mission'])} is not an id in missions")
            self.refs((*path, "institutions"), row["institutions"], "institutions")
            for k, key in enumerate(row["questions"]):
                self.question((*path, "questions", k), key)
            self.level((*path, "classification"), row["classification"])

    def sources(self) -> None:
        rows = self.data["sources"]
        with_files = [row for row in rows if row["file"] and "content" in row["file"]]
        done = 0
        for n, row in enumerate(rows):
            path = ("sources", n)
            self.date((*path, "date"), row["date"])
            self.level((*path, "classification"), row["classification"])
            if row["link"]:
                try:
                    URLValidator()(row["link"])
                except ValidationError:
                    self.problems.add((*path, "link"), f"{_short(row['link'])} is not a web address")
            if row["file"] and "content" in row["file"]:
                self.file((*path, "file"), row)
                done += 1
                self.progress(10 + 40 * done // max(len(with_files), 1), f"Checking file {done} of {len(with_files)}")

    def file(self, path, row) -> None:
        meta = row["file"]
        name = meta["name"]
        if ("/" in name or "\\" in name or name.startswith(".") or name != name.strip()
                or any(ord(c) < 32 for c in name)):
            self.problems.add((*path, "name"), f"{_short(name)} is not a plain file name (no folders, no hidden "
                              "or control characters)")
            return
        try:
            content = base64.b64decode(meta["content"], validate=True)
        except (binascii.Error, ValueError):
            self.problems.add((*path, "content"), "is not base64")
            return
        if len(content) != meta["size"]:
            self.problems.add((*path, "size"), f"says {meta['size']} bytes but the content has {len(content)}")
        if hashlib.sha256(content).hexdigest() != meta["sha256"]:
            self.problems.add((*path, "sha256"), "does not match the file's content (the file is damaged or changed)")
            return
        try:
            # The same checks and the same name cleaning (bidi and other invisible characters) as an upload.
            meta["name"], meta["type"] = check_upload(SimpleUploadedFile(name, content))
        except ServiceError as refused:
            self.problems.add((*path, "name"), str(refused))
            return
        self.files[row["id"]] = content

    def citations(self, path, rows) -> None:
        for n, row in enumerate(rows):
            here = (*path, n)
            if row["source"] is None and row["activity"] is None:
                self.problems.add(here, "cites neither a source nor an activity")
            if row["source"] is not None and row["source"] not in self.ids["sources"]:
                self.problems.add((*here, "source"), f"{_short(row['source'])} is not an id in sources")
            if row["activity"] is not None and row["activity"] not in self.ids["activities"]:
                self.problems.add((*here, "activity"), f"{_short(row['activity'])} is not an id in activities")

    def responses(self) -> None:
        for n, row in enumerate(self.data["responses"]):
            path = ("responses", n)
            self.question((*path, "question"), row["question"])
            self.level((*path, "classification"), row["classification"])
            self.citations((*path, "citations"), row["citations"])

    def findings(self) -> None:
        for n, row in enumerate(self.data["findings"]):
            path = ("findings", n)
            if row["subsection"] and row["subsection"] not in self.scope:
                self.problems.add((*path, "subsection"), f"{_short(row['subsection'])} is not in the scope")
            for k, key in enumerate(row["responses"]):
                if key not in self.answered:
                    self.problems.add((*path, "responses", k), f"{_short(key)} is not a question answered in responses")
            for k, key in enumerate(row["provisions"]):
                self.item((*path, "provisions", k), key, PROVISION_KINDS, "a Protocol article or provision")
            self.level((*path, "classification"), row["classification"])
            self.citations((*path, "citations"), row["citations"])

    def conclusions(self) -> None:
        for n, row in enumerate(self.data["conclusions"]):
            self.refs(("conclusions", n, "findings"), row["findings"], "findings")
            self.level(("conclusions", n, "classification"), row["classification"])

    def recommendations(self) -> None:
        for n, row in enumerate(self.data["recommendations"]):
            path = ("recommendations", n)
            if row["area"] not in self.areas:
                self.problems.add((*path, "area"), f"{_short(row['area'])} is not a guide section or subsection in "
                                  "the scope")
            self.refs((*path, "institutions"), row["institutions"], "institutions")
            self.refs((*path, "conclusions"), row["conclusions"], "conclusions")
            for k, key in enumerate(row["toolkit"]):
                self.item((*path, "toolkit", k), key, TOOLKIT_KINDS, "a Toolkit section")
            for k, key in enumerate(row["framework"]):
                self.item((*path, "framework", k), key, FRAMEWORK_KINDS, "a Framework for Action item")
            if row["estimated_cost"] is not None:
                try:
                    Decimal(row["estimated_cost"])
                except InvalidOperation:
                    self.problems.add((*path, "estimated_cost"), "is not a number")
            self.level((*path, "classification"), row["classification"])


def check(data: bytes, progress) -> Checked:
    """Everything that can be wrong with the bytes, checked before a write; BundleError lists the problems."""
    progress(2, "Reading the bundle")
    value = parse(data)
    progress(5, "Checking the bundle's form")
    check_schema(value)
    progress(10, "Checking references and files")
    return _Checker(value, progress).run()
