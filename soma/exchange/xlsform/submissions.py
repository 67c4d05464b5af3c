"""Submissions collected with SOMA's XLSForm (ODK Central or KoboToolbox exports) in as draft answers.

`preview` reads the file and says what would happen, writing nothing; `apply` checks everything again and
writes all of it in one transaction, or nothing.

- Files: CSV (UTF-8, with or without BOM; `,` `;` or tab separated) or XLSX, first sheet. A column is
  mapped by the last part of its header (ODK Central writes `V_C-V_C_q07_answer`, KoboToolbox
  `V_C/V_C_q07_answer` or just `V_C_q07_answer`) to a question of the scope (`soma.exchange.xlsform.form_writer` names).
  Known metadata columns (`KEY`, `SubmissionDate`, `meta-instanceID`, `_uuid`, `__version__`...) are ignored;
  other columns are reported as unknown and ignored.
- Values: a status is its choice name (`in_place`...) or its label in English, French or Arabic. Anything else
  is an error naming the row and column, and nothing can be applied until the file is corrected. Text that
  looks like a spreadsheet formula ("=...") is kept as plain text; a real formula cell in an XLSX is refused.
- Rule for existing answers: an import only fills questions nobody has answered. A question with an answer in
  SOMA (any text, or a status other than unknown) is not changed: it is listed as skipped, with the
  submission's text shown in the preview for the team to merge by hand. An answer classified above the
  importer's clearance is skipped the same way, without showing it.
- Several submissions answering the same question are combined: their texts one after the other, each
  headed by its submission id; a status given by all of them alike is kept, differing ones become unknown
  (and are reported).
- Each draft answer is classified like the activity, cites the activity (pinpoint: the submission ids) and
  names its submission ids in the text, so it stays attributed to the activity. It stays in draft.
- Submissions rejected in ODK Central (`ReviewState` rejected) or not approved in KoboToolbox
  (`_validation_status`) are left out and reported.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from soma.accounts import audit
from soma.assessments import selectors
from soma.evidence import services as evidence_services
from soma.exchange.safe_files import MAX_UPLOAD_BYTES, UnsafeFile, check_xlsx, checked_zip, read_member
from soma.exchange.xlsform import form_writer
from soma.findings.models import Implementation, Response, ReviewState
from soma.kernel.access import Action, require
from soma.kernel.clearance import seen_by
from soma.responses import services as response_services

MAX_ROWS = 5000
MAX_COLUMNS = 5000
MAX_CELL = 32767  # Excel's own limit for one cell
UNKNOWN_SHOWN = 10  # unknown columns named in a preview

METADATA = {
    # ODK Central
    "KEY", "SubmissionDate", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
    "ReviewState", "DeviceID", "Edits", "FormVersion", "instanceID", "instanceName", "deprecatedID",
    # KoboToolbox
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
    "_tags", "_index", "_attachments", "_geolocation", "_xform_id_string", "_parent_index", "_parent_table_name",
    "rootUuid", "uuid",
    # metadata questions a form may add
    "start", "end", "today", "deviceid", "username", "phonenumber", "simserial", "subscriberid", "audit",
    form_writer.ASSESSMENT_FIELD,
}
ID_COLUMNS = ("instanceID", "KEY", "_uuid", "_id")
REJECTED = {"ReviewState": {"rejected"}, "_validation_status": {"validation_status_not_approved", "not approved"}}
STATUS_FIELDS = ("de_jure", "de_facto")


class ImportRefused(Exception):
    """Nothing was written; the message says why and what to do."""


@dataclass
class Problem:
    message: str
    row: int | None = None  # the row in the file (the header is row 1)
    column: str = ""

    def __str__(self):
        if self.row and self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("Column %(column)s: %(message)s") % {"column": self.column, "message": self.message}
        return self.message


@dataclass
class Submission:
    row: int
    id: str
    answers: dict[str, dict[str, str]] = field(default_factory=dict)  # question -> {field: value}
    left_out: str = ""  # why the submission is not imported (rejected in ODK Central / Kobo)


@dataclass
class Draft:
    """What one question will get."""

    question: str
    text: str  # the question's text
    narrative: str
    de_jure: str
    de_facto: str
    submissions: list[str]
    response_version: int = 0  # 0: a new answer; otherwise an empty answer that is filled

    @property
    def de_jure_label(self) -> str:
        return str(Implementation(self.de_jure).label)

    @property
    def de_facto_label(self) -> str:
        return str(Implementation(self.de_facto).label)


@dataclass
class Skipped:
    question: str
    text: str
    reason: str
    incoming: str  # the submissions' combined text, shown so the team can merge it by hand


@dataclass
class Preview:
    file_name: str
    digest: str
    kind: str  # "CSV" or "XLSX"
    activity: object
    submissions: list[Submission] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    mapped_columns: list[str] = field(default_factory=list)
    metadata_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unknown_shown(self) -> list[str]:
        """The first unknown columns, shortened: a file exported with labels has thousands of long ones."""
        return [c if len(c) <= 60 else c[:59] + "…" for c in self.unknown_columns[:UNKNOWN_SHOWN]]

    @property
    def unknown_more(self) -> int:
        return max(len(self.unknown_columns) - UNKNOWN_SHOWN, 0)


# --- Reading the file ----------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A file's first table: its kind ("CSV", "XLSX", "CSV.ZIP"), header, rows, the row number of the first
    row, and notes on what was read (for the preview's warnings)."""

    kind: str
    header: list[str]
    rows: list[list[object]]
    first: int
    notes: list[str] = field(default_factory=list)


def read_table(data: bytes, file_name: str = "") -> Table:
    """The table of a CSV, an XLSX or an ODK Central `.csv.zip` export; UnsafeFile when the file cannot be read
    safely."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnsafeFile(_("The file is larger than %(mb)s MB. Export fewer submissions at a time.")
                         % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if not data:
        raise UnsafeFile(_("The file is empty. Choose the export file again."))
    name = file_name.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".zip")):
        if not name.endswith(".xlsx") and zipfile.is_zipfile(io.BytesIO(data)):
            with checked_zip(data, _("The archive")) as archive:
                members = archive.namelist()
            if "[Content_Types].xml" not in members:
                return Table("CSV.ZIP", *_read_central_zip(data, file_name))
        return Table("XLSX", *_read_xlsx(data))
    return Table("CSV", *_read_csv(data))


def _read_central_zip(data: bytes, file_name: str) -> tuple[list[str], list[list[object]], int, list[str]]:
    """ODK Central's normal download, `<form id>.csv.zip`: the submissions in `<form id>.csv`, each repeat
    group's rows in `<form id>-<repeat>.csv` beside it, attachments under media/. The main CSV is read with the
    limits of an uploaded CSV; SOMA's forms have no repeat groups, so the other tables are named, not read."""
    with checked_zip(data, _("The archive")) as archive:
        tables = sorted(n for n in archive.namelist() if n.lower().endswith(".csv") and "/" not in n)
        main = _main_table(tables, file_name)
        content = read_member(archive, main)
    others = [n for n in tables if n != main]
    notes = []
    if others:
        notes.append(_("Read %(main)s from the archive; %(others)s not read (SOMA's forms have no repeat groups).")
                     % {"main": main, "others": _capped(others, 5)})
    header, rows, first = _read_csv(content)
    return header, rows, first, notes


def _main_table(tables: list[str], file_name: str) -> str:
    if not tables:
        raise UnsafeFile(_("This ZIP archive is neither an Excel workbook nor an ODK Central export (it holds no "
                           "CSV file). Upload the .csv.zip that ODK Central downloads, or a CSV or XLSX export."))
    # The archive's own name says which table is the main one (a browser may add " (1)" to a second download).
    stem = re.sub(r" ?\(\d+\)$", "", re.sub(r"(\.csv)?\.zip$", "", file_name.rsplit("/", 1)[-1], flags=re.I))
    if f"{stem}.csv" in tables:
        return f"{stem}.csv"
    # Otherwise the one whose name starts every other's: form.csv beside form-repeat.csv.
    roots = [t for t in tables if all(o == t or o.startswith(t[:-4] + "-") for o in tables)]
    if len(roots) == 1:
        return roots[0]
    raise UnsafeFile(_("The archive holds several CSV files (%(names)s) and none is the main table of an ODK "
                       "Central export. Upload the .csv.zip as ODK Central made it, or its main CSV on its own.")
                     % {"names": _capped(tables, 5)})


def _capped(names: list[str], limit: int, width: int = 60) -> str:
    """A few names for a message, each shortened, with how many more there are."""
    shown = ", ".join(n if len(n) <= width else n[: width - 1] + "…" for n in names[:limit])
    if len(names) > limit:
        shown += " " + _("(and %(n)s more)") % {"n": len(names) - limit}
    return shown


def _read_csv(data: bytes) -> tuple[list[str], list[list[object]], int]:
    if b"\x00" in data:
        raise UnsafeFile(_("This is not a CSV text file (it contains NUL bytes). Export the submissions as CSV "
                           "or XLSX again."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnsafeFile(_("The file is not UTF-8 text (a byte at position %(position)s cannot be read). Export it "
                           "again as CSV in UTF-8, or as XLSX.") % {"position": error.start}) from None
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            if len(rows) > MAX_ROWS:
                raise UnsafeFile(_("The file has more than %(rows)s submissions. Export fewer at a time.")
                                 % {"rows": MAX_ROWS})
            rows.append(row)
    except csv.Error as error:
        raise UnsafeFile(_("The CSV file cannot be read at line %(line)s (%(error)s). Export it again.")
                         % {"line": reader.line_num, "error": error}) from None
    return _split(rows)


def _read_xlsx(data: bytes) -> tuple[list[str], list[list[object]], int]:
    from openpyxl import load_workbook

    handle = check_xlsx(data)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on a damaged workbook
        raise UnsafeFile(_("The workbook cannot be read. Export the submissions again as XLSX.")) from None
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise UnsafeFile(_("The file has more than %(columns)s columns; it was not read.")
                             % {"columns": MAX_COLUMNS})
        rows = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                raise UnsafeFile(_("The file has more than %(rows)s submissions. Export fewer at a time.")
                                 % {"rows": MAX_ROWS})
            row = []
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    row.append(_Formula(str(cell.value)))
                else:
                    row.append(cell.value)
            rows.append(row)
    finally:
        workbook.close()
    return _split(rows)


class _Formula(str):
    """A real formula cell of an XLSX: refused, since an export of submissions holds values only."""


def _split(rows: list[list[object]]) -> tuple[list[str], list[list[object]], int]:
    """The header, the rows after it, and the file's row number of the first of them."""
    start = next((i for i, row in enumerate(rows) if any(_text(value) for value in row)), None)
    if start is None:
        raise UnsafeFile(_("The file has no header row. Export the submissions again with column names."))
    header = [_text(value) for value in rows[start]]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise UnsafeFile(_("The file has more than %(columns)s columns; it was not read.") % {"columns": MAX_COLUMNS})
    if len(rows) - start - 1 > MAX_ROWS:
        raise UnsafeFile(_("The file has more than %(rows)s submissions. Export fewer at a time.") % {"rows": MAX_ROWS})
    return header, rows[start + 1:], start + 2


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _labels_as_headers(headers: list[str]) -> bool:
    """Headers that are texts (a KoboToolbox export with labels): most hold spaces, which no field name does."""
    return bool(headers) and sum(" " in h.strip() for h in headers) * 2 > len(headers)


def short_name(header: str) -> str:
    """The field name in a column header: `V_C-V_C_q07_answer`, `V_C/V_C_q07_answer` -> `V_C_q07_answer`."""
    for separator in ("/", "-", ":", "."):
        header = header.rsplit(separator, 1)[-1]
    return header.strip()


# --- Preview -------------------------------------------------------------------------------------------------------


def _status_values() -> dict[str, str]:
    """Accepted spellings of a status, lower case: the choice names and the labels in SOMA's languages."""
    values = {value.lower(): value for value in Implementation.values}
    for code in ("en", "fr", "ar"):
        with translation.override(code):
            values |= {str(choice.label).strip().lower(): choice.value for choice in Implementation}
    return values


def preview(user, assessment, activity, data: bytes, file_name: str = "") -> Preview:
    """What importing the file would do, writing nothing. Raises UnsafeFile for a file that cannot be read."""
    require(user, Action.EDIT, assessment)
    activity = selectors.activity(seen_by(user, assessment), activity.pk)
    table = read_table(data, file_name)
    header, rows, first = table.header, table.rows, table.first
    result = Preview(file_name=file_name, digest=hashlib.sha256(data).hexdigest(), kind=table.kind,
                     activity=activity)
    result.warnings += [Problem(note) for note in table.notes]
    questions = {q.key: q for sub in selectors.questions_in_scope(seen_by(user, assessment)) for q in sub.questions}
    names = form_writer.field_map(questions.values())

    columns: dict[int, tuple[str, str]] = {}  # column index -> (question, response field)
    special: dict[str, int] = {}
    seen: dict[tuple[str, str], str] = {}
    for index, heading in enumerate(header):
        name = short_name(heading)
        if not heading:
            continue
        if name in names:
            target = names[name]
            if target in seen:
                result.errors.append(Problem(_("maps to the same field as column %(other)s. Remove one of them.")
                                             % {"other": seen[target]}, column=heading))
                continue
            seen[target] = heading
            columns[index] = target
            result.mapped_columns.append(heading)
        elif name in METADATA:
            special.setdefault(name, index)
            result.metadata_columns.append(heading)
        else:
            result.unknown_columns.append(heading)
    if not columns and _labels_as_headers(result.unknown_columns):
        result.errors.append(Problem(_("The column headers are question texts, not field names: the file was "
                                       "exported with labels. Export it again with XML values and headers "
                                       "(KoboToolbox: Downloads, Value and header format, “XML values and "
                                       "headers”).")))
    elif not columns:
        result.errors.append(Problem(_("No column of the file is a question of this assessment's scope. Export the "
                                       "submissions with XML names as headers (not labels), from a form made by "
                                       "SOMA for this assessment.")))

    statuses = _status_values()
    ids: dict[str, int] = {}
    for offset, row in enumerate(rows):
        number = offset + first
        if not any(_text(value) for value in row):
            continue

        def cell(index, row=row):
            return _text(row[index]) if index < len(row) else ""

        submission_id = next((cell(special[c]) for c in ID_COLUMNS if c in special and cell(special[c])),
                             f"row {number}")
        submission = Submission(row=number, id=submission_id)
        if submission_id in ids:
            result.errors.append(Problem(_("repeats submission %(id)s of row %(other)s. Remove the duplicate row.")
                                         % {"id": submission_id, "other": ids[submission_id]}, row=number))
            continue
        ids[submission_id] = number
        owner = cell(special[form_writer.ASSESSMENT_FIELD]) if form_writer.ASSESSMENT_FIELD in special else ""
        if owner and owner != str(assessment.pk):
            result.errors.append(Problem(_("was collected with the form of another assessment (%(other)s). Import it "
                                           "there.") % {"other": owner}, row=number,
                                         column=header[special[form_writer.ASSESSMENT_FIELD]]))
            continue
        for column, rejected in REJECTED.items():
            if column in special and cell(special[column]).lower() in rejected:
                submission.left_out = _("marked %(state)s in %(column)s") % {
                    "state": cell(special[column]), "column": column}
        for index, (question, response_field) in columns.items():
            if index >= len(row):
                continue
            raw = row[index]
            if isinstance(raw, _Formula):
                result.errors.append(Problem(_("the cell holds a formula (%(formula)s), not a collected value. "
                                               "Replace it by its value.") % {"formula": raw[:40]},
                                             row=number, column=header[index]))
                continue
            value = _text(raw)
            if not value:
                continue
            if len(value) > MAX_CELL:
                result.errors.append(Problem(_("the text is longer than %(max)s characters.") % {"max": MAX_CELL},
                                             row=number, column=header[index]))
                continue
            if response_field in STATUS_FIELDS:
                status = statuses.get(value.lower())
                if status is None:
                    result.errors.append(Problem(
                        _("'%(value)s' is not a status. Use one of: %(choices)s.")
                        % {"value": value[:40], "choices": ", ".join(Implementation.values)},
                        row=number, column=header[index]))
                    continue
                value = status
            submission.answers.setdefault(question, {})[response_field] = value
        result.submissions.append(submission)
    for submission in result.submissions:
        if submission.left_out:
            result.warnings.append(Problem(_("submission %(id)s is left out: %(why)s.")
                                           % {"id": submission.id, "why": submission.left_out}, row=submission.row))
    _plan(user, assessment, result, questions)
    return result


def _plan(user, assessment, result: Preview, questions: dict) -> None:
    """Combine the submissions per question and decide, against the answers in SOMA, what gets written."""
    incoming: dict[str, list[tuple[Submission, dict]]] = {}
    for submission in result.submissions:
        if submission.left_out:
            continue
        for question, values in submission.answers.items():
            incoming.setdefault(question, []).append((submission, values))
    existing = {r.question: r for r in assessment.responses.filter(question__in=list(incoming))}
    seen = seen_by(user, assessment)
    for key in [q for q in questions if q in incoming]:  # in guide order
        entries = incoming[key]
        narrative = "\n\n".join(
            f"[{submission.id}] {values['narrative']}" if values.get("narrative") else f"[{submission.id}]"
            for submission, values in entries
        )
        status = {}
        for name in STATUS_FIELDS:
            given = {values[name] for _submission, values in entries if values.get(name)}
            status[name] = next(iter(given)) if len(given) == 1 else Implementation.UNKNOWN
            if len(given) > 1:
                rows = ", ".join(str(submission.row) for submission, values in entries if values.get(name))
                result.warnings.append(Problem(
                    _("%(question)s: rows %(rows)s give different %(field)s statuses; it is set to unknown.")
                    % {"question": key, "rows": rows, "field": name.replace("_", " ")}))
        response = existing.get(key)
        text = questions[key].text
        if response is not None and not seen.may_see(response.classification):
            result.skipped.append(Skipped(key, text, _("an answer exists at a classification above your clearance"),
                                          narrative))
            continue
        if response is not None and not _is_empty(response):
            result.skipped.append(Skipped(key, text, _("already answered in SOMA; not changed"), narrative))
            continue
        result.drafts.append(Draft(
            question=key, text=text, narrative=narrative, de_jure=status["de_jure"], de_facto=status["de_facto"],
            submissions=[submission.id for submission, _values in entries],
            response_version=response.version if response is not None else 0,
        ))


def _is_empty(response: Response) -> bool:
    return (not response.narrative.strip() and response.de_jure == Implementation.UNKNOWN
            and response.de_facto == Implementation.UNKNOWN)


# --- Apply ---------------------------------------------------------------------------------------------------------


@dataclass
class Applied:
    written: int
    skipped: int
    submissions: int


def apply(user, assessment, activity, data: bytes, file_name: str = "", *, expected_digest: str = "",
          progress: Callable[[int, str], None] | None = None) -> Applied:
    """Check the file again and write its draft answers in one transaction; ImportRefused writes nothing."""
    report = progress or (lambda percent, step: None)
    report(5, _("Reading the file"))
    try:
        result = preview(user, assessment, activity, data, file_name)
    except UnsafeFile as error:
        raise ImportRefused(str(error)) from None
    if expected_digest and result.digest != expected_digest:
        raise ImportRefused(_("The file is not the one that was previewed. Upload it again."))
    if result.errors:
        shown = "; ".join(str(problem) for problem in result.errors[:5])
        more = len(result.errors) - 5
        raise ImportRefused(_("Nothing was imported: %(problems)s%(more)s. Correct the file and upload it again.")
                            % {"problems": shown, "more": _(" (and %(n)s more)") % {"n": more} if more > 0 else ""})
    activity = result.activity
    report(30, _("Writing %(count)s draft answers") % {"count": len(result.drafts)})
    with transaction.atomic():
        for draft in result.drafts:
            try:
                response = response_services.save_response(
                    user, assessment, draft.question, expected_version=draft.response_version,
                    narrative=draft.narrative, de_jure=draft.de_jure, de_facto=draft.de_facto,
                    classification=activity.classification,
                )
            except response_services.EditConflict:
                raise ImportRefused(_("Someone answered %(question)s while the import was being prepared. Nothing "
                                      "was imported; preview the file again.") % {"question": draft.question}) from None
            if response.review_state != ReviewState.DRAFT:
                response_services.set_review_state(user, assessment, response, ReviewState.DRAFT)
            pinpoint = _("field submission %(ids)s") % {"ids": ", ".join(draft.submissions)}
            evidence_services.cite(user, assessment, response=response, activity=activity, pinpoint=pinpoint[:200])
        audit.imported(user, assessment, "submissions", activity=activity.pk, answers=len(result.drafts))
    report(100, _("Done"))
    return Applied(written=len(result.drafts), skipped=len(result.skipped),
                   submissions=sum(1 for s in result.submissions if not s.left_out))
