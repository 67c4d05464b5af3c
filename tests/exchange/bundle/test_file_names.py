"""One rule for file names from outside: a bundle import cleans them exactly as an upload does.

A right-to-left override (U+202E) lets "report\u202efdp.exe.pdf" show as "reportexe.pdf" … or any order the
sender likes; other bidi and invisible characters hide parts of a name. Uploads through a page lose them (Django
drops unprintable characters); a bundle import kept them. Both now go through soma.evidence.file_names."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from soma.assessments import services
from soma.evidence import services as evidence_services
from soma.evidence.file_names import clean_file_name
from soma.exchange.bundle import services as bundle_services
from tests.exchange.bundle.world import _remove_imported_files  # noqa: F401 (deletes the files stored here)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% Demoland gazette\n"

HOSTILE = {
    "right-to-left override": ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
    "isolates and marks": ("\u2067gazette\u2069\u200e\u200f\u061c.pdf", "gazette.pdf"),
    "embeddings and pops": ("\u202bminutes\u202c\u202a.txt", "minutes.txt"),
    "invisible characters": ("stat\u200bistics\ufeff\u2060.csv", "statistics.csv"),
    "controls and separators": ("notes\x7f\u0085\u2028\u2029.txt", "notes.txt"),
}


@pytest.fixture
def lead(django_user_model):
    return django_user_model.objects.create_user(username="lead.demo", password="Demoland-Harbour-2026")


@pytest.fixture
def assessment(catalog, lead):
    return services.create_assessment(lead, title="Demoland maritime smuggling", jurisdictions=["XD"],
                                      scope=["I.A"], classification="public").assessment


def _bundle_with_file(lead, assessment, name: str) -> bytes:
    evidence_services.save_source(lead, assessment, title="Demoland Gazette", kind="legislation",
                                  classification="public", upload=SimpleUploadedFile("gazette.pdf", PDF))
    data = bundle_services.export_bundle(lead, assessment, audience="public")
    data["sources"][0]["file"]["name"] = name
    return bundle_services.dumps(data)


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_bundle_import_drops_bidi_and_invisible_characters_from_file_names(lead, assessment, case):
    hostile, expected = HOSTILE[case]
    imported = bundle_services.import_bundle(lead, _bundle_with_file(lead, assessment, hostile))
    source = imported.sources.get()
    assert source.file_name == expected
    with source.file.open("rb") as handle:
        assert handle.read() == PDF


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_the_upload_page_the_service_and_the_bundle_give_the_same_name(client, lead, assessment, case):
    hostile, expected = HOSTILE[case]
    client.force_login(lead)
    reply = client.post(reverse("evidence:add", args=[assessment.pk]), {
        "title": "Uploaded gazette", "kind": "legislation", "reliability": "B", "credibility": "2",
        "classification": "public", "file": SimpleUploadedFile(hostile, PDF)})
    assert reply.status_code == 302
    by_page = assessment.sources.get(title="Uploaded gazette").file_name
    by_service = evidence_services.save_source(
        lead, assessment, title="Gazette from the command line", kind="legislation",
        upload=SimpleUploadedFile(hostile, PDF)).file_name
    assert by_page == by_service == clean_file_name(hostile) == expected


def test_the_rule_keeps_what_names_need():
    persian = "\u06af\u0632\u0627\u0631\u0634\u200c\u0647\u0627.pdf"  # a zero-width non-joiner inside a word
    assert clean_file_name(persian) == persian
    assert clean_file_name("Rapport annuel – Démoland 2025.pdf") == "Rapport annuel – Démoland 2025.pdf"
    long_name = clean_file_name("a" * 400 + ".pdf")
    assert len(long_name) == 255 and long_name.endswith(".pdf")
    assert clean_file_name("..\\..\\\u202e.pdf") == ".pdf" and clean_file_name("\u202e") == "document"
