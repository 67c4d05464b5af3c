"""`soma demo`: the fictional Republic of Demoland fills every screen, once."""

import pytest
from django.core.management import call_command

from soma.assessments.models import Assessment
from soma.demo import services as demo
from soma.findings.models import PRIORITY_ORDER


@pytest.fixture
def loaded(catalog, capsys):
    call_command("demo", "--password", "Demoland-Demo-2026")
    return capsys.readouterr().out


def test_demo_loads_three_assessments(loaded, django_user_model):
    assert "Demoland-Demo-2026" in loaded
    follow_up = Assessment.objects.get(title=demo.FOLLOW_UP_TITLE)
    baseline = Assessment.objects.get(title=demo.BASELINE_TITLE)
    planned = Assessment.objects.get(title=demo.PLANNED_TITLE)
    assert (follow_up.status, baseline.status, planned.status) == ("fieldwork", "final", "planning")
    assert follow_up.previous == baseline
    assert follow_up.responses.count() >= 30 and follow_up.sources.count() >= 20
    assert follow_up.recommendations.count() >= 8 and follow_up.institutions.count() >= 10
    assert set(follow_up.recommendations.values_list("priority", flat=True)) == set(PRIORITY_ORDER)
    assert follow_up.recommendations.filter(review_state="reviewed").exists()
    assert follow_up.recommendations.exclude(toolkit=[]).exists()
    assert set(follow_up.findings.values_list("kind", flat=True)) >= {"gap", "good_practice", "discrepancy",
                                                                    "conflicting", "observation"}
    assert follow_up.conclusions.filter(tentative=True).exists()
    assert follow_up.sources.filter(classification="confidential").exists()
    assert follow_up.national_questions.exists() and follow_up.activities.filter(kind="site_visit").exists()
    assert follow_up.history.count() > 50
    user = django_user_model.objects.get(username="observer.demo")
    assert user.check_password("Demoland-Demo-2026")


def test_second_run_does_not_duplicate_and_reset_replaces(loaded, capsys):
    call_command("demo")
    assert "already loaded" in capsys.readouterr().out
    assert Assessment.objects.count() == 3
    call_command("demo", "--reset", "--password", "Other-Demo-2026")
    assert Assessment.objects.count() == 3
    assert "Other-Demo-2026" in capsys.readouterr().out
