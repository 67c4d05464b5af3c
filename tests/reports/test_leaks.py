"""Nothing classified above a report's version reaches it: not in the text, tables, citations, annexes,
metadata or file properties of the HTML, the PDF, the Word file or the snapshot they are rendered from.

Markers are planted in every kind of content at every level (tests/reports/conftest.py). Each check also
proves it can see text: the markers the version should hold are found in the same output."""

import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader

from soma.reports import services
from tests.reports.conftest import NAMES, markers_of

pytestmark = pytest.mark.django_db


def _squeeze(text: str) -> str:
    """Text without white space, so that a marker wrapped across lines of a PDF is still found."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    return _squeeze(" ".join(page.extract_text() for page in reader.pages) + metadata)


def docx_text(data: bytes) -> str:
    """Every part of the Word file (body, headers, footers, properties, relationships), tags removed too."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                       if name.endswith((".xml", ".rels")))
    return _squeeze(xml + re.sub(r"<[^>]+>", "", xml))


@pytest.fixture
def issued(planted, team):
    def issue(audience):
        return services.issue_report(team["lead"], planted, audience)

    return issue


def outputs(report) -> dict[str, str]:
    return {
        "snapshot": _squeeze(json.dumps(report.snapshot, ensure_ascii=False)),
        "html": _squeeze(bytes(report.html).decode()),
        "pdf": pdf_text(bytes(report.pdf)),
        "docx": docx_text(bytes(report.docx)),
    }


def test_the_public_version_holds_nothing_above_public(issued):
    report = issued("public")
    for name, text in outputs(report).items():
        for secret in ("RESTRICTEDMARK", "CONFIDENTIALMARK", NAMES):
            assert secret not in text, f"{secret} leaked into the public {name}"
        missing = [m for m in markers_of("public") if _squeeze(m) not in text]
        assert not missing, f"the public {name} lacks public material: {missing}"


def test_the_restricted_version_adds_restricted_material_and_names_but_nothing_confidential(issued):
    report = issued("restricted")
    for name, text in outputs(report).items():
        assert "CONFIDENTIALMARK" not in text, f"confidential material leaked into the restricted {name}"
        missing = [m for m in markers_of("public") + markers_of("restricted") if _squeeze(m) not in text]
        assert not missing, f"the restricted {name} lacks material: {missing}"
        for where in ("advisory", "mission", "contact", "clearance", "participants-restricted"):
            assert f"{NAMES}-{where}" in text, f"the restricted {name} lacks the individuals annex ({where})"
        assert f"{NAMES}-participants-confidential" not in text


def test_the_confidential_version_holds_everything(issued):
    text = outputs(issued("confidential"))["pdf"]
    assert all(_squeeze(m) in text for level in ("public", "restricted", "confidential") for m in markers_of(level))


def test_a_public_answer_citing_restricted_evidence_shows_only_the_public_citation(planted, team):
    from soma.evidence import services as evidence_services
    from soma.findings.models import Response

    public_answer = Response.objects.get(assessment=planted, classification="public")
    restricted_source = planted.sources.get(classification="restricted")
    evidence_services.cite(team["lead"], planted, response=public_answer, source=restricted_source,
                           pinpoint="RESTRICTEDMARK-cross-pinpoint")
    snapshot = services.composer.compose(team["lead"], planted, "public")
    answers = [a for s in snapshot["sections"] for sub in s["subsections"] for a in sub["answers"]]
    (answer,) = [a for a in answers if a["narrative"] == "PUBLICMARK-answer"]
    assert answer["citations"] == ["S1, PUBLICMARK-pinpoint", "A1"]
    assert "RESTRICTEDMARK" not in json.dumps(snapshot)
