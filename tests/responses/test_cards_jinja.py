"""The answer cards are Jinja2 templates whose words are translated when they are compiled, one compiled copy per
language (soma/responses/jinja.py): a page in one language never shows another's words, whatever was asked first."""

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from soma.responses import services as response_services
from soma.responses.jinja import language_of

Q1 = "guide:V.C:q01"


@pytest.fixture
def answered(assessment, team):
    response_services.save_response(team["lead"], assessment, Q1, expected_version=0,
                                    narrative="Police <b>record</b> it.")
    return assessment


def page(client, assessment, language):
    url = reverse("responses:subsection", args=[assessment.pk, "guide:V.C"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_each_language_gets_its_own_words_on_the_cards(client, answered, team):
    client.force_login(team["assessor"])
    english, french, arabic, again = (page(client, answered, lang) for lang in ("en", "fr", "ar", "en"))
    assert ">Cite evidence</summary>" in english and ">Citer des éléments de preuve</summary>" in french
    assert ">Citer des éléments de preuve</summary>" not in again and ">Cite evidence</summary>" in again
    assert ">Cite evidence</summary>" not in arabic and ">Citer" not in arabic
    assert "Police &lt;b&gt;record&lt;/b&gt; it." in english  # the answer's text escaped, not markup


def test_a_fragment_after_a_save_is_in_the_language_of_the_request(client, answered, team):
    client.force_login(team["assessor"])
    data = {"expected_version": 1, "narrative": "Police record it (form B-12).", "de_jure": "unknown",
            "de_facto": "unknown", "classification": "restricted"}
    url = reverse("responses:save", args=[answered.pk, Q1])
    french = client.post(url, data, headers={"HX-Request": "true"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Enregistrer</button>" in french and "Enregistrée à" in french
    english = client.post(url, {**data, "expected_version": 2, "narrative": "Police record it."},
                          headers={"HX-Request": "true"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Save</button>" in english and "Saved " in english


def test_templates_are_compiled_once_per_language():
    with translation.override("fr"):
        french = get_template("responses/_cards.html", using="jinja2").template
    with translation.override("en"):
        english = get_template("responses/_cards.html", using="jinja2").template
        assert get_template("responses/_cards.html", using="jinja2").template is english  # kept, not recompiled
    assert (language_of(french.name), language_of(english.name)) == ("fr", "en")


def test_a_refused_citation_keeps_what_was_typed_with_its_message(client, answered, team):
    client.force_login(team["assessor"])
    url = reverse("responses:cite", args=[answered.pk, Q1])
    typed = {"source": "Demoland <Gazette> 1999", "pinpoint": "p. 7", "stance": "contradicts"}
    html = client.post(url, typed, headers={"HX-Request": "true"}).content.decode()
    assert 'value="Demoland &lt;Gazette&gt; 1999"' in html and 'value="p. 7"' in html
    assert '<details class="cite-form" open>' in html and 'id="q-guide-V-C-q01-cite-source" aria-invalid="true"' in html
    assert "is not in the list of sources you may cite" in html
    assert '<option value="contradicts" selected>' in html
    fresh = client.get(reverse("responses:subsection", args=[answered.pk, "guide:V.C"])).content.decode()
    assert '<details class="cite-form">' in fresh and 'aria-invalid' not in fresh
