"""Shared by the spreadsheet tests: the Demoland follow-up assessment, its members, and workbook helpers."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from soma.accounts.models import HistoryEntry
from soma.demo import services as demo
from soma.findings.models import Response

MARKER = "ZEPHYR-7731-CONFIDENTIAL-MARKER"
RESTRICTED_MARKER = "QUILL-2208-RESTRICTED-MARKER"


def build_demoland(django_user_model):
    """The demo's follow-up assessment (fieldwork) with a restricted and a confidential answer carrying markers,
    and its members by role (plus an outsider). Each test module wraps this in its own `demoland` fixture."""
    from soma.responses import services as response_services

    demo.build(password="Demoland-Demo-2026")
    assessment = demo.demo_assessments().get(title=demo.FOLLOW_UP_TITLE)
    users = {role: django_user_model.objects.get(username=name) for role, (name, _f, _l) in demo.USERS.items()}
    response_services.save_response(users["lead"], assessment, "guide:V.C:q01", expected_version=0,
                                    narrative=f"Reports go to the unit. {MARKER}", de_jure="partly", de_facto="partly",
                                    classification="confidential")
    response_services.save_response(users["lead"], assessment, "guide:V.C:q05", expected_version=0,
                                    narrative=f"Storage is weak. {RESTRICTED_MARKER}", classification="restricted")
    users["outsider"] = django_user_model.objects.create_user("outsider.demo")
    return assessment, users


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(sheet, question: str) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == question:
            return row
    raise AssertionError(f"{question} is not in the sheet")


def xml_text(data: bytes) -> str:
    """Every part of the .xlsx, unpacked, as one text (to search for what must not be there)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def state(assessment) -> tuple:
    """What an import could change: every response's content and version, and the history."""
    rows = tuple(Response.objects.filter(assessment=assessment).order_by("question").values_list(
        "question", "narrative", "de_jure", "de_facto", "classification", "version"))
    return rows, HistoryEntry.objects.filter(assessment=assessment).count()
