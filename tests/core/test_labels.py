"""No label says its kind twice ("Interview: Interview: ..."), in Django templates, Jinja2 templates and the demo."""

from django.template import Context, Template, engines
from django.utils import translation

from soma.core.templatetags.labels import kind_and_title
from soma.demo import services as demo


def test_the_kind_is_said_once():
    assert kind_and_title("Interview", "Coast Guard command") == "Interview: Coast Guard command"
    assert kind_and_title("Interview", "Interview: Coast Guard command") == "Interview: Coast Guard command"
    assert kind_and_title("Site visit", "site visit to Port Azur") == "site visit to Port Azur"
    assert kind_and_title("", "Coast Guard command") == "Coast Guard command"
    assert kind_and_title("Interview", "") == "Interview"


def test_the_filter_in_both_template_engines():
    django = Template('{% load labels %}{{ kind|with_title:title }}')
    jinja = engines["jinja2"].from_string("{{ kind|with_title(title) }}")
    for title in ("Interview: duty officer", "duty officer"):
        context = {"kind": "Interview", "title": title}
        assert django.render(Context(context)) == jinja.render(context) == "Interview: duty officer"


def test_a_translated_kind_is_said_once_too():
    with translation.override("fr"):
        assert kind_and_title("Entretien", "Entretien : garde-côtes") == "Entretien : garde-côtes"


def test_demo_activities_do_not_write_their_kind_before_their_title():
    """Pages put the kind before the title ("Interview: Coast Guard command"); the demo's titles do not."""
    from soma.assessments.models import Activity

    labels = dict(Activity._meta.get_field("kind").flatchoices)
    for _key, kind, title, *_rest in demo.ACTIVITIES:
        assert not title.casefold().startswith(f"{labels[kind]}:".casefold()), title


def test_pages_and_reports_say_an_activitys_kind_once(client, assessment, team):
    from django.urls import reverse

    from soma.assessments import services
    from soma.evidence import services as evidence
    from soma.reports import composer
    from soma.reports.render_html import render_html
    from soma.responses import services as responses

    lead = team["lead"]
    typed = services.save_activity(lead, assessment, kind="interview", title="Interview: duty officer, Port Azur",
                                   classification="public")
    plain = services.save_activity(lead, assessment, kind="interview", title="Harbour master",
                                   classification="public")
    answer = responses.save_response(lead, assessment, "guide:V.C:q01", expected_version=0,
                                     narrative="Both interviews confirm it.", classification="public")
    for activity in (typed, plain):
        evidence.cite(lead, assessment, response=answer, activity=activity)
    client.force_login(lead)
    page = client.get(reverse("responses:subsection", args=[assessment.pk, "guide:V.C"])).content.decode()
    assert "Interview: duty officer, Port Azur" in page and "Interview: Harbour master" in page
    html = render_html(composer.compose(lead, assessment, "public"), figures={})
    assert "Interview: duty officer, Port Azur" in html and "Interview: Harbour master" in html
    for text in (page, html):
        assert "Interview: Interview:" not in text
