"""The questionnaire as an Excel workbook: exported for offline desk work, imported back into the answers.

Each question row carries three hidden, locked key cells: the question id, the version of the answer it was
exported from, and a fingerprint of the values as exported. On import a row whose values still match its
fingerprint was not touched and is left alone; a touched row whose answer changed in SOMA since the export
(the version differs) is not written over: its values are kept as an ImportConflict for the member to merge.
Everything is checked before anything is written; the writes go through `save_response` in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from soma.accounts import audit
from soma.assessments import selectors as assessment_selectors
from soma.assessments.models import Classification
from soma.exchange import safe_files
from soma.exchange.models import ImportConflict
from soma.exchange.safe_files import put
from soma.findings import selectors as finding_selectors
from soma.findings.models import Implementation, Response
from soma.kernel.access import Action, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import ServiceError
from soma.responses import selectors as responses_selectors
from soma.responses import services as response_services

SHEET = "Questionnaire"
META = "SOMA"
FORMAT = "soma-questionnaire/1"
MAX_ROWS = 10000

# Columns of the Questionnaire sheet: A-C are the hidden keys, F-I the cells a member fills in.
ID, VERSION, CHECK, REF, QUESTION, DE_JURE, DE_FACTO, CLASSIFICATION, ANSWER = range(1, 10)
EDITABLE = (DE_JURE, DE_FACTO, CLASSIFICATION, ANSWER)
LETTER = dict(zip(range(1, 10), "ABCDEFGHI", strict=True))
WIDTHS = [14, 8, 12, 12, 60, 16, 16, 15, 80]
SHOWN_WIDTHS = {column: WIDTHS[column - 1] for column in range(REF, ANSWER + 1)}  # the key columns are hidden


class ImportRefused(ServiceError):
    """The spreadsheet was not imported and nothing was changed; `problems` names each cell and what to do."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:50]
        more = len(problems) - len(shown)
        lines = [_("The spreadsheet was not imported; nothing was changed. Fix these and import it again:"), *shown]
        if more:
            lines.append(ngettext("… and %(n)d more problem.", "… and %(n)d more problems.", more) % {"n": more})
        super().__init__("\n".join(lines))


# --- Export ----------------------------------------------------------------------------------------------------------


def _headers() -> list[str]:
    return [_("Question id"), _("Version"), _("Check"), _("No."), _("Question"), _("De jure"), _("De facto"),
            _("Classification"), _("Answer")]


def _status_labels() -> list[str]:
    return [str(label) for label in Implementation.labels]


def _fingerprint(values) -> str:
    """Of the four editable cells as they stand, so the import can tell a row nobody touched."""
    text = "\x1f".join(_normal(v) for v in values)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _normal(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _ordered(questions):
    """Primary questions in order, each followed by its secondaries (national ones included)."""
    keys = {q.key for q in questions}
    children: dict[str, list] = {}
    for q in questions:
        if q.parent and q.parent in keys and q.parent != q.key:
            children.setdefault(q.parent, []).append(q)
    result = []
    for q in questions:
        if not (q.parent and q.parent in keys and q.parent != q.key):
            result.append(q)
            result += children.get(q.key, [])
    return result


def _chosen(user, assessment, scope: list[str] | None):
    subsections = assessment_selectors.questions_in_scope(seen_by(user, assessment))
    if scope is None:
        return subsections
    known = {sub.key for sub in subsections}
    unknown = [key for key in scope if key not in known]
    if unknown:
        raise ServiceError(_("Not in this assessment's scope: %(keys)s. Choose among its subsections.")
                           % {"keys": ", ".join(unknown)})
    return [sub for sub in subsections if sub.key in set(scope)]


def export_questionnaire(user, assessment, scope: list[str] | None = None) -> bytes:
    """An .xlsx of the questions in `scope` (subsection keys; None = all in scope) with the answers the user may
    see. Answers above the user's clearance are not in the file: their rows say only that one exists."""
    # openpyxl (and sheet_format, built on it) load in the functions that use them: the URL configuration
    # imports this module, and every command and worker would otherwise pay for them at start-up.
    import openpyxl
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    from soma.exchange.spreadsheets import sheet_format

    subsections = _chosen(user, assessment, scope)
    seen = seen_by(user, assessment)
    answers = finding_selectors.responses(seen)
    hidden = responses_selectors.hidden_answers(seen)
    levels = seen.levels
    level_labels = [str(Classification(level).label) for level in levels]
    status_label = {value: str(label) for value, label in Implementation.choices}
    default_level = str(Classification(seen.default_classification()).label)
    included = [answers[q.key].classification for sub in subsections for q in sub.questions if q.key in answers]
    mark = sheet_format.marking(assessment, included)

    book = openpyxl.Workbook()
    instructions = book.active
    assert isinstance(instructions, Worksheet)  # a new workbook's one sheet
    instructions.title = _("Instructions")[:31]
    sheet = book.create_sheet(SHEET)
    meta = book.create_sheet(META)
    sheet_format.header_row(sheet, 1, _headers(), WIDTHS)
    row = 1
    hidden_note = _("An answer exists at a classification above your clearance; it is not in this file.")
    national = _("national")
    for sub in subsections:
        row += 1
        sheet_format.band(sheet, row, f"{sub.code} {sub.title}", REF, ANSWER)
        for q in _ordered(sub.questions):
            row += 1
            response = answers.get(q.key)
            local = q.key.rsplit(":", 1)[-1]
            ref = f"{sub.code} {local}" + (f" ({national})" if q.national else "")
            if response is not None:
                editable = [status_label[response.de_jure], status_label[response.de_facto],
                            str(Classification(response.classification).label), response.narrative]
            elif q.key in hidden:
                editable = ["", "", "", hidden_note]
            else:
                editable = ["", "", default_level, ""]
            values = [q.key, response.version if response else 0, _fingerprint(editable), ref, q.text, *editable]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column)
                put(cell, value)
                cell.alignment = sheet_format.WRAP
                cell.border = sheet_format.BORDER
                if q.national:
                    cell.fill = sheet_format.NATIONAL_FILL
                if column in EDITABLE:
                    cell.number_format = sheet_format.TEXT  # typed 2004 or 12/05/2004 stays text
                    if q.key not in hidden:
                        cell.protection = Protection(locked=False)
            if q.level == "secondary":
                sheet.cell(row=row, column=QUESTION).alignment = Alignment(wrap_text=True, vertical="top", indent=2)
                sheet.row_dimensions[row].outlineLevel = 1
            if q.key in hidden:
                sheet.cell(row=row, column=ANSWER).font = Font(italic=True, color="7F7F7F")
            indents = {QUESTION: 2} if q.level == "secondary" else {}
            sheet_format.fit_row(sheet, row, [(values[column - 1], width, indents.get(column, 0))
                                              for column, width in SHOWN_WIDTHS.items()])
    last = max(row, 2)

    for column in (ID, VERSION, CHECK):
        sheet.column_dimensions[LETTER[column]].hidden = True
    sheet.freeze_panes = "E2"
    sheet.auto_filter.ref = f"D1:I{last}"
    sheet.sheet_properties.outlinePr.summaryBelow = False
    for name, values, columns in (
        ("D", _status_labels(), (DE_JURE, DE_FACTO)),
        ("E", level_labels, (CLASSIFICATION,)),
    ):
        for index, value in enumerate(values, start=1):
            put(meta[f"{name}{index}"], value)
        rule = DataValidation(type="list", formula1=f"{META}!${name}$1:${name}${len(values)}", allow_blank=True,
                              showErrorMessage=True, errorTitle=_("Not on the list"),
                              error=_("Choose one of the values on the list."))
        for column in columns:
            rule.add(f"{LETTER[column]}2:{LETTER[column]}{last}")
        sheet.add_data_validation(rule)
    _protect(sheet)
    sheet_format.print_setup(sheet, title=assessment.title, classification=mark, title_rows="1:1")

    for index, (key, value) in enumerate([
        ("format", FORMAT), ("assessment", assessment.pk), ("exported_at", timezone.now().isoformat()),
        ("exported_by", user.get_username()), ("scope", " ".join(sub.key for sub in subsections)),
    ], start=1):
        meta.cell(row=index, column=1, value=key)
        put(meta.cell(row=index, column=2), value)
    meta.sheet_state = "veryHidden"
    _protect(meta)
    _instructions(instructions, assessment, subsections, mark, user)
    book.active = 1
    audit.export(user, assessment, "questionnaire", subsections=len(subsections))
    return sheet_format.to_bytes(book)


def _protect(sheet) -> None:
    """Locked cells cannot be typed into by accident; not a security measure (the version check is the guard)."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False


def _instructions(sheet, assessment, subsections, mark, user) -> None:
    from openpyxl.styles import Alignment, Font

    from soma.exchange.spreadsheets import sheet_format

    jurisdictions = ", ".join(str(country.name) for country in assessment.jurisdictions)
    lines = [
        (_("SOMA questionnaire for offline work"), True),
        (assessment.title, True),
        (_("Jurisdictions: %(names)s") % {"names": jurisdictions}, False),
        (_("Classification of this file: %(level)s") % {"level": mark}, True),
        (_("Exported on %(date)s by %(user)s") % {"date": timezone.localdate().isoformat(),
                                                  "user": user.get_username()}, False),
        (_("Subsections: %(list)s") % {"list": ", ".join(sub.code for sub in subsections)}, False),
        ("", False),
        (_("How to fill it in"), True),
        (_("1. Work in the sheet 'Questionnaire'. Fill in the columns De jure, De facto, Classification and Answer; "
           "the other cells are locked."), False),
        (_("2. De jure is what the law and official policy say; de facto is what happens in practice. Choose each "
           "from its list: %(list)s.") % {"list": ", ".join(_status_labels())}, False),
        (_("3. Secondary questions are indented under their primary question; national questions (added for this "
           "assessment) are marked as national and shaded."), False),
        (_("4. You may filter, sort, widen columns and add line breaks. Do not add rows for new questions, do not "
           "copy rows between files, and keep the hidden columns: they tell SOMA which answer each row is."), False),
        (_("5. Formulas are not imported: type text. A text that must begin with = starts with an apostrophe (')."),
         False),
        ("", False),
        (_("Bringing it back"), True),
        (_("Import the file on the assessment's Exchange tab (lead and assessors). Everything is checked first: if a "
           "cell is wrong, nothing is imported and each problem is listed with its cell."), False),
        (_("Rows you did not change are left alone. If someone changed an answer in SOMA after this export and you "
           "changed the same row here, your text is not lost and does not overwrite theirs: it is kept on the "
           "Exchange tab as a conflict for you to merge."), False),
    ]
    sheet.column_dimensions["A"].width = 110
    for row, (text, bold) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1)
        put(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=13 if row <= 2 else 11)
        sheet_format.fit_row(sheet, row, [(text, 110, 0)], font_size=13 if bold and row <= 2 else 11)
    sheet_format.print_setup(sheet, title=assessment.title, classification=mark, title_rows="1:1")
    sheet.page_setup.orientation = "portrait"


# --- Import ----------------------------------------------------------------------------------------------------------


@dataclass
class ConflictRow:
    place: str
    question: str


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[ConflictRow] = field(default_factory=list)

    def __str__(self):
        parts = [
            ngettext("%(n)d answer added", "%(n)d answers added", self.added) % {"n": self.added},
            ngettext("%(n)d answer updated", "%(n)d answers updated", self.updated) % {"n": self.updated},
            ngettext("%(n)d unchanged", "%(n)d unchanged", self.unchanged) % {"n": self.unchanged},
        ]
        count = len(self.conflicts)
        if count:
            parts.append(ngettext("%(n)d conflict kept for review", "%(n)d conflicts kept for review", count)
                         % {"n": count})
        text = ", ".join(parts) + "."
        if count:
            rows = "; ".join(f"{c.place} ({c.question})" for c in self.conflicts)
            text += " " + _("Changed in SOMA since the export; your spreadsheet text is kept on the Exchange tab: "
                            "%(list)s.") % {"list": rows}
        return text


@dataclass
class _Row:
    place: str
    question: str
    version: int
    fields: dict


def _choices(enum, allowed: Sequence[str] | None = None) -> dict[str, str]:
    """Every way a member may have written a value (its label in any of SOMA's languages, or its code)."""
    values = allowed if allowed is not None else list(enum.values)
    found: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found |= {str(enum(v).label).casefold(): v for v in values}
    return found | {v.casefold(): v for v in values} | {v.replace("_", " ").casefold(): v for v in values}


def _open(data: bytes):
    try:
        handle = safe_files.check_xlsx(data)
    except safe_files.UnsafeFile as error:
        raise ImportRefused([str(error)]) from None
    import openpyxl

    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=False, keep_links=False)
    except Exception:  # a damaged archive or XML: openpyxl raises many kinds
        raise ImportRefused([_("The workbook could not be read. Open it in Excel or LibreOffice, save it as .xlsx "
                               "and try again.")]) from None


def _check_meta(book, assessment) -> None:
    if SHEET not in book.sheetnames or META not in book.sheetnames:
        raise ImportRefused([_("This workbook has no sheet named '%(sheet)s' exported by SOMA. Export the "
                               "questionnaire from the assessment's Exchange tab and fill that file in.")
                             % {"sheet": SHEET}])
    meta = {row[0]: row[1] for row in book[META].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True)
            if row and row[0]}
    if meta.get("format") != FORMAT:
        raise ImportRefused([_("%(sheet)s: this is not a SOMA questionnaire of a version this SOMA reads. Export "
                               "the questionnaire again.") % {"sheet": META}])
    if str(meta.get("assessment")) != str(assessment.pk):
        raise ImportRefused([_("This questionnaire was exported from another assessment. Export the questionnaire "
                               "of this assessment and fill that one in.")])


def _rows(user, assessment, book, problems: list[str], untouched: list[str], report) -> list[_Row]:
    """The rows a member changed, checked cell by cell; problems are collected, nothing is written. The ids of
    rows left as exported go to `untouched`."""
    tree = assessment_selectors.tree_for(assessment)
    in_scope = assessment_selectors.question_keys(seen_by(user, assessment))
    hidden = responses_selectors.hidden_answers(seen_by(user, assessment))
    statuses = _choices(Implementation)
    levels = seen_by(user, assessment).levels
    classifications = _choices(Classification, levels)
    all_classifications = _choices(Classification)
    status_list = ", ".join(_status_labels())
    level_list = ", ".join(str(Classification(level).label) for level in levels)
    seen: dict[str, str] = {}
    changed = []
    sheet = book[SHEET]
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=ANSWER), start=2):
        if number > MAX_ROWS:
            problems.append(_("%(sheet)s: more than %(n)d rows; a questionnaire has far fewer. Export it again.")
                            % {"sheet": SHEET, "n": MAX_ROWS})
            break
        if number % 200 == 0:
            report(min(35, 5 + number // 200), _("Checking row %(n)d") % {"n": number})
        cells = list(cells) + [None] * (ANSWER - len(cells))
        where = {column: f"{SHEET}!{LETTER[column]}{number}" for column in LETTER}

        def value(column, cells=cells):
            cell = cells[column - 1]
            return None if cell is None else cell.value

        formulas = [c for c in range(1, ANSWER + 1) if cells[c - 1] is not None and cells[c - 1].data_type == "f"]
        for column in formulas:
            problems.append(_("%(cell)s: formulas are not imported. Type the text itself (start it with an "
                              "apostrophe ' if it must begin with =).") % {"cell": where[column]})
        if formulas:
            continue
        key = _normal(value(ID))
        editable = [value(column) for column in EDITABLE]
        if not key:
            if any(_normal(v) for v in editable):
                problems.append(_("%(cell)s: this row is not one of the exported questions (its hidden question id "
                                  "is empty). Put answers only in the rows SOMA exported.") % {"cell": where[ANSWER]})
            continue
        if key in seen:
            problems.append(_("%(cell)s: %(key)s appears twice (also in row %(row)s). Keep one row per question.")
                            % {"cell": where[ID], "key": key, "row": seen[key]})
            continue
        seen[key] = str(number)
        if key not in in_scope:
            item = tree.get(key)
            if item is not None and item.kind == "question":
                problems.append(_("%(cell)s: %(key)s is not in this assessment's scope any more. Delete the row or "
                                  "ask the lead to add its subsection back.") % {"cell": where[ID], "key": key})
            else:
                problems.append(_("%(cell)s: '%(key)s' is not a question of this assessment. Do not edit the hidden "
                                  "columns; export the questionnaire again.") % {"cell": where[ID], "key": key})
            continue
        if _normal(value(CHECK)) == _fingerprint(editable):
            untouched.append(key)
            continue
        if key in hidden:
            problems.append(_("%(cell)s: the answer to %(key)s is classified above your clearance; leave this row "
                              "as it was exported.") % {"cell": where[ANSWER], "key": key})
            continue
        try:
            version = int(value(VERSION))
        except (TypeError, ValueError):
            problems.append(_("%(cell)s: the hidden version was changed. Export the questionnaire again.")
                            % {"cell": where[VERSION]})
            continue
        fields = {"narrative": _normal(value(ANSWER))}
        for column, name, label in ((DE_JURE, "de_jure", _("de jure")), (DE_FACTO, "de_facto", _("de facto"))):
            text = _normal(value(column))
            if not text:
                fields[name] = Implementation.UNKNOWN.value
            elif text.casefold() in statuses:
                fields[name] = statuses[text.casefold()]
            else:
                problems.append(_("%(cell)s: '%(value)s' is not a %(what)s status; use one of: %(list)s.")
                                % {"cell": where[column], "value": text, "what": label, "list": status_list})
        text = _normal(value(CLASSIFICATION))
        if text.casefold() in classifications:
            fields["classification"] = classifications[text.casefold()]
        elif text and text.casefold() in all_classifications:
            problems.append(_("%(cell)s: you are not cleared for '%(value)s' material; use one of: %(list)s.")
                            % {"cell": where[CLASSIFICATION], "value": text, "list": level_list})
        elif text:
            problems.append(_("%(cell)s: '%(value)s' is not a classification; use one of: %(list)s.")
                            % {"cell": where[CLASSIFICATION], "value": text, "list": level_list})
        changed.append(_Row(f"{SHEET}!{number}", key, version, fields))
    return changed


def _same(response: Response | None, fields: dict) -> bool:
    if response is None:
        return not fields["narrative"] and fields["de_jure"] == fields["de_facto"] == Implementation.UNKNOWN
    return all(_normal(getattr(response, name)) == _normal(value) for name, value in fields.items())


def import_questionnaire(user, assessment, data: bytes, *, file_name: str = "",
                         progress: Callable[[int, str], None] | None = None) -> ImportSummary:
    """Bring a filled-in questionnaire back. All rows are checked first; then every change is written in one
    transaction through save_response, or nothing is (ImportRefused lists each problem with its cell)."""
    require(user, Action.EDIT, assessment)
    report = progress or (lambda percent, step: None)
    report(2, _("Opening the workbook"))
    book = _open(data)
    try:
        _check_meta(book, assessment)
        problems: list[str] = []
        untouched: list[str] = []
        rows = _rows(user, assessment, book, problems, untouched, report)
    finally:
        book.close()
    if problems:
        raise ImportRefused(problems)
    current = finding_selectors.responses_to(seen_by(user, assessment), [row.question for row in rows] + untouched)
    summary = ImportSummary(unchanged=sum(1 for key in untouched if key in current))
    default_level = seen_by(user, assessment).default_classification()
    with transaction.atomic():
        for index, row in enumerate(rows, start=1):
            if index % 20 == 0:
                report(40 + 58 * index // len(rows), _("Saving answer %(n)d of %(total)d")
                       % {"n": index, "total": len(rows)})
            response = current.get(row.question)
            row.fields.setdefault("classification", response.classification if response else default_level)
            if _same(response, row.fields):
                summary.unchanged += 1 if response else 0
                continue
            found = response.version if response else 0
            if found != row.version:
                _keep_conflict(user, assessment, row, found, file_name, summary)
                continue
            try:
                response_services.save_response(user, assessment, row.question, expected_version=row.version,
                                                **row.fields)
            except response_services.EditConflict as conflict:  # saved by someone between the check and now
                _keep_conflict(user, assessment, row, conflict.version,
                               file_name, summary)
                continue
            if response is None:
                summary.added += 1
            else:
                summary.updated += 1
        audit.imported(user, assessment, "questionnaire", added=summary.added, updated=summary.updated,
                       conflicts=len(summary.conflicts))
    report(100, _("Done"))
    return summary


def _keep_conflict(user, assessment, row: _Row, found: int, file_name: str, summary: ImportSummary) -> None:
    ImportConflict.objects.filter(assessment=assessment, user=user, question=row.question).delete()
    ImportConflict.objects.create(
        assessment=assessment, user=user, question=row.question, place=row.place, file_name=file_name[:255],
        exported_version=max(row.version, 0), found_version=found, **row.fields,
    )
    summary.conflicts.append(ConflictRow(row.place, row.question))


def conflicts(user, assessment):
    """The spreadsheet rows this user's imports kept for review, within their clearance, each with `current`:
    the answer in SOMA now (None when there is none or the user may not see it)."""
    seen = seen_by(user, assessment)
    rows = list(seen.visible(ImportConflict.objects.filter(assessment=assessment, user=user)))
    current = finding_selectors.responses_to(seen, [row.question for row in rows])
    for row in rows:
        row.current = current.get(row.question)
        row.anchor = responses_selectors.anchor(row.question)
        row.subsection = row.question.rsplit(":", 1)[0]
        row.de_jure_label = Implementation(row.de_jure).label
        row.de_facto_label = Implementation(row.de_facto).label
    return rows


@transaction.atomic
def dismiss_conflict(user, assessment, pk) -> None:
    """The member has merged a kept row (or does not need it): remove it."""
    require(user, Action.EDIT, assessment)
    deleted, _rows_deleted = ImportConflict.objects.filter(assessment=assessment, user=user, pk=pk).delete()
    if not deleted:
        raise ServiceError(_("That kept row is already gone."))
