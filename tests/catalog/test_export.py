"""`soma catalog export --format json`: the whole catalog in the documented shape."""

import io
import json

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def exported(catalog):
    out = io.StringIO()
    call_command("catalog", "export", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_top_level_keys(exported):
    assert list(exported) == ["version", "guide", "protocol", "framework", "toolkit", "working_group", "instruments"]


def test_guide_shape(exported):
    sections = exported["guide"]["sections"]
    assert [s["code"] for s in sections][:3] == ["I", "II", "III"]
    subsections = [sub for s in sections for sub in s["subsections"]]
    assert len(subsections) == 58
    assert "XII" in [sub["code"] for sub in subsections]
    ia = subsections[0]
    assert ia["code"] == "I.A"
    requirement = ia["requirements"][0]
    assert set(requirement) >= {"instrument", "article", "paragraph", "obligation"}
    assert (requirement["instrument"], requirement["article"], requirement["paragraph"]) == ("protocol", "1", "1")
    question = ia["fields"][0]["questions"][1]
    assert question["level"] == "secondary" and question["parent"] == ia["fields"][0]["questions"][0]["id"]
    assert ia["guidelines"] and ia["source"]["file"] == "assessment-guide.txt"


def test_question_texts_are_clean_single_lines(exported):
    for section in exported["guide"]["sections"]:
        for sub in section["subsections"]:
            for field in sub["fields"]:
                for question in field["questions"]:
                    text = question["text"]
                    assert "\n" not in text and "  " not in text, question["id"]
                    assert text[0].isupper() or text[0].isdigit() or text[0] in "“\"(", question["id"]
                    assert "ASSESSMENT QUESTIONS" not in text.upper(), question["id"]


def test_protocol_and_others(exported):
    articles = exported["protocol"]["articles"]
    assert [a["number"] for a in articles] == list(range(1, 26))
    assert articles[5]["title"] == "Criminalization"
    assert len(exported["framework"]["pillars"]) == 4
    assert sum(len(t["sections"]) for t in exported["toolkit"]["tools"]) == 121
    assert [p["year"] for p in exported["working_group"]["papers"]] == [2012, 2015]
    assert any(i["id"] == "untoc" for i in exported["instruments"])


def test_export_without_catalog_says_what_to_do(db):
    from soma.catalog.models import CatalogVersion

    CatalogVersion.objects.all().delete()
    with pytest.raises(CommandError) as error:
        call_command("catalog", "export", "--format", "json")
    assert "soma catalog load" in str(error.value)
