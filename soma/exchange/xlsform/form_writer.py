"""The questions of an assessment as an XLSForm, for field collection with ODK Collect or KoboToolbox.

Field names are derived from the questions' stable ids, so that the same question has the same name in
every export and submissions can be mapped back (`soma.exchange.xlsform.submissions`):

- a subsection is a group named after its code: `guide:V.C` -> `V_C` (section XII: `XII`);
- a question `guide:V.C:q07` (national: `guide:V.C:n01`) gives the base `V_C_q07` (`V_C_n01`) and three
  fields: `V_C_q07_answer` (text), `V_C_q07_de_jure` and `V_C_q07_de_facto` (select_one `status`).

A secondary question is shown only once its primary (when that is in the same form) has an answer or a
status, and not when the primary is marked not applicable both de jure and de facto (`relevant`).

Labels are in English and in every language a translation pack of the assessment's catalog version gives
for at least one question or subsection of the form; an item without a translation repeats its English text
in that language's column, and national questions (typed by the team) are the same in every column.
The form holds question texts only, never answers, so any member may export it.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils import translation
from django.utils.translation import gettext as _

from soma.accounts import audit
from soma.assessments import selectors
from soma.assessments.selectors import Question, SubsectionScope
from soma.exchange.safe_files import put
from soma.findings.models import Implementation
from soma.kernel.clearance import seen_by

FIELDS = {"answer": "narrative", "de_jure": "de_jure", "de_facto": "de_facto"}  # name suffix -> Response field
STATUS_LIST = "status"
ASSESSMENT_FIELD = "soma_assessment"  # a calculate field: which assessment the form belongs to
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class FormError(ValueError):
    """The form cannot be made as asked; the message says why and what to choose instead."""


def base_name(key: str) -> str:
    """`guide:V.C:q07` -> `V_C_q07`; `guide:V.C` -> `V_C`. Always a valid XML name."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", key.removeprefix("guide:"))
    if not XML_NAME.match(name):
        name = f"q_{name}"
    return name


def field_name(key: str, suffix: str) -> str:
    return f"{base_name(key)}_{suffix}"


def field_map(questions) -> dict[str, tuple[str, str]]:
    """Field name -> (question key, Response field) for the given questions."""
    mapping = {}
    for question in questions:
        for suffix, response_field in FIELDS.items():
            name = field_name(question.key, suffix)
            if name in mapping:  # two stable ids that differ only in punctuation: never in the catalog
                raise FormError(f"{question.key} and {mapping[name][0]} would share the field name {name}.")
            mapping[name] = (question.key, response_field)
    return mapping


@dataclass
class Form:
    content: bytes
    form_id: str
    title: str
    version: str
    languages: list[str]
    question_count: int

    @property
    def file_name(self) -> str:
        return f"{self.form_id}.xlsx"


def choose(user, assessment, *, scope: list[str] | None = None, activity=None) -> tuple[list[SubsectionScope], str]:
    """The subsections and questions of the form, and what the form is for (its id suffix)."""
    subsections = selectors.questions_in_scope(seen_by(user, assessment))
    if activity is not None and scope:
        raise FormError(_("Choose either subsections or an activity, not both."))
    if activity is not None:
        activity = selectors.activity(seen_by(user, assessment), activity.pk)  # 404 when not visible to this user
        covered = set(activity.questions)
        chosen = []
        for sub in subsections:
            questions = [q for q in sub.questions if q.key in covered]
            if questions:
                chosen.append(SubsectionScope(sub.key, sub.code, sub.title, sub.section_code, questions))
        if not chosen:
            raise FormError(_("This activity covers no question of the assessment's scope. Add the questions it "
                              "covers to the activity first."))
        return chosen, f"act{activity.pk}"
    if not scope:
        return subsections, "all"
    wanted = []
    for entry in scope:
        entry = entry.strip().removeprefix("guide:")
        matching = [s for s in subsections if s.code == entry or (s.section_code == entry and "." in s.code)]
        if not matching:
            raise FormError(_("%(entry)s is not a subsection or section of this assessment's scope.")
                            % {"entry": entry})
        wanted += [s for s in matching if s not in wanted]
    chosen = [s for s in subsections if s in wanted]
    suffix = "_".join(base_name(s.key) for s in chosen)
    if len(suffix) > 40:
        suffix = "sel" + hashlib.sha256(suffix.encode()).hexdigest()[:8]
    return chosen, suffix


def export_xlsform(user, assessment, *, scope: list[str] | None = None, activity=None) -> bytes:
    return build(user, assessment, scope=scope, activity=activity).content


def build(user, assessment, *, scope: list[str] | None = None, activity=None) -> Form:
    chosen, suffix = choose(user, assessment, scope=scope, activity=activity)
    tree = selectors.tree_for(assessment)
    languages = _languages(tree, chosen)
    columns = [f"{kind}::{_language_label(code)}" for kind in ("label", "hint") for code in languages]

    def texts(item_key: str, field: str, fallback: str, prefix: str = "") -> list[str]:
        """The catalog's own (English) text of an item and its translations; English where one is missing."""
        item = tree.get(item_key)
        english = (getattr(item, field) if item else "") or fallback
        found = {t.language: getattr(t, field) for t in item.translations.all()} if item else {}
        return [prefix + (english if code == "en" else (found.get(code) or english)) for code in languages]

    def same(text_for) -> list[str]:
        """A UI string in each of the form's languages (SOMA's own translations)."""
        result = []
        for code in languages:
            with translation.override(code):
                result.append(str(text_for()))
        return result

    in_form = {q.key: q for sub in chosen for q in sub.questions}
    survey: list[list] = []
    with translation.override("en"):
        for sub in chosen:
            survey.append(["begin_group", base_name(sub.key), "", *texts(sub.key, "title", sub.title, f"{sub.code} "),
                           *[""] * len(languages)])
            for question in sub.questions:
                survey += _question_rows(question, in_form, texts, same, len(languages))
            survey.append(["end_group", "", "", *[""] * (2 * len(languages))])
    survey.append(["calculate", ASSESSMENT_FIELD, "", *[""] * (2 * len(languages))])
    choices = [[STATUS_LIST, value, *same(lambda value=value: Implementation(value).label)]
               for value in Implementation.values]

    title = _form_title(assessment, chosen, suffix, activity)
    form_id = f"soma_a{assessment.pk}_{suffix}"
    digest = hashlib.sha256(json.dumps([survey, choices, languages], ensure_ascii=False).encode()).hexdigest()
    version = f"{assessment.catalog.version}.a{assessment.version}.{digest[:8]}"
    from openpyxl import Workbook  # here, not at the top: the URL configuration imports this module

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    _rows(sheet, [["type", "name", "relevant", *columns, "calculation"]])
    _rows(sheet, [row + ([f"'{assessment.pk}'"] if row[1] == ASSESSMENT_FIELD else [""]) for row in survey], 2)
    _rows(workbook.create_sheet("choices"),
          [["list_name", "name", *[f"label::{_language_label(code)}" for code in languages]], *choices])
    _rows(workbook.create_sheet("settings"), [
        ["form_id", "form_title", "version", "default_language"],
        [form_id, title, version, _language_label("en")],
    ])
    output = io.BytesIO()
    workbook.save(output)
    audit.export(user, assessment, "xlsform", form_id=form_id, version=version, activity=getattr(activity, "pk", None))
    return Form(output.getvalue(), form_id, title, version, languages, len(in_form))


def _question_rows(question: Question, in_form: dict, texts, same, n_languages: int) -> list[list]:
    base = base_name(question.key)
    relevant = ""
    if question.parent and question.parent in in_form:
        parent = base_name(question.parent)
        answered = (f"string-length(${{{parent}_answer}}) > 0 or ${{{parent}_de_jure}} != '' "
                    f"or ${{{parent}_de_facto}} != ''")
        not_applicable = (f"${{{parent}_de_jure}} = 'not_applicable' and "
                          f"${{{parent}_de_facto}} = 'not_applicable'")
        relevant = f"({answered}) and not({not_applicable})"
    if question.national:
        labels = [question.text] * n_languages
    else:
        labels = texts(question.key, "text", question.text)
    if question.options:
        labels = [label + "".join(f"\n- {option}" for option in question.options) for label in labels]
    hints = [question.key] * n_languages
    return [
        ["text", f"{base}_answer", relevant, *labels, *hints],
        ["select_one " + STATUS_LIST, f"{base}_de_jure", relevant,
         *same(lambda: _("De jure status (law and policy)")), *hints],
        ["select_one " + STATUS_LIST, f"{base}_de_facto", relevant,
         *same(lambda: _("De facto status (practice)")), *hints],
    ]


def _languages(tree, chosen: list[SubsectionScope]) -> list[str]:
    """English, then every language a translation pack gives for an item of the form (SOMA's order first)."""
    found = set()
    for sub in chosen:
        for key in [sub.key, *(q.key for q in sub.questions if not q.national)]:
            item = tree.get(key)
            if item is not None:
                found |= {t.language for t in item.translations.all() if t.title or t.text}
    found.discard("en")
    order = [code for code, _name in settings.LANGUAGES]
    return ["en", *sorted(found, key=lambda code: (order.index(code) if code in order else len(order), code))]


def _language_label(code: str) -> str:
    """XLSForm's language column style: `English (en)`."""
    name = LANG_INFO.get(code, {}).get("name") or code
    return f"{name} ({code})"


def _form_title(assessment, chosen: list[SubsectionScope], suffix: str, activity) -> str:
    if activity is not None:
        return f"{assessment.title}: {activity.title}"[:250]
    if suffix == "all":
        return assessment.title[:250]
    return f"{assessment.title} ({', '.join(sub.code for sub in chosen)})"[:250]


def _rows(sheet, rows, start: int = 1) -> None:
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value not in ("", None):
                put(sheet.cell(row=start + offset, column=column), value)
