"""The terms-of-reference reader: a valid file becomes create_assessment's arguments; a bad one is refused with
the file, the key and the problem named."""

import datetime

import pytest

from soma.assessments import terms_of_reference
from soma.assessments.terms_of_reference import TermsOfReferenceError

TOR = """\
title: "  Republic of Demoland: criminal justice response  "
jurisdictions: xd
scope: [I, V.C]
advisory_group:
  - Demoland Ministry of Interior (chair)
  - Public Prosecution Service of Demoland
start_date: 2026-02-01
classification: restricted
missions:
  - title: First mission to Port Azur
    start_date: 2026-03-09
    end_date: 2026-03-13
    places: [Velmora, Port Azur]
"""


def write(tmp_path, text):
    path = tmp_path / "tor.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_gives_the_fields_scope_and_missions(catalog, tmp_path):
    tor = terms_of_reference.read(write(tmp_path, TOR))
    assert tor.fields["title"] == "Republic of Demoland: criminal justice response"
    assert tor.fields["jurisdictions"] == ["XD"]
    assert tor.fields["advisory_group"] == (
        "Demoland Ministry of Interior (chair)\nPublic Prosecution Service of Demoland"
    )
    assert tor.fields["start_date"] == datetime.date(2026, 2, 1)
    assert tor.fields["classification"] == "restricted"
    assert tor.scope == ["I", "V.C"]
    assert tor.missions == [{"title": "First mission to Port Azur", "start_date": datetime.date(2026, 3, 9),
                             "end_date": datetime.date(2026, 3, 13), "places": "Velmora, Port Azur"}]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (("scope: [I, V.C]", "scope: [I, V.Z]"), "'scope' is wrong"),
        (("jurisdictions: xd", "jurisdictions: [ZZ]"), "'jurisdictions' has codes that are not countries: ZZ"),
        (("start_date: 2026-02-01", "start_date: soon"), "'start_date' is not a date"),
        (("classification: restricted", "classification: secret"), "'classification' must be one of"),
        (("    end_date: 2026-03-13", "    end_date: 2026-03-01"), "'missions[1].end_date' is before its start_date"),
        (("start_date: 2026-02-01", "budget: 10"), "'budget' is not a known key"),
    ],
)
def test_a_bad_file_names_the_file_the_key_and_the_problem(catalog, tmp_path, change, named):
    path = write(tmp_path, TOR.replace(*change))
    with pytest.raises(TermsOfReferenceError) as refused:
        terms_of_reference.read(path)
    assert str(refused.value).startswith(f"{path}: ") and named in str(refused.value)


def test_a_missing_file_or_one_that_is_not_a_mapping(catalog, tmp_path):
    with pytest.raises(TermsOfReferenceError, match="no such file"):
        terms_of_reference.read(tmp_path / "absent.yaml")
    with pytest.raises(TermsOfReferenceError, match="must be a mapping"):
        terms_of_reference.read(write(tmp_path, "- just\n- a list\n"))
