"""The import functions fed mutated and random input by Hypothesis: all or nothing, and only their own refusal.

- `bundle.import_bundle`: a valid bundle of the world's assessment with keys dropped, values of the wrong type,
  ids duplicated, references to records that do not exist, huge strings and deep nesting; and random bytes.
- `questionnaire.import_questionnaire`: the exported questionnaire with cells (answers, statuses, the hidden
  keys, the SOMA sheet) replaced by hostile values.
- `submissions.preview` and `submissions.apply`: random CSV and XLSX tables, with real field names as headers.

Each call either succeeds or raises the module's documented refusal (BundleError, ImportRefused, UnsafeFile);
after a refusal no row of any table changed. preview never writes.
"""

from __future__ import annotations

import copy
import csv
import io
import json

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell

from tests.abuse.conftest import FAST, row_counts

TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
HOSTILE = st.one_of(
    TEXT, st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.just("x" * 100_001), st.just("0000-00-00"),
    st.just([]), st.just({}), st.lists(TEXT, max_size=3), st.dictionaries(TEXT, TEXT, max_size=2),
)


def _paths(value, prefix=()):
    """Every place in a JSON value: (path, value) for dicts' keys and lists' items."""
    yield prefix, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _parent(data, path):
    for step in path[:-1]:
        data = data[step]
    return data


def mutate(bundle: dict, paths: list[tuple], choice: int, kind: str, replacement) -> dict:
    """One mutation of a copy of the bundle at paths[choice]."""
    data = copy.deepcopy(bundle)
    path = paths[choice % len(paths)]
    if not path or not isinstance(data, (dict, list)):
        return replacement if kind == "type" else data
    parent, last = _parent(data, path), path[-1]
    if kind == "drop":
        del parent[last]
    elif kind == "type":
        parent[last] = replacement
    elif kind == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif kind == "dangling":
        parent[last] = "source-999" if not isinstance(parent[last], list) else ["finding-999", "institution-42"]
    elif kind == "huge":
        parent[last] = "Ж" * 70_000
    elif kind == "deep":
        nested = replacement
        for _ in range(300):
            nested = [nested]
        parent[last] = nested
    else:
        parent[last] = replacement
    return data


MUTATIONS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**6),
              st.sampled_from(["drop", "type", "duplicate", "dangling", "huge", "deep"]), HOSTILE),
    min_size=1, max_size=3,
)


@pytest.fixture(scope="module")
def valid_bundle(world, django_db_blocker):
    from soma.exchange.bundle import services as bundle

    with django_db_blocker.unblock():
        return bundle.export_bundle(world.users["lead"], world.assessment, include_files=True)


def _import(user, data: bytes):
    from soma.exchange.bundle.services import BundleError, import_bundle

    before = row_counts()
    try:
        import_bundle(user, data)
    except BundleError as refused:
        assert refused.errors, "a BundleError says what was wrong"
        assert row_counts() == before, f"refused ({refused.errors[:3]}) but rows were written"


@pytest.mark.django_db
def test_the_valid_bundle_imports(world, valid_bundle):
    """The starting point of the mutations is a bundle that imports (else the tests below prove little)."""
    from soma.exchange.bundle import services as bundle

    imported = bundle.import_bundle(world.users["nonmember"], bundle.dumps(valid_bundle))
    assert imported.title == world.assessment.title


@pytest.mark.django_db
def test_mutated_bundles_import_completely_or_not_at_all(world, valid_bundle):
    from soma.exchange.bundle import services as bundle

    user = world.users["nonmember"]

    @FAST
    @given(mutations=MUTATIONS)
    def run(mutations):
        data = valid_bundle
        for choice, kind, replacement in mutations:
            paths = [path for path, _value in _paths(data)]  # each mutation on what the previous one left
            data = mutate(data, paths, choice, kind, replacement)
        try:
            raw = bundle.dumps(data)
        except (TypeError, ValueError):  # the mutation itself made something JSON cannot hold
            raw = json.dumps(data, default=str).encode()
        _import(user, raw)

    run()


@pytest.mark.django_db
def test_random_bytes_are_refused_as_a_bundle(world):
    user = world.users["nonmember"]
    texts = st.one_of(
        st.binary(max_size=300), TEXT.map(str.encode),
        st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), TEXT),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                     max_leaves=20).map(lambda v: json.dumps(v).encode()),
        st.integers(min_value=1, max_value=5000).map(lambda n: b"[" * n + b"]" * n),
        st.just(b'{"format": "soma-bundle", "format": "soma-bundle"}'), st.just(b"\xef\xbb\xbf{}"),
        st.just(b'{"format": "soma-bundle", "format_version": 1e999}'), st.just(b"NaN"),
    )

    @FAST
    @given(data=texts)
    def run(data):
        _import(user, data)

    run()


# --- The questionnaire -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def questionnaire_bytes(world, django_db_blocker):
    from soma.exchange.spreadsheets import questionnaire

    with django_db_blocker.unblock():
        return questionnaire.export_questionnaire(world.users["lead"], world.assessment)


CELL = st.one_of(
    TEXT, st.none(), st.integers(min_value=-(10**15), max_value=10**15), st.floats(allow_nan=False, width=32),
    st.booleans(), st.sampled_from(["=1+1", "=HYPERLINK(\"http://x.example\")", "in_place", "Partly in place",
                                    "confidential", "public", "0000-00-00", "guide:I.A:q01", "guide:V.C:q99",
                                    "-1", "99999999999999999999", "x" * 40_000]),
)


@pytest.mark.django_db
def test_mutated_questionnaires_are_imported_or_refused_whole(world, questionnaire_bytes):
    from soma.exchange.spreadsheets import questionnaire

    lead = world.users["lead"]
    book = openpyxl.load_workbook(io.BytesIO(questionnaire_bytes))
    rows = book[questionnaire.SHEET].max_row

    @FAST
    @given(edits=st.lists(st.tuples(st.sampled_from([questionnaire.SHEET, questionnaire.SHEET, questionnaire.META]),
                                    st.integers(1, rows + 2), st.integers(1, 10), CELL), min_size=1, max_size=8))
    def run(edits):
        undo = []
        for sheet, row, column, cell in edits:
            target = book[sheet].cell(row=row, column=column)
            if isinstance(target, MergedCell):
                continue
            undo.append((target, target.value))
            # openpyxl refuses control characters itself: a workbook cannot hold them
            target.value = ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell
        out = io.BytesIO()
        book.save(out)
        for target, old in reversed(undo):
            target.value = old
        before = row_counts()
        try:
            questionnaire.import_questionnaire(lead, world.assessment, out.getvalue(), file_name="filled.xlsx")
        except questionnaire.ImportRefused as refused:
            assert refused.problems
            assert row_counts() == before, "refused, but rows were written"

    run()


# --- Submissions (XLSForm) -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def field_names(world, django_db_blocker):
    from soma.assessments.selectors import questions_in_scope
    from soma.exchange.xlsform import form_writer as xlsform
    from soma.kernel.clearance import seen_by

    with django_db_blocker.unblock():
        seen = seen_by(world.users["lead"], world.assessment)
        questions = [q for sub in questions_in_scope(seen) for q in sub.questions]
        return sorted(xlsform.field_map(questions))[:12]


def _table(field_names):
    header = st.lists(st.one_of(st.sampled_from(field_names), st.sampled_from(["KEY", "instanceID", "_uuid",
                                                                              "ReviewState", "soma_assessment"]),
                                TEXT), min_size=0, max_size=8)
    cell = st.one_of(TEXT, st.sampled_from(["in_place", "partly", "Not in place", "unknown", "rejected", "=1+1",
                                            "x" * 40_000, ""]))
    return st.tuples(header, st.lists(st.lists(cell, max_size=9), max_size=6))


def _csv(header, rows, delimiter) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(header, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for r, values in enumerate([header, *rows], start=1):
        for c, cell in enumerate(values, start=1):
            # openpyxl refuses control characters itself: such a file cannot exist
            sheet.cell(row=r, column=c).value = ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_random_submission_files_preview_without_writing_and_apply_whole(world, field_names):
    from soma.exchange.safe_files import UnsafeFile
    from soma.exchange.xlsform import submissions

    lead, activity = world.users["lead"], world.objects["activity"]
    files = st.one_of(
        _table(field_names).flatmap(lambda t: st.sampled_from([",", ";", "\t"]).map(lambda d: (_csv(*t, d),
                                                                                                 "subs.csv"))),
        _table(field_names).map(lambda t: (_xlsx(*t), "subs.xlsx")),
        st.binary(max_size=300).map(lambda b: (b, "subs.csv")),
        st.binary(max_size=300).map(lambda b: (b"PK\x03\x04" + b, "subs.xlsx")),
    )

    @FAST
    @given(file=files)
    def run(file):
        data, name = file
        before = row_counts()
        try:
            result = submissions.preview(lead, world.assessment, activity, data, name)
        except UnsafeFile as refused:
            assert str(refused)
        else:
            assert result.digest
        assert row_counts() == before, "preview wrote rows"
        try:
            submissions.apply(lead, world.assessment, activity, data, name)
        except submissions.ImportRefused as refused:
            assert str(refused)
            assert row_counts() == before, "apply was refused, but rows were written"

    run()
