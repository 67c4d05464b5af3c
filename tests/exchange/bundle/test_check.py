"""Bad and hostile bundles are refused with messages that name the place, and nothing is written."""

import base64
import copy
import hashlib
import json

import pytest

from soma.accounts.models import HistoryEntry
from soma.assessments.models import Assessment, Institution, Membership
from soma.evidence.models import Citation, Source
from soma.exchange.bundle import services
from soma.exchange.bundle.format import BundleError
from soma.findings.models import Finding, Recommendation, Response
from tests.exchange.bundle.world import _remove_imported_files, importer, stored_files, world

pytestmark = pytest.mark.django_db
__all__ = ["_remove_imported_files", "importer", "world"]

MODELS = (Assessment, Membership, Institution, Source, Citation, Response, Finding, Recommendation, HistoryEntry)


@pytest.fixture(scope="module")
def good(world, django_db_blocker):
    with django_db_blocker.unblock():
        return services.export_bundle(world.users["lead"], world.assessment)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def refused(user, data) -> list[str]:
    """Import `data` (a dict or bytes), expect a refusal that wrote nothing, return the problems."""
    before, files = _counts(), stored_files()
    raw = data if isinstance(data, bytes) else services.dumps(data)
    with pytest.raises(BundleError) as caught:
        services.import_bundle(user, raw)
    assert _counts() == before and stored_files() == files
    assert "nothing was written" in str(caught.value)
    return caught.value.errors


def test_new_work_above_the_assessment_is_refused(importer, good):
    data = copy.deepcopy(good)
    data["assessment"].update(classification="restricted", new_work_classification="confidential")
    assert refused(importer, data) == [
        "assessment.new_work_classification: confidential is above the assessment's classification (restricted); "
        "new work cannot start above it"]


def _index(rows, test):
    return next(n for n, row in enumerate(rows) if test(row))


def test_the_good_bundle_imports(importer, good):
    created = services.import_bundle(importer, services.dumps(good))
    assert created.title == good["assessment"]["title"]


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04 this is a workbook", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"{'format': 'soma-bundle'}", "not valid JSON (line 1, column 2"),
        (b"[1, 2, 3]", "format: this is not a SOMA bundle"),
        (b'{"format": "soma-bundle", "format_version": 1, "format": "x"}', "appears twice in one object"),
        (b'{"format": "soma-bundle", "format_version": NaN}', "not a number JSON allows"),
        (b'{"format": "soma-bundle", "format_version": 2}', "format_version: 2 is not a bundle format"),
        (b"[" * 100_000 + b"]" * 100_000, "nested"),
        (b'{"format": "soma-bundle", "x": ' + b"[" * 50 + b"]" * 50 + b"}",
         "x[0][0][0][0][0][0][0]: the JSON is nested deeper"),
    ],
    ids=["empty", "not-json", "not-utf8", "python-repr", "not-an-object", "duplicate-key", "nan", "version-2",
         "deep", "deep-place"],
)
def test_what_is_not_a_bundle_is_refused(importer, raw, message):
    problems = refused(importer, raw)
    assert any(message in p for p in problems), problems


def test_an_oversized_bundle_is_refused_before_it_is_read(importer, good, settings):
    settings.SOMA_BUNDLE_MAX_BYTES = 1024
    problems = refused(importer, good)
    assert "larger than" in problems[0]


def _mutated(good, change):
    data = copy.deepcopy(good)
    change(data)
    return data


def test_schema_errors_name_their_places_and_all_are_collected(importer, good):
    def change(d):
        d["assessment"]["title"] = 5
        d["responses"][3]["de_jure"] = "maybe"
        d["sources"][0]["title"] = "x" * 1_000_000
        d["missions"][0]["surprise"] = True
        del d["findings"][0]["kind"]
        d["institutions"][1]["category"] = None

    problems = refused(importer, _mutated(good, change))
    expected = [
        "assessment.title: should be a string, not 5",
        'responses[3].de_jure: "maybe" is not one of: in_place, partly',
        "sources[0].title: is longer than 300 characters",
        'missions[0]: has unknown fields: "surprise"',
        "findings[0]: 'kind' is a required property",
        "institutions[1].category: null is not one of",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in problems), (text, problems)
    assert all(len(p) < 400 for p in problems)  # the million-character title is not echoed back


def test_an_unknown_catalog_version_is_named(importer, good):
    problems = refused(importer, _mutated(good, lambda d: d["catalog"].update(version="1999.01")))
    assert problems[0].startswith('catalog.version: catalog version "1999.01" is not loaded in this SOMA')
    assert "soma catalog load" in problems[0]


def test_a_catalog_version_with_other_content_is_refused(importer, good):
    problems = refused(importer, _mutated(good, lambda d: d["catalog"].update(digest="0" * 64)))
    assert problems[0].startswith("catalog.digest: ")


def test_unknown_questions_and_dangling_references_are_all_listed(importer, good):
    version = good["catalog"]["version"]
    cited = _index(good["responses"], lambda r: r["citations"])

    def change(d):
        d["responses"][12]["question"] = "guide:V.Z:q01"
        d["responses"][cited]["citations"][0] = {"source": "source-999", "activity": None, "pinpoint": "",
                                                 "stance": "supports"}
        d["recommendations"][0]["institutions"] = ["institution-999"]
        d["recommendations"][1]["conclusions"] = ["conclusion-77"]
        d["findings"][0]["responses"] = ["guide:I.A:q99"]
        d["activities"][0]["mission"] = "mission-42"
        d["findings"][1]["provisions"] = ["toolkit:7.11"]
        d["recommendations"][2]["toolkit"] = ["protocol:art6"]
        d["national_questions"][0]["subsection"] = "guide:II.A"

    problems = refused(importer, _mutated(good, change))
    expected = [
        f'responses[12].question: "guide:V.Z:q01" is not a question of catalog version {version}',
        f'responses[{cited}].citations[0].source: "source-999" is not an id in sources',
        'recommendations[0].institutions[0]: "institution-999" is not an id in institutions',
        'recommendations[1].conclusions[0]: "conclusion-77" is not an id in conclusions',
        'findings[0].responses[0]: "guide:I.A:q99" is not a question answered in responses',
        'activities[0].mission: "mission-42" is not an id in missions',
        f'findings[1].provisions[0]: "toolkit:7.11" is not a Protocol article or provision of catalog version '
        f"{version}",
        f'recommendations[2].toolkit[0]: "protocol:art6" is not a Toolkit section of catalog version {version}',
        'national_questions[0].subsection: "guide:II.A" is not in the scope',
    ]
    for text in expected:
        assert text in problems, (text, problems)


def test_a_question_outside_the_scope_is_refused(importer, good):
    problems = refused(importer, _mutated(good, lambda d: d["responses"][0].update(question="guide:II.A:q01")))
    assert problems == ['responses[0].question: "guide:II.A:q01" is a question of guide:II.A, which is not in the '
                        "scope"]


def test_duplicate_ids_are_refused(importer, good):
    def change(d):
        d["sources"][1]["id"] = d["sources"][0]["id"]
        d["responses"][1]["question"] = d["responses"][0]["question"]

    problems = refused(importer, _mutated(good, change))
    assert '"source-1" is used twice in sources' in " ".join(problems)
    assert any(p.startswith("responses[1].question: ") and "used twice" in p for p in problems)


def _with_file(good):
    return _index(good["sources"], lambda s: s["file"] and "content" in s["file"])


def test_a_file_that_does_not_match_its_checksum_is_refused(importer, good):
    n = _with_file(good)

    def change(d):
        d["sources"][n]["file"]["content"] = base64.b64encode(b"Tampered notes\n").decode()
        d["sources"][n]["file"]["size"] = len(b"Tampered notes\n")

    problems = refused(importer, _mutated(good, change))
    assert problems == [f"sources[{n}].file.sha256: does not match the file's content (the file is damaged or "
                        "changed)"]


@pytest.mark.parametrize("name", ["../../settings.py", "/etc/passwd", "..\\boot.ini", ".htaccess", "a\x00.txt"])
def test_path_tricks_in_file_names_are_refused(importer, good, name):
    n = _with_file(good)
    problems = refused(importer, _mutated(good, lambda d: d["sources"][n]["file"].update(name=name)))
    assert any(p.startswith(f"sources[{n}].file.name: ") for p in problems), problems


def test_a_file_of_a_refused_type_is_refused(importer, good):
    n = _with_file(good)
    content = b"MZ\x90\x00 an executable"

    def change(d):
        d["sources"][n]["file"] |= {"name": "report.exe", "content": base64.b64encode(content).decode(),
                                    "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}

    problems = refused(importer, _mutated(good, change))
    assert problems[0].startswith(f"sources[{n}].file.name: Files of type '.exe' are not accepted")


def test_classified_rows_above_the_bundles_audience_are_refused(importer, good):
    def change(d):
        d["audience"] = "public"

    problems = refused(importer, _mutated(good, change))
    assert any("is above the bundle's audience (public)" in p for p in problems)
    assert any(p.startswith("institutions[0].contact_point: is restricted material") for p in problems)


def test_nul_characters_and_bad_dates_are_refused(importer, good):
    def change(d):
        d["assessment"]["purpose"] = "before\x00after"
        d["missions"][0]["start_date"] = "2026-02-31"
        d["assessment"]["jurisdictions"] = ["QQ"]

    problems = refused(importer, _mutated(good, change))
    assert "assessment.purpose: contains a NUL character, which SOMA does not store" in problems
    assert 'missions[0].start_date: "2026-02-31" is not a date (use YYYY-MM-DD)' in problems
    assert 'assessment.jurisdictions[0]: "QQ" is not a country code' in problems


def test_signed_out_users_cannot_import(good):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(BundleError):
        services.import_bundle(AnonymousUser(), json.dumps(good).encode())
