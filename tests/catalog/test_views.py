"""Browse pages of the catalog: guide tree, subsection, Protocol article, other kinds, permanent ids."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, member, catalog):
    client.force_login(member)
    return client


def text_of(response) -> str:
    """The page's text with tags removed and whitespace collapsed, to assert on what a reader sees."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_anonymous_is_sent_to_sign_in(client, catalog):
    for url in (
        reverse("catalog:index"),
        reverse("catalog:guide"),
        reverse("catalog:item", args=["guide:V.C"]),
        reverse("catalog:article", args=[6]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_index_links_every_document_and_search(signed_in, catalog):
    response = signed_in.get(reverse("catalog:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for url in (
        reverse("catalog:guide"),
        reverse("catalog:protocol"),
        reverse("catalog:framework"),
        reverse("catalog:toolkit"),
        reverse("catalog:working_group"),
        reverse("catalog:item", args=["protocol:art6"]),
        reverse("catalog:item", args=["toolkit:tool7"]),
        reverse("catalog:item", args=["ffa:part-one"]),
    ):
        assert f'href="{url}' in html, url
    assert f'action="{reverse("search")}"' in html and 'name="q"' in html
    assert catalog.catalog.version in html
    assert "8 subsections" in text_of(response)  # I. Legal framework


def test_guide_tree_lists_sections_subsections_and_counts(signed_in, catalog):
    response = signed_in.get(reverse("catalog:guide"))
    assert response.status_code == 200
    html = response.content.decode()
    sections = catalog.children("guide", kind="guide_section")
    assert len(sections) == 13
    for section in sections:
        assert reverse("catalog:item", args=[section.key]) in html
    assert 'href="/catalog/item/guide:V.C/"' in html
    assert "V.C Case management and data storage" in html
    assert "6 primary, 9 secondary questions" in text_of(response)  # V.C
    assert reverse("catalog:item", args=["guide:method:desk-review"]) in html


def test_subsection_page_shows_requirements_questions_and_guidelines(signed_in):
    response = signed_in.get(reverse("catalog:item", args=["guide:I.E"]))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert "<h1>I.E Extensions to criminal liability</h1>" in html
    assert "assessment-guide.txt, lines" in text
    # The requirement, its obligation badge and the Protocol provision it cites.
    assert "Article 6, paragraph 2, of the Smuggling of Migrants Protocol" in text
    assert 'class="badge badge-mandatory"' in html
    assert reverse("catalog:item", args=["protocol:art6.2"]) in html
    # A guideline with its link to the Toolkit.
    assert "Additional guidelines and tools" in text
    assert 'class="guideline"' in html
    # The related panel leads back to the hub.
    assert "Related" in text and reverse("catalog:item", args=["protocol:art6"]) in html


def test_secondary_questions_nest_under_their_primary(signed_in):
    response = signed_in.get(reverse("catalog:item", args=["guide:V.C"]))
    html = response.content.decode()
    primary = html.index("What happens when a smuggling of migrants offence is reported")
    nested = html.index('<ul class="questions-secondary">', primary)
    secondary = html.index("Who records it?", primary)
    next_primary = html.index('<li class="question question-primary">', primary)
    assert primary < nested < secondary < next_primary
    assert "<code>q02</code>" in html  # question ids shown
    assert "Case management" in html  # field of inquiry
    assert "UNTOC Article 18" in text_of(response)  # requirement citing the Convention
    assert "Criminal Justice Assessment Toolkit, sector on policing, Tool 3" in html  # guideline


def test_question_options_are_listed(signed_in):
    html = signed_in.get(reverse("catalog:item", args=["guide:IV.B"])).content.decode()
    assert '<ul class="question-options"' in html
    assert "Undercover infiltration of networks" in html


def test_article_page_shows_text_badges_and_everything_related(signed_in):
    response = signed_in.get(reverse("catalog:item", args=["protocol:art6"]))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert "Article 6: Criminalization" in text
    assert "Mandatory" in text and 'class="badge badge-mandatory"' in html
    assert "Producing a fraudulent travel or identity document" in text  # nested subparagraph 6(1)(b)(i)
    # Guide subsections requiring it, with their questions in a collapsible block.
    assert reverse("catalog:item", args=["guide:I.E"]) in html
    assert "<details" in html and "Does national law criminalize the attempt to smuggle migrants?" in text
    # Framework cells (their text missing in the source) and Part one paragraphs.
    assert reverse("catalog:item", args=["ffa:prosecution:1.A"]) in html
    assert "not in SOMA's source copy" in text
    assert reverse("catalog:item", args=["ffa:para:10"]) in html
    # Toolkit sections (curated links marked) and Working Group items.
    assert reverse("catalog:item", args=["toolkit:7.11"]) in html
    assert "curated link" in text
    assert reverse("catalog:item", args=["wg:2012:gp02"]) in html


def test_optional_obligation_badge(signed_in):
    response = signed_in.get(reverse("catalog:item", args=["protocol:art17"]))
    assert 'class="badge badge-optional">Optional' in response.content.decode()


def test_article_shortcut_redirects_to_its_permanent_url(signed_in):
    response = signed_in.get(reverse("catalog:article", args=[6]))
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:item", args=["protocol:art6"])
    assert signed_in.get(reverse("catalog:article", args=[99])).status_code == 404


def test_framework_cell_says_its_text_is_missing(signed_in):
    response = signed_in.get(reverse("catalog:item", args=["ffa:prosecution:1.A"]))
    assert response.status_code == 200
    text = text_of(response)
    assert "Text not available." in text
    assert "not in the source copy of the Framework for Action" in text
    assert reverse("catalog:item", args=["protocol:art6"]) in response.content.decode()  # the way back


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("guide:V.C:q02", "Who records it?"),
        ("protocol:art6.3.a", "That endanger, or are likely to endanger"),
        ("ffa:para:12", "Framework paragraph 12"),
        ("toolkit:7.11", "Indicators of migrant smuggling and human trafficking"),
        ("wg:2015:gp03", "Good practice"),
        ("ffa:index:aggravating-circumstances", "Aggravating circumstances"),
        ("ffa:resource:1", "Codes of conduct for public officials"),
        ("untoc:art18", "Article 18"),
        ("guide:method:desk-review", "Preparatory desk review"),
        ("guide:section:V", "V.C Case management and data storage"),
        ("protocol:chII", "Article 8: Measures against the smuggling of migrants by sea"),
        ("ffa:prosecution", "Framework prosecution 1"),
        ("toolkit:tool7", "7.11 Indicators of migrant smuggling"),
        ("wg:2015", "Practical measures to prevent the smuggling of migrants"),
        ("guide:XII", "Prevention and awareness"),
    ],
)
def test_every_kind_has_a_page(signed_in, key, expected):
    response = signed_in.get(reverse("catalog:item", args=[key]))
    assert response.status_code == 200
    assert expected in text_of(response)
    assert f"<code>{key}</code>" in response.content.decode()  # the stable id is shown


def test_question_page_leads_back_to_articles(signed_in):
    response = signed_in.get(reverse("catalog:item", args=["guide:I.E:q01"]))
    html = response.content.decode()
    assert reverse("catalog:item", args=["guide:I.E"]) in html
    assert reverse("catalog:item", args=["protocol:art6"]) in html


def test_document_list_urls(signed_in):
    for name, expected in (
        ("catalog:protocol", "Chapter II: Smuggling of migrants by sea"),
        ("catalog:framework", "Prosecution"),
        ("catalog:toolkit", "Tool 7: Law enforcement and prosecution"),
        ("catalog:working_group", "Challenges and good practices in the protection"),
    ):
        response = signed_in.get(reverse(name))
        assert response.status_code == 200
        assert expected in text_of(response), name


def test_unknown_id_is_404(signed_in):
    assert signed_in.get(reverse("catalog:item", args=["guide:Z.Z"])).status_code == 404


def test_no_catalog_loaded_page(client, member):
    from soma.catalog.models import CatalogVersion

    CatalogVersion.objects.all().delete()  # rolled back after the test
    client.force_login(member)
    response = client.get(reverse("catalog:index"))
    assert response.status_code == 503
    assert "soma catalog load" in response.content.decode()
    assert client.get(reverse("catalog:item", args=["guide:V.C"])).status_code == 503


def test_page_is_printable_and_accessible(signed_in):
    html = signed_in.get(reverse("catalog:item", args=["protocol:art6"])).content.decode()
    assert 'aria-label="Breadcrumb"' in html
    assert "onclick" not in html and "<script>" not in html  # no inline script (CSP)
    assert html.count("<h1") == 1


def test_subsection_page_query_count_is_bounded(signed_in, django_assert_max_num_queries):
    signed_in.get(reverse("catalog:item", args=["guide:V.C"]))  # the tree is built once per process
    with django_assert_max_num_queries(6):
        response = signed_in.get(reverse("catalog:item", args=["guide:V.C"]))
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        assert signed_in.get(reverse("catalog:item", args=["protocol:art6"])).status_code == 200
