"""Suggested Toolkit and Framework links are offers: a new recommendation has none chosen, nothing is linked
unless the user chooses it, and a chosen suggestion is saved (once)."""

import re

from django.urls import reverse

from soma.findings import services
from soma.findings.forms import suggestion_choices
from soma.findings.models import Recommendation


def url(name, assessment, *args):
    return reverse(f"findings:{name}", args=[assessment.pk, *args])


def recommendation_data(**overrides):
    data = {"text": "Train prosecutors on the Protocol.", "area": "guide:I.A", "priority": "short", "rank": 1,
            "sequence": 1, "status": "proposed", "classification": "public"}
    return {**data, **overrides}


def offers(html: str, name: str) -> list[tuple[str, bool]]:
    """(key, ticked) of the suggestion checkboxes for the `name` field."""
    pattern = rf'<input type="checkbox" name="{name}" value="([^"]+)" id="[^"]+" data-offer-for="id_{name}"( checked)?>'
    return [(key, bool(ticked)) for key, ticked in re.findall(pattern, html)]


def selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]+)" selected>', select)


def test_a_new_recommendation_has_no_link_chosen_only_offers(client, assessment, team):
    client.force_login(team["lead"])
    html = client.get(url("recommendation_create", assessment) + "?area=guide:I.A").content.decode()
    toolkit, framework = offers(html, "toolkit"), offers(html, "framework")
    assert toolkit and framework  # suggestions are there to take...
    assert not any(ticked for _key, ticked in toolkit + framework)  # ...and none is taken for the user
    assert selected(html, "toolkit") == [] and selected(html, "framework") == []
    assert "Nothing is linked until you choose it" in html

    # The part the area's select swaps in (htmx) offers the same way, whether or not it says "new".
    for params in ({"area": "guide:section:I", "new": "1"}, {"area": "guide:section:I"}):
        part = client.get(url("recommendation_suggestions", assessment), params, HTTP_HX_REQUEST="true")
        assert part.status_code == 200
        assert offers(part.content.decode(), "toolkit")
        assert " checked" not in part.content.decode()


def test_saved_without_a_choice_links_nothing(client, assessment, team):
    client.force_login(team["lead"])
    response = client.post(url("recommendation_create", assessment), recommendation_data())
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert recommendation.toolkit == [] and recommendation.framework == []


def test_a_chosen_suggestion_is_saved_once_and_is_no_longer_offered(client, assessment, team):
    client.force_login(team["lead"])
    html = client.get(url("recommendation_create", assessment) + "?area=guide:I.A").content.decode()
    toolkit_key = offers(html, "toolkit")[0][0]
    framework_key = offers(html, "framework")[0][0]
    # The ticked suggestion arrives twice when it was chosen in the chooser as well: it is kept once.
    response = client.post(url("recommendation_create", assessment), recommendation_data(
        toolkit=[toolkit_key, "toolkit:7.11", toolkit_key], framework=[framework_key]))
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert recommendation.toolkit == [toolkit_key, "toolkit:7.11"] and recommendation.framework == [framework_key]

    edit = client.get(url("recommendation_edit", assessment, recommendation.pk)).content.decode()
    assert set(selected(edit, "toolkit")) == {toolkit_key, "toolkit:7.11"}
    assert toolkit_key not in [key for key, _ticked in offers(edit, "toolkit")]  # chosen: in the chooser only


def test_a_link_that_is_not_a_toolkit_section_is_refused_and_nothing_is_saved(client, assessment, team):
    client.force_login(team["lead"])
    response = client.post(url("recommendation_create", assessment),
                           recommendation_data(toolkit=["protocol:art6"], text="Kept after the refusal."))
    assert response.status_code == 400 and not Recommendation.objects.exists()
    html = response.content.decode()
    assert "protocol:art6 is not one of the available choices" in html and "Kept after the refusal." in html


def test_suggestion_choices_leave_out_what_is_chosen(assessment):
    everything = suggestion_choices(assessment, "guide:I.A", None)
    first = everything["toolkit"][0][0]
    rest = suggestion_choices(assessment, "guide:I.A", {"toolkit": [first], "framework": []})
    assert [key for key, _label in rest["toolkit"]] == [key for key, _label in everything["toolkit"]][1:]
    assert suggestion_choices(assessment, "", None) == {"toolkit": [], "framework": []}


def test_the_service_suggests_only_when_both_lists_are_left_out(assessment, team):
    left_out = services.save_recommendation(team["lead"], assessment, text="Left out (API default).",
                                            area="guide:I.A", priority="short")
    assert left_out.toolkit  # the API's documented default: suggested when left out
    given_empty = services.save_recommendation(team["lead"], assessment, text="Chosen: none.", area="guide:I.A",
                                               priority="short", toolkit=[], framework=[])
    assert given_empty.toolkit == [] and given_empty.framework == []
