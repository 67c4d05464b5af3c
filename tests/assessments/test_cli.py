"""`soma assessments`: create from a terms-of-reference YAML file, list."""

import json

import pytest
from django.core.management import CommandError, call_command

from soma.assessments.models import Assessment

TOR = """\
title: Republic of Demoland – criminal justice response to migrant smuggling
jurisdictions: [XD]
purpose: Baseline for technical assistance.
terms_of_reference: Requested by the Demoland Ministry of Interior.
scope: [I, V.C, VI]
comprehensive: true
joint_with_trafficking: false
start_date: 2026-02-01
end_date: 2026-09-30
classification: restricted
dissemination: Restricted report to the advisory group.
advisory_group:
  - Demoland Ministry of Interior (chair)
  - Public Prosecution Service of Demoland
missions:
  - title: First mission to Velmora and Port Azur
    start_date: 2026-03-09
    end_date: 2026-03-13
    places: Velmora, Port Azur
"""


def write(tmp_path, text):
    path = tmp_path / "tor.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_create_from_yaml(catalog, lead, tmp_path, capsys):
    call_command("assessments", "create", "--tor", write(tmp_path, TOR), "--lead", "lead.demo")
    assessment = Assessment.objects.get()
    assert assessment.title.startswith("Republic of Demoland") and assessment.status == "planning"
    assert [c.code for c in assessment.jurisdictions] == ["XD"]
    keys = set(assessment.scope.values_list("subsection", flat=True))
    assert {"guide:I.A", "guide:V.C", "guide:VI.C"} <= keys and "guide:V.A" not in keys
    assert assessment.missions.get().places == "Velmora, Port Azur"
    assert "Public Prosecution Service" in assessment.advisory_group
    assert assessment.memberships.get().user == lead
    assert "Created assessment" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("title: [unclosed\n", "not valid YAML"),
        (TOR.replace("scope: [I, V.C, VI]", "scope: [I, V.Z]"), "'scope'"),
        (TOR.replace("title: Republic of Demoland – criminal justice response to migrant smuggling\n", ""), "'title'"),
        (TOR.replace("jurisdictions: [XD]", "jurisdictions: [ZZ]"), "'jurisdictions'"),
        (TOR.replace("end_date: 2026-09-30", "end_date: soon"), "'end_date'"),
        (TOR.replace("classification: restricted", "classification: secret"), "'classification'"),
        (TOR + "budget: 100\n", "'budget'"),
        (TOR.replace("  - title: First mission", "  - name: First mission"), "missions[1]"),
        ("- just a list\n", "mapping"),
    ],
)
def test_bad_file_names_the_problem_and_writes_nothing(catalog, lead, tmp_path, text, named):
    with pytest.raises(CommandError) as error:
        call_command("assessments", "create", "--tor", write(tmp_path, text), "--lead", "lead.demo")
    assert named in str(error.value)
    assert not Assessment.objects.exists()


def test_unknown_lead_or_missing_file(catalog, lead, tmp_path):
    with pytest.raises(CommandError, match="nobody.demo"):
        call_command("assessments", "create", "--tor", write(tmp_path, TOR), "--lead", "nobody.demo")
    with pytest.raises(CommandError, match="no such file"):
        call_command("assessments", "create", "--tor", str(tmp_path / "missing.yaml"), "--lead", "lead.demo")
    assert not Assessment.objects.exists()


def test_list_json_all_or_as_a_user(catalog, lead, django_user_model, tmp_path, capsys):
    call_command("assessments", "create", "--tor", write(tmp_path, TOR), "--lead", "lead.demo")
    django_user_model.objects.create_user(username="outsider.demo")
    capsys.readouterr()
    call_command("assessments", "list", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0]["leads"] == ["lead.demo"] and rows[0]["jurisdictions"] == ["XD"]
    call_command("assessments", "list", "--user", "outsider.demo", "--json")
    assert json.loads(capsys.readouterr().out) == []
    call_command("assessments", "list")
    assert "planning" in capsys.readouterr().out
