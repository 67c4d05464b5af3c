"""The Republic of Demoland's follow-up assessment, and helpers to read XLSForms and fake field exports."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from soma.assessments import services
from soma.assessments.models import Assessment
from soma.demo import services as demo

# Questions of the follow-up's scope that the demo leaves unanswered (checked by the fixture).
FRESH = ["guide:V.C:q05", "guide:V.C:q06", "guide:V.C:q07", "guide:V.C:q08"]
ANSWERED = "guide:I.A:q09"  # a public answer the demo team typed
CONFIDENTIAL = "guide:V.A:q01"  # answered at confidential level, above the assessor's clearance


@dataclass
class Demoland:
    assessment: Assessment
    users: dict
    activity: object  # an interview covering FRESH, ANSWERED and CONFIDENTIAL


@pytest.fixture(name="demoland")
def demoland_world(catalog) -> Demoland:
    demo.build(password="Demoland-Demo-2026")
    assessment = Assessment.objects.get(title=demo.FOLLOW_UP_TITLE)
    users = {role: get_user_model().objects.get(username=name) for role, (name, _f, _l) in demo.USERS.items()}
    answered = set(assessment.responses.values_list("question", flat=True))
    assert not answered & set(FRESH) and {ANSWERED, CONFIDENTIAL} <= answered
    activity = services.save_activity(
        users["assessor"], assessment, kind="interview", title="Interview: Velmora regional police desk",
        questions=[*FRESH, ANSWERED, CONFIDENTIAL], notes="Held at the Velmora desk.",
    )
    return Demoland(assessment, users, activity)


def survey(content: bytes) -> list[dict]:
    """The survey sheet of an XLSForm as dicts by column header."""
    sheet = load_workbook(io.BytesIO(content))["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def sheet_rows(content: bytes, name: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))[name].iter_rows(values_only=True))


def converted(content: bytes):
    """pyxform's conversion of the form; fails the test on any warning."""
    result = convert(xlsform=io.BytesIO(content), validate=False, file_type=".xlsx")
    assert result.warnings == [], result.warnings
    return result


def group_paths(content: bytes) -> dict[str, str]:
    """Field name -> the name of the group it sits in (for building export column headers)."""
    paths, group = {}, ""
    for row in survey(content):
        if row["type"] == "begin_group":
            group = row["name"]
        elif row["type"] == "end_group":
            group = ""
        elif row["name"]:
            paths[row["name"]] = group
    return paths


def odk_central_csv(content: bytes, submissions: list[dict], extra: dict | None = None) -> bytes:
    """An ODK Central-style CSV export: group paths joined by '-', its metadata columns around the fields."""
    paths = group_paths(content)
    names = [name for name in paths if name != "soma_assessment"]
    header = ["SubmissionDate", *[f"{paths[n]}-{n}" if paths[n] else n for n in names], "soma_assessment",
              *(extra or {}), "meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "ReviewState", "FormVersion"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for number, values in enumerate(submissions, start=1):
        instance = values.get("_id", f"uuid:0000-demo-{number:04d}")
        writer.writerow([
            "2026-03-12T10:00:00.000Z", *[values.get(n, "") for n in names], values.get("soma_assessment", ""),
            *[values.get(k, "") for k in (extra or {})], instance, instance, "7", "tablet-velmora-1",
            values.get("_review", ""), "2026.11",
        ])
    return out.getvalue().encode("utf-8")


def kobo_xlsx(content: bytes, submissions: list[dict], formula: str | None = None) -> bytes:
    """A KoboToolbox-style XLSX export: group/name headers, Kobo's metadata columns."""
    paths = group_paths(content)
    names = [name for name in paths if name != "soma_assessment"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Demoland field form"
    sheet.append(["start", "end", *[f"{paths[n]}/{n}" if paths[n] else n for n in names], "soma_assessment",
                  "_id", "_uuid", "_submission_time", "_validation_status", "__version__", "_index"])
    for number, values in enumerate(submissions, start=1):
        sheet.append(["2026-03-12T09:00:00", "2026-03-12T09:40:00", *[values.get(n) for n in names],
                      values.get("soma_assessment"), 1000 + number, f"kobo-demo-{number:04d}",
                      "2026-03-12T10:00:00", values.get("_validation", ""), "vDemo", number])
    if formula:
        sheet.cell(row=2, column=3).value = formula  # a real formula cell
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def odk_central_zip(form_id: str, csv_data: bytes, repeats: dict[str, bytes] | None = None) -> bytes:
    """ODK Central's normal download, `<form id>.csv.zip`: the submissions in `<form id>.csv`, a repeat group's
    rows in `<form id>-<repeat>.csv` beside it (Central's layout), deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{form_id}.csv", csv_data)
        for name, data in (repeats or {}).items():
            archive.writestr(f"{form_id}-{name}.csv", data)
    return out.getvalue()


def kobo_labels_xlsx(content: bytes, submissions: list[dict]) -> bytes:
    """A KoboToolbox XLSX export in its default "Labels" format: headers are the group and question labels
    joined by '/', select values are their labels; Kobo's metadata columns keep their names."""
    rows = survey(content)
    label = next(k for k in rows[0] if k.startswith("label::"))
    header, names, group = ["start", "end"], [], ""
    for row in rows:
        if row["type"] == "begin_group":
            group = row[label] or row["name"]
        elif row["type"] == "end_group":
            group = ""
        elif row["name"] and row["type"] not in ("calculate",):
            header.append(f"{group}/{row[label]}" if group else row[label])
            names.append(row["name"])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*header, "_id", "_uuid", "_submission_time", "_validation_status", "__version__", "_index"])
    for number, values in enumerate(submissions, start=1):
        sheet.append(["2026-03-12T09:00:00", "2026-03-12T09:40:00", *[values.get(n) for n in names],
                      1000 + number, f"kobo-demo-{number:04d}", "2026-03-12T10:00:00", "", "vDemo", number])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
