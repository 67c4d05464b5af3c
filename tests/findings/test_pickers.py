"""The choosers without JavaScript: each is a plain <select multiple> that a form post fills as before (the
Django test client posts exactly what a browser without JavaScript sends); a bad choice changes nothing."""

import re

from django.urls import reverse

from soma.findings.models import Finding
from tests.assessments.test_views import plan_data


def picker(html: str, name: str) -> str:
    """The <select> named `name` in the page, whole."""
    found = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert found, f"no select named {name}"
    return found.group(0)


def test_the_choosers_are_plain_labelled_multiple_selects(client, assessment, team):
    client.force_login(team["lead"])
    finding_page = client.get(reverse("findings:finding_create", args=[assessment.pk])).content.decode()
    provisions = picker(finding_page, "provisions")
    assert " multiple" in provisions and "data-picker" in provisions
    assert 'data-picker-placeholder="Type to search"' in provisions
    assert 'data-picker-empty="Nothing matches"' in provisions
    assert '<label for="id_provisions">Protocol provisions</label>' in finding_page
    assert len(re.findall(r"<option ", provisions)) > 100  # every article and provision of the Protocol
    assert re.search(r'<option value="protocol:art6\.1">Article 6\(1\): [^<]+</option>', provisions)  # searchable words
    assert "vendor/tom-select/tom-select.complete.min.js" in finding_page and "soma/pickers.js" in finding_page
    assert "hold Ctrl (or ⌘) to choose several" in finding_page  # for the plain list (the script hides it)

    plan_page = client.get(reverse("assessments:edit", args=[assessment.pk])).content.decode()
    jurisdictions = picker(plan_page, "jurisdictions")
    assert "data-picker" in jurisdictions
    assert '<option value="XD" selected>Republic of Demoland</option>' in jurisdictions


def test_two_provisions_posted_from_the_plain_list_are_saved(client, assessment, team):
    client.force_login(team["lead"])
    response = client.post(reverse("findings:finding_create", args=[assessment.pk]), {
        "kind": "gap", "title": "Smuggling by sea not covered", "subsection": "guide:I.A",
        "provisions": ["protocol:art6.1.a", "protocol:art8"], "classification": "restricted",
    })
    assert response.status_code == 302
    assert sorted(Finding.objects.get().provisions) == ["protocol:art6.1.a", "protocol:art8"]


def test_a_provision_that_is_not_offered_is_refused_and_nothing_is_saved(client, assessment, team):
    client.force_login(team["lead"])
    response = client.post(reverse("findings:finding_create", args=[assessment.pk]), {
        "kind": "gap", "title": "Kept in the form", "subsection": "guide:I.A",
        "provisions": ["protocol:art6.1.a", "toolkit:7.11"], "classification": "restricted",
    })
    assert response.status_code == 400 and not Finding.objects.exists()
    html = response.content.decode()
    assert "toolkit:7.11 is not one of the available choices" in html
    assert 'value="Kept in the form"' in html  # what the user typed is not lost
    assert '<option value="protocol:art6.1.a" selected>' in picker(html, "provisions")


def test_two_jurisdictions_posted_from_the_plain_list_are_saved(client, assessment, team):
    client.force_login(team["lead"])
    response = client.post(reverse("assessments:edit", args=[assessment.pk]),
                           plan_data(jurisdictions=["XE", "XD"], expected_version=assessment.version))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert sorted(country.code for country in assessment.jurisdictions) == ["XD", "XE"]


def test_the_picker_writes_the_same_html_as_django_s_own_select():
    from django import forms
    from django.test.html import parse_html

    from soma.assessments.forms import Picker

    choices = [
        ("Article 6: Criminalization", [("protocol:art6", "Article 6 <all>"), ("protocol:art6.1", "6(1) “a” & b")]),
        ("XD", "Republic of Demoland"), (7, "seven"),
    ]
    ours, django_own = Picker(size=10), forms.SelectMultiple(attrs=Picker(size=10).attrs)
    ours.choices = django_own.choices = choices
    for value in ([], ["protocol:art6.1", "7"], ["XD"]):
        attrs = {"id": "id_links", "aria-describedby": "id_links_helptext"}
        assert parse_html(ours.render("links", value, attrs)) == parse_html(django_own.render("links", value, attrs))
    assert "&lt;all&gt;" in ours.render("links", [], {}) and " selected" not in ours.render("links", [], {})
