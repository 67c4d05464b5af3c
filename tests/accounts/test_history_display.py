"""The history page as users read it: the models' and fields' own names, choice labels, names of related records
only where the viewer may see them, a readable date; filtered, paged, the filter remembered."""

import re

import pytest
from django.urls import reverse

from soma.assessments import services
from soma.assessments import views as assessment_views
from soma.findings import services as findings
from soma.reports import services as reports


def history_of(client, user, assessment, **params):
    client.force_login(user)
    response = client.get(reverse("assessments:history", args=[assessment.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def entries(page):
    """The list of changes alone (the filter's options name kinds and values too)."""
    start = page.find('<ol class="history-list">')
    return "" if start < 0 else page[start:page.index("</ol>", start)]


def test_a_report_chapter_change_reads_as_people_know_it(client, assessment, team):
    lead = team["lead"]
    chapter = reports.save_chapter(lead, assessment, "desk_review", text="Laws of Demoland collected.",
                                   classification="public", expected_version=None)
    reports.save_chapter(lead, assessment, "desk_review", text="Laws and statistics of Demoland collected.",
                         classification="public", expected_version=chapter.version)
    shown = entries(history_of(client, lead, assessment))
    assert "Report text “Findings of the desk review” changed" in shown
    assert ("Report text: Text changed from Laws of Demoland collected. to Laws and statistics of Demoland "
            "collected.") in shown
    assert "Report text: Chapter set to Findings of the desk review" in shown  # the choice's label
    for raw in ("reporttext", "desk_review", "id —", ">id<", "updated_by"):
        assert raw not in shown, raw


def test_related_records_are_named_and_choices_labelled(client, assessment, team):
    lead = team["lead"]
    services.update_plan(lead, assessment, expected_version=assessment.version, government_approval="requested",
                         start_date="2026-12-04")
    mission = services.save_mission(lead, assessment, title="First mission to Port Azur")
    services.save_activity(lead, assessment, kind="site_visit", title="Port Azur harbour", mission=mission,
                           classification="public")
    shown = entries(history_of(client, lead, assessment))
    assert "Assessment: Government approval changed from Not requested to Requested" in shown
    assert "Activity: Kind set to Site visit" in shown
    assert "Activity: Mission set to First mission to Port Azur" in shown  # not its id
    assert f"Mission set to {mission.pk}<" not in shown
    # The date in the language's one format, in the entry and in the change.
    assert "Start set to 4 December 2026" in shown
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT[^\"]+\">\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d</time>", shown)
    assert "lead.demo" in shown


def test_a_record_above_the_viewers_clearance_is_not_named(client, assessment, team):
    lead = team["lead"]
    secret = findings.save_finding(lead, assessment, kind="gap", title="Bribes taken at the Karst Gate crossing",
                                   classification="confidential")
    open_finding = findings.save_finding(lead, assessment, kind="gap", title="Too few patrol boats",
                                         classification="public")
    findings.save_conclusion(lead, assessment, text="Border control needs resources.", classification="public",
                             findings=[secret, open_finding])
    observer = entries(history_of(client, team["observer"], assessment))
    assert "Conclusion: Findings set to" in observer
    assert "Too few patrol boats" in observer and "a record above your clearance" in observer
    assert "Karst Gate" not in observer
    lead_view = entries(history_of(client, lead, assessment))
    assert "Bribes taken at the Karst Gate crossing, Too few patrol boats" in lead_view


def test_names_of_people_stay_masked_below_restricted(client, assessment, team):
    services.save_activity(team["lead"], assessment, kind="interview", title="Harbour master", classification="public",
                           participants="Captain Ilse Example")
    # The entry holds a name, so the whole entry is restricted: the observer does not see it at all.
    assert "Harbour master" not in entries(history_of(client, team["observer"], assessment))
    assessor = entries(history_of(client, team["assessor"], assessment))
    assert "Activity: Individuals met set to Captain Ilse Example" in assessor  # the field's verbose name


def test_filter_by_kind_is_remembered_until_cleared(client, assessment, team):
    lead = team["lead"]
    services.save_mission(lead, assessment, title="Second mission to Velmora")
    reports.save_chapter(lead, assessment, "key_issues", text="Coordination.", classification="public",
                         expected_version=None)
    shown = entries(history_of(client, lead, assessment, kind="mission"))
    assert "Second mission to Velmora" in shown and "Key issues" not in shown
    again = history_of(client, lead, assessment)  # no filter asked: the remembered one
    assert "Second mission to Velmora" in entries(again) and "Key issues" not in entries(again)
    assert '<option value="mission" selected>' in again
    cleared = client.get(reverse("assessments:history", args=[assessment.pk]), {"clear": "1"})
    assert cleared.status_code == 302
    shown = entries(history_of(client, lead, assessment))
    assert "Second mission to Velmora" in shown and "Key issues" in shown


def test_filter_by_person_and_change(client, assessment, team):
    services.save_activity(team["lead"], assessment, kind="interview", title="Lead's interview",
                           classification="public")
    activity = services.save_activity(team["assessor"], assessment, kind="interview", title="Assessor's interview",
                                      classification="public")
    services.save_activity(team["assessor"], assessment, activity, title="Assessor's interview, Port Azur")
    shown = entries(history_of(client, team["lead"], assessment, who=str(team["assessor"].pk), action="created"))
    assert "Assessor&#x27;s interview" in shown and "Lead&#x27;s interview" not in shown
    assert "Port Azur" not in shown  # a change, not a creation
    assert "Membership" not in shown  # the lead added the team


def test_a_filter_that_does_not_parse_says_why_and_changes_nothing(client, assessment, team):
    lead = team["lead"]
    services.save_mission(lead, assessment, title="Third mission to Port Azur")
    history_of(client, lead, assessment, kind="mission")
    page = history_of(client, lead, assessment, kind="", since="2026-12-05", until="2026-12-01")
    assert "The first day comes after the last" in page
    assert "Third mission to Port Azur" in entries(page) and "Membership" not in entries(page)  # still missions only
    page = history_of(client, lead, assessment, since="not a day")
    assert "Enter a valid date." in page
    assert client.session[f"history-filter-{assessment.pk}"] == {"kind": "mission"}


def test_no_change_matches(client, assessment, team):
    page = history_of(client, team["lead"], assessment, kind="", since="2001-01-01", until="2001-01-02")
    assert "No change matches this filter." in page and "history-list" not in page


def test_the_history_is_paged(client, assessment, team, monkeypatch):
    monkeypatch.setattr(assessment_views, "HISTORY_PAGE_SIZE", 3)
    for number in range(1, 5):
        services.save_mission(team["lead"], assessment, title=f"Mission number {number}")
    first = history_of(client, team["lead"], assessment, kind="mission")
    assert "Mission number 4" in first and "Mission number 1" not in first and "Page 1 of 2" in first
    second = history_of(client, team["lead"], assessment, page="2")  # the filter is remembered across pages
    assert "Mission number 1" in entries(second) and "Mission number 4" not in entries(second)


def test_the_history_in_french_writes_dates_the_french_way(client, assessment, team):
    services.update_plan(team["lead"], assessment, expected_version=assessment.version, start_date="2026-12-04")
    client.cookies["django_language"] = "fr"
    page = history_of(client, team["lead"], assessment)
    shown = entries(page)
    assert "4 décembre 2026" in shown and "modifié</p>" in shown and "« Demoland" in shown
    assert "Filtrer l’historique" in page


@pytest.mark.slow
def test_the_page_reads_the_same_number_of_queries_for_3_or_30_entries(client, assessment, team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lead = team["lead"]
    mission = services.save_mission(lead, assessment, title="Mission to Port Azur")

    def queries_for(count):
        for number in range(count):
            services.save_activity(lead, assessment, kind="interview", title=f"Interview {number}", mission=mission,
                                   classification="public")
        client.force_login(lead)
        client.get(reverse("assessments:history", args=[assessment.pk]), {"kind": "activity"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("assessments:history", args=[assessment.pk])).status_code == 200
        return len(queries)

    assert queries_for(3) == queries_for(27)


def test_keys_that_are_not_fields_read_as_words(client, assessment, team):
    from soma.followup import services as followup

    lead = team["lead"]
    services.set_scope(lead, assessment, ["I", "V.C", "VII.A"])
    shown = entries(history_of(client, lead, assessment))
    scope = r"Assessment: Scope changed from guide:I\.A, [^<]*guide:V\.C to [^<]*guide:V\.C, guide:VII\.A<"
    assert re.search(scope, shown)
    assert "a deleted record" not in shown
    later = followup.start_follow_up(lead, assessment, title="Demoland follow-up 2028")
    shown = entries(history_of(client, lead, later))
    assert "Follows up on set to Demoland criminal justice response" in shown  # its title, not its id
    assert "Carried over from the previous assessment set to Yes" in shown
