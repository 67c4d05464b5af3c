"""The XLSForm export: pyxform converts every form; names stable; skip logic; languages; questions only."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from soma.assessments import services
from soma.catalog import packs
from soma.exchange.xlsform import form_writer
from soma.findings.models import Implementation
from soma.responses import services as response_services
from tests.exchange.xlsform.world import converted, demoland_world, sheet_rows, survey  # noqa: F401

pytestmark = pytest.mark.django_db

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")  # an XML name as XLSForm allows it


def test_names_come_from_stable_ids():
    assert form_writer.base_name("guide:V.C:q07") == "V_C_q07"
    assert form_writer.base_name("guide:V.C:n01") == "V_C_n01"
    assert form_writer.base_name("guide:XII:q01") == "XII_q01"
    assert form_writer.field_name("guide:V.C:q07", "de_jure") == "V_C_q07_de_jure"


def test_the_whole_scope_converts_with_three_fields_per_question(demoland):
    lead = demoland.users["lead"]
    form = form_writer.build(lead, demoland.assessment)
    result = converted(form.content)
    rows = survey(form.content)
    names = [row["name"] for row in rows if row["name"]]
    assert len(names) == len(set(names)) and all(NAME.match(name) for name in names)
    questions = [row for row in rows if row["type"] == "text"]
    assert len(questions) == form.question_count > 300
    assert {row["hint::English (en)"] for row in questions} >= {"guide:V.C:q07", "guide:VI.C:n01"}
    by_name = {row["name"]: row for row in rows}
    assert by_name["V_C_q07_answer"]["label::English (en)"] == "How is immediate action identified and managed?"
    assert by_name["V_C_q07_de_jure"]["type"] == by_name["V_C_q07_de_facto"]["type"] == "select_one status"
    assert by_name["V_C"]["type"] == "begin_group" and by_name["V_C"]["label::English (en)"].startswith("V.C ")
    assert by_name["VI_C_n01_answer"]["label::English (en)"].startswith("Does the Coast Guard record")
    choices = sheet_rows(form.content, "choices")
    assert [row[1] for row in choices[1:]] == list(Implementation.values)
    settings = dict(zip(*sheet_rows(form.content, "settings"), strict=True))
    assert settings["form_id"] == f"soma_a{demoland.assessment.pk}_all" == form.form_id
    assert settings["version"] == form.version and demoland.assessment.catalog.version in form.version
    assert settings["form_title"] == demoland.assessment.title
    assert 'relevant="' in result.xform and "<h:title>" in result.xform


def test_one_subsection_one_section_and_one_activity_convert(demoland):
    lead, assessment = demoland.users["lead"], demoland.assessment
    one = form_writer.build(lead, assessment, scope=["V.C"])
    converted(one.content)
    groups = [row["name"] for row in survey(one.content) if row["type"] == "begin_group"]
    assert groups == ["V_C"] and one.form_id.endswith("_V_C")
    section = form_writer.build(lead, assessment, scope=["VI"])
    converted(section.content)
    groups = [row["name"] for row in survey(section.content) if row["type"] == "begin_group"]
    assert len(groups) >= 2 and all(name.startswith("VI_") for name in groups)
    activity = form_writer.build(lead, assessment, activity=demoland.activity)
    converted(activity.content)
    answers = [row["hint::English (en)"] for row in survey(activity.content) if row["type"] == "text"]
    assert answers == ["guide:I.A:q09", "guide:V.A:q01", "guide:V.C:q05", "guide:V.C:q06",
                       "guide:V.C:q07", "guide:V.C:q08"]
    assert activity.form_id.endswith(f"_act{demoland.activity.pk}")
    with pytest.raises(form_writer.FormError, match="not a subsection"):
        form_writer.build(lead, assessment, scope=["XIII.A"])


def test_an_activity_with_national_questions_converts(demoland):
    lead, assessment = demoland.users["lead"], demoland.assessment
    services.add_national_question(lead, assessment, "guide:V.C", "Is the night duty prosecutor in Port Azur "
                                   "reachable by phone?", parent_key="guide:V.C:q07")
    activity = services.save_activity(lead, assessment, kind="site_visit", title="Site visit: Karst Gate",
                                      questions=["guide:VI.C:n01", "guide:V.C:n01", "guide:V.C:q07"])
    form = form_writer.build(lead, assessment, activity=activity)
    converted(form.content)
    rows = {row["name"]: row for row in survey(form.content)}
    assert rows["V_C_n01_answer"]["hint::English (en)"] == "guide:V.C:n01"
    assert "${V_C_q07_answer}" in rows["V_C_n01_answer"]["relevant"]
    assert "VI_C_n01_answer" in rows
    empty = services.save_activity(lead, assessment, kind="group_meeting", title="Advisory group briefing")
    with pytest.raises(form_writer.FormError, match="covers no question"):
        form_writer.build(lead, assessment, activity=empty)


def test_secondary_questions_are_shown_after_their_primary(demoland):
    form = form_writer.build(demoland.users["lead"], demoland.assessment, scope=["V.C"])
    rows = {row["name"]: row for row in survey(form.content)}
    relevant = rows["V_C_q08_answer"]["relevant"]
    assert relevant == rows["V_C_q08_de_jure"]["relevant"] == rows["V_C_q08_de_facto"]["relevant"]
    assert "string-length(${V_C_q07_answer}) > 0" in relevant
    assert "${V_C_q07_de_jure} = 'not_applicable' and ${V_C_q07_de_facto} = 'not_applicable'" in relevant
    assert not rows["V_C_q07_answer"]["relevant"]  # a primary is always shown
    xform = converted(form.content).xform
    assert re.search(r'nodeset="/data/V_C/V_C_q08_answer"[^>]*relevant="[^"]*V_C_q07_answer', xform)
    # A secondary whose primary is not in the form is always shown.
    alone = services.save_activity(demoland.users["lead"], demoland.assessment, kind="interview",
                                   title="Interview: duty officer", questions=["guide:V.C:q08"])
    only = form_writer.build(demoland.users["lead"], demoland.assessment, activity=alone)
    converted(only.content)
    assert not {row["name"]: row for row in survey(only.content)}["V_C_q08_answer"]["relevant"]


def test_names_are_stable_and_the_version_follows_the_content(demoland):
    lead, assessment = demoland.users["lead"], demoland.assessment
    first, again = form_writer.build(lead, assessment), form_writer.build(lead, assessment)
    assert first.version == again.version
    before = [row["name"] for row in survey(first.content) if row["name"]]
    services.add_national_question(lead, assessment, "guide:V.C", "Does the Port Azur desk keep a night log?")
    after = form_writer.build(lead, assessment)
    names = [row["name"] for row in survey(after.content) if row["name"]]
    assert set(before) < set(names) and "V_C_n01_answer" in set(names) - set(before)
    assert [name for name in names if name in set(before)] == before
    assert after.version != first.version and after.form_id == first.form_id


def test_labels_in_the_languages_of_the_catalog(demoland):
    lead, assessment = demoland.users["lead"], demoland.assessment
    english_only = form_writer.build(lead, assessment, scope=["V.C"])
    assert english_only.languages == ["en"]
    assert not any("French" in (cell or "") for cell in sheet_rows(english_only.content, "survey")[0])
    packs.add_pack({
        "pack": {"id": "guide-fr-demo", "title": "Guide, extrait en français", "kind": "translation",
                 "language": "fr"},
        "translations": [
            {"id": "guide:V.C", "title": "Signalement et enregistrement"},
            {"id": "guide:V.C:q07", "text": "Comment les mesures immédiates sont-elles décidées et gérées ?"},
        ],
    }, version=assessment.catalog)
    form = form_writer.build(lead, assessment, scope=["V.C"])
    assert form.languages == ["en", "fr"]
    converted(form.content)
    header = sheet_rows(form.content, "survey")[0]
    assert "label::French (fr)" in header and "hint::French (fr)" in header
    assert not any("Arabic" in (cell or "") for cell in header)
    rows = {row["name"]: row for row in survey(form.content)}
    assert rows["V_C_q07_answer"]["label::French (fr)"].startswith("Comment les mesures")
    assert rows["V_C"]["label::French (fr)"] == "V.C Signalement et enregistrement"
    # Without a translation the French column repeats the English text.
    assert rows["V_C_q08_answer"]["label::French (fr)"] == rows["V_C_q08_answer"]["label::English (en)"]
    assert "label::French (fr)" in sheet_rows(form.content, "choices")[0]


def test_the_form_holds_questions_never_answers(demoland):
    """Answers are classified; the form is for every member, so no answer text may reach it, at any clearance."""
    assessment = demoland.assessment
    marker = "MARKER-Velmora-7731"
    response_services.save_response(demoland.users["lead"], assessment, "guide:V.C:q07", expected_version=0,
                                    narrative=f"{marker} the duty officer decides.", classification="restricted")
    observer_form = form_writer.build(demoland.users["observer"], assessment)
    lead_form = form_writer.build(demoland.users["lead"], assessment)
    assert survey(observer_form.content) == survey(lead_form.content)
    assert observer_form.version == lead_form.version
    texts = " ".join(str(cell) for row in sheet_rows(lead_form.content, "survey") for cell in row if cell)
    xform = converted(lead_form.content).xform
    narratives = [r.narrative for r in assessment.responses.exclude(narrative="")]
    assert narratives and any(r.classification != "public" for r in assessment.responses.all())
    assert marker.encode() not in _unzipped(observer_form.content) + _unzipped(lead_form.content)
    for narrative in narratives:
        fragment = narrative[:60]
        assert fragment not in texts and fragment not in xform


def test_export_page_and_download(client, demoland):
    assessment = demoland.assessment
    client.force_login(demoland.users["observer"])
    page = client.get(reverse("exchange:xlsform_export", args=[assessment.pk]))
    assert page.status_code == 200 and b"V.C" in page.content
    index = client.get(reverse("exchange:index", args=[assessment.pk]))
    assert b"?all=1" in index.content and b"Import submissions" not in index.content
    whole = client.get(reverse("exchange:xlsform_export", args=[assessment.pk]), {"all": "1"})
    assert whole.status_code == 200 and whole["Content-Disposition"].startswith("attachment;")
    converted(whole.content)
    sub = client.get(reverse("exchange:xlsform_export", args=[assessment.pk]), {"scope": ["V.C", "I.A"]})
    assert {r["name"] for r in survey(sub.content) if r["type"] == "begin_group"} == {"I_A", "V_C"}
    bad = client.get(reverse("exchange:xlsform_export", args=[assessment.pk]), {"scope": "XIII.Z"})
    assert bad.status_code == 400
    by_activity = client.get(reverse("exchange:xlsform_export", args=[assessment.pk]),
                             {"activity": demoland.activity.pk})
    # The observer is cleared for public material only; the interview is restricted.
    assert by_activity.status_code == 400
    client.force_login(demoland.users["assessor"])
    by_activity = client.get(reverse("exchange:xlsform_export", args=[assessment.pk]),
                             {"activity": demoland.activity.pk})
    assert by_activity.status_code == 200
    converted(by_activity.content)


def test_cli_export(demoland, tmp_path, capsys):
    output = tmp_path / "velmora.xlsx"
    call_command("xlsform", "export", str(demoland.assessment.pk), "--user", "assessor.demo", "--scope", "V.C",
                 "IX", "--output", str(output))
    assert "questions" in capsys.readouterr().out
    converted(output.read_bytes())
    groups = {r["name"] for r in survey(output.read_bytes()) if r["type"] == "begin_group"}
    assert "V_C" in groups and all(g == "V_C" or g.startswith("IX_") for g in groups)


def _unzipped(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())
