"""The Word report: rendered from the snapshot alone, every part in order under its heading, the classification
on every page, fields for the contents and page numbers, right-to-left text, clean file properties.

Text checks read every XML part of the file (body, headers, footers, properties), and each check that
something is absent is paired with one proving the same search finds what is there."""

import copy
import datetime
import io
import re
import zipfile

import docx
import pytest

from soma.assessments.models import Assessment
from soma.demo import services as demo
from soma.reports.composer import compose
from soma.reports.models import REPORT_PARTS
from soma.reports.render_docx import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADINGS = dict((key, str(label)) for key, label in REPORT_PARTS)
ARABIC = "تقرير عن تهريب المهاجرين في جمهورية ديمولاند"
_cache: dict[str, dict] = {}
_files: dict[str, bytes] = {}


def parts_of(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.endswith((".xml", ".rels"))}


def all_text(data: bytes) -> str:
    """Every XML part, with and without its tags, so a string split across runs is found as well."""
    xml = " ".join(parts_of(data).values())
    return xml + " " + re.sub(r"<[^>]+>", "", xml)


def body_lines(data: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs]


@pytest.fixture
def demo_snapshot(db):
    """The demo follow-up assessment, composed for `audience` (built once per test session, then copied)."""
    def make(audience="restricted"):
        if audience not in _cache:
            if not Assessment.objects.filter(title=demo.FOLLOW_UP_TITLE).exists():
                demo.build(password="Demoland-Demo-2026")
            lead = demo.demo_assessments().first().created_by
            snapshot = compose(lead, Assessment.objects.get(title=demo.FOLLOW_UP_TITLE), audience, language="en")
            for key in snapshot["narrative"]:
                snapshot["narrative"][key] = f"Text of {key} for Demoland.\n\nSecond paragraph of {key}."
            _cache[audience] = snapshot
        return copy.deepcopy(_cache[audience])

    return make


@pytest.fixture
def demo_file(demo_snapshot):
    """The demo snapshot for `audience` and its Word file (rendered once per test session)."""
    def make(audience="restricted"):
        snapshot = demo_snapshot(audience)
        if audience not in _files:
            _files[audience] = render_docx(snapshot)
        return snapshot, _files[audience]

    return make


def small_snapshot(**changes) -> dict:
    """A hand-written snapshot holding one of everything."""
    snapshot = {
        "format": "soma-report", "format_version": 1, "audience": "restricted",
        "audience_label": "Restricted version", "classification_label": "Restricted", "language": "en",
        "direction": "ltr", "composed_at": "2026-10-01T09:30:00+00:00",
        "parts": [key for key, _label in REPORT_PARTS],
        "profile": {"organisation": "Demoland Institute of Justice", "cover_text": "Cover text for Demoland.",
                    "boilerplate": "Foreword for Demoland.\n\nDisclaimer for Demoland.", "logo": None},
        "assessment": {"title": "Demoland test assessment", "jurisdictions": ["Republic of Demoland"],
                       "purpose": "Purpose of the Demoland assessment.", "terms_of_reference": "Terms for Demoland.",
                       "comprehensive": True, "joint_with_trafficking": False, "start_date": "2026-01-12",
                       "end_date": "2026-09-30", "dissemination": "", "government_approval": "",
                       "status": "Analysis", "catalog_version": "1"},
        "narrative": {"background": "Background of Demoland.", "prevalence": "Prevalence in Demoland.",
                      "perception": "Perception in Demoland.", "desk_review": "Desk review of Demoland.",
                      "key_issues": "Key issue of Demoland.", "reform_factors": "Reform factor of Demoland."},
        "methodology": {"scope": [{"code": "I.A", "title": "Ratification"}], "questions": 3, "national_questions": 1,
                        "missions": [{"title": "Mission to Port Azur", "start_date": "2026-03-09",
                                      "end_date": "2026-03-13", "places": "Port Azur"}],
                        "activities": [{"kind": "Interview", "count": 2}], "sources": 1,
                        "grading": ["Sources are graded A to F."]},
        "institutions": [{"name": "Demoland Coast Guard", "category": "Maritime authority"}],
        "desk_review": {"sources_by_type": [{"type": "Official report", "count": 1}]},
        "sections": [{"code": "I", "title": "Legal framework", "subsections": [{
            "code": "I.A", "title": "Ratification", "questions": 3, "de_jure": "In place",
            "de_facto": "Partly in place",
            "answers": [
                {"id": "guide:I.A:q01", "text": "Is Demoland a State party?", "level": "primary", "national": False,
                 "narrative": "Demoland ratified in 2004.", "de_jure": "In place", "de_facto": "In place",
                 "corroboration": "Single source", "citations": ["S1, p. 12"]},
                {"id": "guide:I.A:q02", "text": "Were reservations made?", "level": "secondary", "national": False,
                 "narrative": "None were made.", "de_jure": "Not applicable", "de_facto": "Not applicable",
                 "corroboration": "Unsubstantiated", "citations": []},
                {"id": "national:1", "text": "Does the Demoland Coast Guard keep records?", "level": "primary",
                 "national": True, "narrative": "Paper records only.", "de_jure": "Partly in place",
                 "de_facto": "Partly in place", "corroboration": "Single source", "citations": ["A1"]},
            ],
            "findings": [{"kind": "Gap", "kind_key": "gap", "title": "Records are kept on paper",
                          "text": "The Coast Guard keeps paper registers.", "provisions": ["Article 10"],
                          "citations": ["A1"]}],
        }]}],
        "gap_map": [{"key": "guide:I.A", "code": "I.A", "title": "Ratification", "de_jure": "in_place",
                     "de_facto": "partly"}],
        "provisions": [{"label": "Article 6(1)", "obligation": "Mandatory", "subsections": ["I.A"],
                        "de_jure": "In place", "de_facto": "Partly in place"}],
        "conclusions": [
            {"number": 1, "text": "The law is in place.", "basis": "Law No. 12/2004.", "tentative": False,
             "findings": []},
            {"number": 2, "text": "Practice may differ.", "basis": "Conflicting accounts.", "tentative": True,
             "findings": ["Records are kept on paper"]},
        ],
        "recommendations": [{"priority": "immediate", "label": "Immediate", "areas": [{
            "key": "guide:I.A", "label": "I.A Ratification", "items": [{
                "number": 1, "text": "Digitise the Coast Guard registers.", "rank": 1, "sequence": 2,
                "institutions": ["Demoland Coast Guard"], "timeline": "Within six months",
                "estimated_cost": "5000.00", "currency": "USD", "status": "Agreed",
                "toolkit": ["7.11 Records"], "framework": ["Framework paragraph 86"]}]}]}],
        "annex_sources": [{"number": "S1", "title": "Demoland ratification law", "type": "Legislation",
                           "date": "2004-11-03", "author": "Parliament of Demoland", "link": "", "grade": "A1",
                           "grade_label": "A — completely reliable; 1 — confirmed by other sources"}],
        "annex_activities": [{"number": "A1", "date": "2026-03-10", "kind": "Interview",
                              "title": "Interview at the Demoland Coast Guard",
                              "institutions": ["Demoland Coast Guard"]}],
        "annex_individuals": {
            "participants": [{"activity": "A1 Interview", "participants": "Ms Ada Example"}],
            "contact_points": [{"institution": "Demoland Coast Guard", "contact_point": "Mr Bo Sample",
                                "clearances": "Pass 12"}],
            "advisory_group": "Ministry of Interior of Demoland (chair)",
            "mission_notes": [{"mission": "Mission to Port Azur", "notes": "Met the harbour master."}],
        },
    }
    snapshot.update(changes)
    return snapshot


@pytest.mark.slow
def test_the_document_opens_and_holds_the_parts_in_order_under_their_headings(demo_file):
    snapshot, data = demo_file()
    lines = body_lines(data)
    level_one = [text for style, text in lines if style == "Heading 1"]
    expected = [HEADINGS[key] for key in snapshot["parts"] if key != "boilerplate"]  # the demo has no foreword
    assert level_one == expected
    text = "\n".join(text for _style, text in lines)
    assert snapshot["assessment"]["title"] in text and "Text of perception for Demoland." in text
    first_answer = snapshot["sections"][0]["subsections"][0]["answers"][0]
    assert first_answer["text"] in text and first_answer["narrative"] in text
    assert any(style == "Heading 3" and snapshot["sections"][0]["subsections"][0]["code"] in line
               for style, line in lines)


def test_a_profile_may_leave_parts_out_and_reorder_nothing():
    snapshot = small_snapshot(parts=["boilerplate", "findings", "conclusions", "annex_sources"])
    level_one = [text for style, text in body_lines(render_docx(snapshot)) if style == "Heading 1"]
    assert level_one == [HEADINGS[k] for k in ("boilerplate", "findings", "conclusions", "annex_sources")]


@pytest.mark.slow
def test_every_page_header_states_the_classification(demo_file):
    for audience, label in (("public", "PUBLIC"), ("restricted", "RESTRICTED")):
        _snapshot, data = demo_file(audience)
        document = docx.Document(io.BytesIO(data))
        for section in document.sections:
            assert section.different_first_page_header_footer
            assert section.header.paragraphs[0].text.startswith(f"{label} · ")
            assert label in section.first_page_header.paragraphs[0].text
        headers = [xml for name, xml in parts_of(data).items() if re.match(r"word/header\d+\.xml", name)]
        assert len(headers) == 2 and all(label in xml for xml in headers)


def test_the_footer_numbers_the_pages_with_fields():
    data = render_docx(small_snapshot())
    footers = [xml for name, xml in parts_of(data).items() if re.match(r"word/footer\d+\.xml", name)]
    assert footers
    for xml in footers:
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert re.search(r"<w:instrText[^>]*> NUMPAGES </w:instrText>", xml)
        assert "Page" in xml and " of " in xml


def test_the_contents_link_each_part_to_its_heading_and_number_its_page_from_there():
    data = render_docx(small_snapshot())
    parts = parts_of(data)
    body = parts["word/document.xml"]
    assert "TOC \\o" not in body and "update this table" not in all_text(data)
    document = docx.Document(io.BytesIO(data))
    paragraphs = document.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.style.name == "TOC Heading")
    assert paragraphs[at].text == "Contents" and paragraphs[at - 1].text != "Contents"
    shown = [key for key, _label in REPORT_PARTS]
    entries = paragraphs[at + 1:at + 1 + len(shown)]
    assert [p.text.rstrip("\t") for p in entries] == [HEADINGS[key] for key in shown]
    headings = {p.text: p for p in paragraphs if p.style.name == "Heading 1"}
    for key, entry in zip(shown, entries, strict=True):
        xml = entry._p.xml
        assert f'w:anchor="_Toc_{key}"' in xml  # the line is a link to the part's heading
        assert f'<w:instrText xml:space="preserve"> PAGEREF _Toc_{key} \\h </w:instrText>' in xml
        marks = headings[HEADINGS[key]]._p.findall(f"{W}bookmarkStart")
        assert [m.get(f"{W}name") for m in marks] == [f"_Toc_{key}"]
    ids = re.findall(r'<w:bookmarkStart w:id="(\d+)"', body)
    assert len(ids) == len(set(ids)) == len(shown) == len(re.findall(r"<w:bookmarkEnd ", body))
    # Word works the page numbers out when it opens the file (LibreOffice does so itself: test_office.py).
    assert '<w:updateFields w:val="true"/>' in parts["word/settings.xml"]


def test_the_gap_map_figure_and_the_provisions_table_are_in_the_document(demo_file):
    snapshot, data = demo_file()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        images = [name for name in archive.namelist() if re.match(r"word/media/.*\.png$", name)]
        assert images and archive.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"
    document = docx.Document(io.BytesIO(data))
    headers = [[c.text for c in table.rows[0].cells] for table in document.tables]
    assert ["Provision", "Obligation", "De jure", "De facto"] in headers
    provisions = next(t for t in document.tables if t.rows[0].cells[0].text == "Provision")
    assert provisions.rows[1].cells[0].text == snapshot["provisions"][0]["label"]
    assert '<w:tblHeader/>' in provisions.rows[0]._tr.xml  # the header row repeats on every page


def test_tentative_conclusions_are_marked():
    document = docx.Document(io.BytesIO(render_docx(small_snapshot())))
    lines = [p.text for p in document.paragraphs]
    assert "2. [Tentative] Practice may differ." in lines
    assert "1. The law is in place." in lines


def test_recommendations_come_by_horizon_then_area_with_their_details():
    lines = body_lines(render_docx(small_snapshot()))
    at = lines.index(("Heading 1", HEADINGS["recommendations"]))
    assert lines[at + 1] == ("Heading 2", "Immediate") and lines[at + 2] == ("Heading 3", "I.A Ratification")
    details = " ".join(text for _style, text in lines[at + 3:at + 7])
    for expected in ("1. Digitise", "Rank: 1", "Sequence: 2", "Demoland Coast Guard", "Within six months",
                     "5000.00 USD", "Agreed", "7.11 Records", "Framework paragraph 86"):
        assert expected in details


def test_answers_show_status_corroboration_citations_national_and_secondary_questions():
    document = docx.Document(io.BytesIO(render_docx(small_snapshot())))
    by_text = {p.text: p for p in document.paragraphs}
    assert "De jure: In place  ·  De facto: In place  ·  Corroboration: Single source  ·  Evidence: [S1, p. 12]" \
        in by_text
    assert "[National question] Does the Demoland Coast Guard keep records?" in by_text
    assert by_text["Were reservations made?"].paragraph_format.left_indent > 0
    assert not by_text["Is Demoland a State party?"].paragraph_format.left_indent
    assert "Gap: Records are kept on paper" in by_text


def test_a_version_without_the_individuals_annex_has_none(demo_file):
    public, data = demo_file("public")
    assert public["annex_individuals"] is None
    assert HEADINGS["annex_individuals"] not in all_text(data)
    # Even when a hand-made snapshot lists the part, nothing is rendered without the data.
    snapshot = small_snapshot(annex_individuals=None)
    assert "annex_individuals" in snapshot["parts"]
    text = all_text(render_docx(snapshot))
    assert HEADINGS["annex_individuals"] not in text and "Mr Bo Sample" not in text
    with_annex = all_text(render_docx(small_snapshot()))
    assert HEADINGS["annex_individuals"] in with_annex and "Mr Bo Sample" in with_annex


def bidi(paragraph) -> bool:
    return paragraph._p.pPr is not None and paragraph._p.pPr.find(f"{W}bidi") is not None


def test_an_arabic_report_runs_right_to_left_and_its_english_paragraphs_left_to_right():
    snapshot = small_snapshot(language="ar", direction="rtl")
    snapshot["narrative"]["background"] = f"{ARABIC}\n\nDemoland has a coast guard."
    data = render_docx(snapshot)
    document = docx.Document(io.BytesIO(data))
    assert document.sections[0]._sectPr.find(f"{W}bidi") is not None  # the page runs from the right
    by_text = {p.text: p for p in document.paragraphs}
    arabic = by_text[ARABIC]
    assert bidi(arabic) and all(run._r.rPr.find(f"{W}rtl") is not None for run in arabic.runs)
    # English text keeps its own direction: its full stop stays at its end.
    for english in ("Demoland has a coast guard.", "Key issue of Demoland.", "1. The law is in place.",
                    "Is Demoland a State party?"):
        assert not bidi(by_text[english]), english
        assert all(run._r.rPr is None or run._r.rPr.find(f"{W}rtl") is None for run in by_text[english].runs)
    # The headings SOMA writes are in Arabic, so they run right to left; a paragraph without letters takes
    # the report's direction.
    assert bidi(next(p for p in document.paragraphs if p.style.name == "Heading 1"))
    assert all(bidi(p) for p in document.paragraphs if p.text.strip() == "")
    assert ARABIC in parts_of(data)["word/document.xml"]


def test_an_arabic_paragraph_in_a_left_to_right_report_runs_right_to_left():
    snapshot = small_snapshot()
    snapshot["narrative"]["background"] = f"{ARABIC}\n\nDemoland text."
    document = docx.Document(io.BytesIO(render_docx(snapshot)))
    by_text = {p.text: p for p in document.paragraphs}
    assert by_text[ARABIC]._p.pPr.find(f"{W}bidi") is not None
    assert not bidi(by_text["Demoland text."])
    assert not any(bidi(p) for p in document.paragraphs if p.text.strip() == "")


def test_fonts_are_ones_word_and_libreoffice_both_have_with_arabic_and_east_asian_ones():
    styles = parts_of(render_docx(small_snapshot()))["word/styles.xml"]
    assert "DejaVu" not in styles
    root = docx.Document(io.BytesIO(render_docx(small_snapshot()))).styles.element
    declared = [root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")]
    declared += [root.find(f"{W}style[@{W}styleId='{name}']/{W}rPr/{W}rFonts")
                 for name in ("Normal", "Heading1", "Title", "Header", "Footer")]
    for fonts in declared:
        assert fonts is not None
        assert {key.split("}")[1]: value for key, value in fonts.attrib.items()} == {
            "ascii": "Arial", "hAnsi": "Arial", "cs": "Arial", "eastAsia": "SimSun"}  # no theme font wins


def test_the_gap_map_has_alt_text_and_keeps_with_its_heading():
    from docx.shared import Cm

    from soma.reports.render_html import gap_map_alt

    document = docx.Document(io.BytesIO(render_docx(small_snapshot())))
    paragraphs = document.paragraphs
    heading = next(i for i, p in enumerate(paragraphs) if p.text == HEADINGS["gap_map"])
    figure = next(p for p in paragraphs[heading:] if p._p.findall(f".//{W}drawing"))
    description = figure._p.find(".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    assert description.get("descr") == gap_map_alt(small_snapshot())
    assert description.get("descr").startswith("Gap map of 1 subsection in scope")
    between = paragraphs[heading:paragraphs.index(figure)]
    assert len(between) == 2 and all(p.paragraph_format.keep_with_next for p in between)
    assert document.inline_shapes[0].height <= Cm(19)


def test_file_properties_name_the_organisation_and_nothing_else(demo_file, django_user_model):
    snapshot, data = demo_file()
    core = docx.Document(io.BytesIO(data)).core_properties
    assert core.title == f"{snapshot['assessment']['title']} — Restricted version"
    assert core.author == core.last_modified_by == "SOMA"  # the demo's default profile names no organisation
    assert core.created == core.modified == datetime.datetime.fromisoformat(snapshot["composed_at"])
    assert core.comments == core.keywords == core.subject == core.category == ""
    properties = parts_of(data)["docProps/core.xml"] + parts_of(data)["docProps/app.xml"]
    assert "python-docx" not in properties.lower() and "Microsoft" not in properties
    text = all_text(data)
    usernames = [username for username, _first, _last in demo.USERS.values()]
    usernames += list(django_user_model.objects.values_list("username", flat=True))
    assert not any(name in text for name in usernames)
    named = docx.Document(io.BytesIO(render_docx(small_snapshot()))).core_properties
    assert named.author == named.last_modified_by == "Demoland Institute of Justice"


def test_only_rendered_fields_reach_the_file():
    snapshot = small_snapshot()
    snapshot["internal_notes"] = "MARKER-UNRENDERED-top"
    snapshot["assessment"]["reviewer_note"] = "MARKER-UNRENDERED-assessment"
    snapshot["sections"][0]["subsections"][0]["answers"][0]["draft"] = "MARKER-UNRENDERED-answer"
    snapshot["recommendations"][0]["areas"][0]["items"][0]["owner_username"] = "MARKER-UNRENDERED-recommendation"
    rendered = {
        "title": ("assessment", "title"), "cover": ("profile", "cover_text"), "foreword": ("profile", "boilerplate"),
        "organisation": ("profile", "organisation"), "purpose": ("assessment", "purpose"),
        "background": ("narrative", "background"), "reform": ("narrative", "reform_factors"),
    }
    for name, (group, key) in rendered.items():
        snapshot[group][key] = f"MARKER-SHOWN-{name}"
    snapshot["sections"][0]["subsections"][0]["answers"][1]["narrative"] = "MARKER-SHOWN-answer"
    snapshot["sections"][0]["subsections"][0]["findings"][0]["text"] = "MARKER-SHOWN-finding"
    snapshot["conclusions"][1]["basis"] = "MARKER-SHOWN-basis"
    snapshot["recommendations"][0]["areas"][0]["items"][0]["timeline"] = "MARKER-SHOWN-timeline"
    snapshot["annex_sources"][0]["title"] = "MARKER-SHOWN-source"
    snapshot["annex_individuals"]["mission_notes"][0]["notes"] = "MARKER-SHOWN-mission-notes"
    text = all_text(render_docx(snapshot))
    shown = set(re.findall(r"MARKER-SHOWN-[a-z-]+", text))
    assert shown == {f"MARKER-SHOWN-{name}" for name in [*rendered, "answer", "finding", "basis", "timeline",
                                                          "source", "mission-notes"]}
    assert "MARKER-UNRENDERED" not in text
    header = " ".join(xml for name, xml in parts_of(render_docx(snapshot)).items() if "header" in name)
    assert "MARKER-SHOWN-title" in header  # the search sees headers too


@pytest.mark.slow
def test_the_same_snapshot_renders_to_the_same_file(demo_file):
    snapshot, data = demo_file()
    assert render_docx(snapshot) == data


def test_the_content_hash_is_printed_when_given():
    digest = "0123456789abcdef" * 4
    assert f"Content hash (SHA-256): {digest}" in all_text(render_docx(small_snapshot(), content_hash=digest))
    assert "Content hash" not in all_text(render_docx(small_snapshot()))


def test_a_logo_is_placed_on_the_cover_and_a_broken_one_is_left_out():
    import base64

    from soma.reports.charts import gap_map_png

    png = gap_map_png(small_snapshot(), {}, ("De jure", "De facto"))
    snapshot = small_snapshot(parts=["conclusions"])
    snapshot["profile"]["logo"] = {"media_type": "image/png", "data": base64.b64encode(png).decode()}
    with zipfile.ZipFile(io.BytesIO(render_docx(snapshot))) as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())
    snapshot["profile"]["logo"] = {"media_type": "image/png", "data": base64.b64encode(b"not an image").decode()}
    assert "Demoland Institute of Justice" in all_text(render_docx(snapshot))


def test_text_that_xml_cannot_hold_does_not_break_the_document():
    snapshot = small_snapshot()
    snapshot["narrative"]["key_issues"] = "Demoland\x0b key\x00 issue"
    assert "Demoland key issue" in all_text(render_docx(snapshot))
