"""The answer cards' select options, kept per process (soma.responses.forms.PageChoices): in the page's language,
with the member's classifications only, and never keeping what a post made up."""

from django.utils import translation

from soma.kernel.clearance import seen_by
from soma.responses import forms
from soma.responses.forms import PageChoices
from tests.fixtures import add_team, make_assessment


def test_options_follow_the_language_of_the_page(catalog, team):
    assessment = make_assessment(team["lead"], scope=["V.C"])
    with translation.override("fr"):
        french = PageChoices(team["lead"], assessment).options("de_jure", "partly")
    with translation.override("en"):
        english = PageChoices(team["lead"], assessment).options("de_jure", "partly")
    assert '<option value="partly" selected>Partiellement en place</option>' in french
    assert '<option value="partly" selected>Partly in place</option>' in english


def test_classification_options_are_those_of_each_members_clearance(catalog, team):
    assessment = add_team(make_assessment(team["lead"], scope=["V.C"], classification="confidential"), team,
                          {"assessor": "public", "reviewer": "confidential"})
    with translation.override("en"):
        public = PageChoices(team["assessor"], assessment).options("classification", "public")
        everything = PageChoices(team["reviewer"], assessment).options("classification", "public")
    assert seen_by(team["assessor"], assessment).levels == ("public",)
    assert "confidential" not in public and "restricted" not in public
    assert 'value="confidential"' in everything and 'value="restricted"' in everything


def test_a_posted_value_outside_the_choices_is_shown_but_not_kept(catalog, team):
    assessment = make_assessment(team["lead"], scope=["V.C"])
    before = len(forms._OPTIONS_HTML)
    html = PageChoices(team["lead"], assessment).options("de_jure", "made-up-by-a-post")
    assert "selected" not in html and 'value="partly"' in html
    assert len(forms._OPTIONS_HTML) == before
