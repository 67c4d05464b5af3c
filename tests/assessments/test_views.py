"""The assessment's own pages: plan, scope, stages, team, stakeholders, activities, national questions, history."""

import pytest
from django.urls import reverse

from soma.assessments import selectors, services
from soma.assessments.models import Assessment, Institution, Membership

# lead, team and assessment: the usual ones of tests/conftest.py.


def client_for(client, user):
    client.force_login(user)
    return client


def url(name, assessment, *args):
    return reverse(f"assessments:{name}", args=[assessment.pk, *args])


def plan_data(**overrides):
    data = {
        "title": "Demoland 2026",
        "jurisdictions": ["XD"],
        "purpose": "Identify technical assistance needs.",
        "terms_of_reference": "Agreed with the advisory group.",
        "comprehensive": "on",
        "start_date": "2026-03-01",
        "end_date": "2026-09-30",
        "classification": "restricted",
        "dissemination": "Ministry of Justice of Demoland.",
        "government_approval": "requested",
        "advisory_group": "Heads of the Demoland police and prosecution.",
        "missions-TOTAL_FORMS": "1",
        "missions-INITIAL_FORMS": "0",
        "missions-MIN_NUM_FORMS": "0",
        "missions-MAX_NUM_FORMS": "1000",
        "missions-0-title": "First mission to Port Demo",
        "missions-0-start_date": "2026-05-04",
        "missions-0-end_date": "2026-05-08",
        "missions-0-places": "Port Demo",
    }
    data.update(overrides)
    return data


# --- Create -------------------------------------------------------------------------------------------------------


def test_create_form_shows_scope_tree(client, catalog, team):
    response = client_for(client, team["lead"]).get(reverse("assessments:create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-scope-section="I"' in html and 'data-scope-parent="V"' in html and 'value="V.C"' in html
    assert "Republic of Demoland" in html


def test_create_scope_tree_becomes_scope_entries(client, catalog, team):
    response = client_for(client, team["lead"]).post(
        reverse("assessments:create"), plan_data(scope=["I", "V", "VII.A"]), follow=True
    )
    assert response.status_code == 200
    created = Assessment.objects.get(title="Demoland 2026")
    keys = selectors.scope_keys(created)
    assert "guide:I.A" in keys and "guide:V.C" in keys and "guide:VII.A" in keys and "guide:VII.B" not in keys
    assert created.missions.get().title == "First mission to Port Demo"
    assert created.memberships.get(user=team["lead"]).role == "lead"
    assert response.redirect_chain[-1][0] == reverse("assessments:detail", args=[created.pk])
    assert "legal framework" not in response.content.decode()


def test_create_warns_when_complete_without_legal_framework(client, catalog, team):
    response = client_for(client, team["lead"]).post(
        reverse("assessments:create"), plan_data(scope=["V"]), follow=True
    )
    assert response.status_code == 200
    assert "should cover the legal framework" in response.content.decode()


def test_create_without_scope_is_explained(client, catalog, team):
    response = client_for(client, team["lead"]).post(reverse("assessments:create"), plan_data())
    assert response.status_code == 400
    assert "Choose at least one guide section" in response.content.decode()
    assert not Assessment.objects.exists()


def test_home_lists_assessments_with_role(client, assessment, team):
    response = client_for(client, team["observer"]).get(reverse("home"))
    html = response.content.decode()
    assert "Demoland criminal justice response" in html and "Observer" in html and "Republic of Demoland" in html
    assert reverse("assessments:create") in html


# --- Plan, stages -------------------------------------------------------------------------------------------------


def test_detail_shows_scope_and_stage_guidance(client, assessment, team):
    response = client_for(client, team["lead"]).get(url("detail", assessment))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preparing an assessment" in html  # the guide's methodology for planning
    assert reverse("catalog:item", args=["guide:V.C"]) in html
    assert "Move to Desk review" in html


def test_lead_moves_status_assessor_cannot(client, assessment, team):
    c = client_for(client, team["assessor"])
    response = c.post(url("status", assessment), {"to_status": "desk_review"})
    assert response.status_code == 403
    assert "Only the assessment&#x27;s lead" in response.content.decode()
    c = client_for(client, team["lead"])
    response = c.post(url("status", assessment), {"to_status": "desk_review"}, follow=True)
    assessment.refresh_from_db()
    assert assessment.status == "desk_review"
    assert "Preparatory desk review" in response.content.decode()
    response = c.post(url("status", assessment), {"to_status": "analysis"})
    assert response.status_code == 400 and "one stage at a time" in response.content.decode()


def test_final_needs_a_reviewers_approval(client, assessment, team):
    for status in ["desk_review", "fieldwork", "analysis", "reporting", "review"]:
        services.change_status(team["lead"], assessment, status)
    lead = client_for(client, team["lead"])
    response = lead.post(url("status", assessment), {"to_status": "final"})
    assert response.status_code == 400 and "reviewer must approve" in response.content.decode()

    reviewer = client_for(client, team["reviewer"])
    page = reviewer.get(url("detail", assessment)).content.decode()
    assert "Approve for final" in page
    assert reviewer.post(url("approve", assessment), {"note": "Ready."}).status_code == 302

    lead = client_for(client, team["lead"])
    assert lead.post(url("status", assessment), {"to_status": "final"}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "final"


def test_assessor_cannot_approve(client, assessment, team):
    for status in ["desk_review", "fieldwork", "analysis", "reporting", "review"]:
        services.change_status(team["lead"], assessment, status)
    response = client_for(client, team["assessor"]).post(url("approve", assessment))
    assert response.status_code == 403


def test_edit_plan(client, assessment, team):
    c = client_for(client, team["lead"])
    page = c.get(url("edit", assessment)).content.decode()
    assert f'name="expected_version" value="{assessment.version}"' in page
    data = plan_data(title="Demoland response 2026", expected_version=assessment.version)
    response = c.post(url("edit", assessment), data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.title == "Demoland response 2026"


def test_stale_edit_keeps_input_and_shows_current(client, assessment, team):
    old_version = assessment.version
    services.update_plan(team["lead"], assessment, expected_version=old_version, purpose="Changed by a colleague.")
    c = client_for(client, team["lead"])
    data = plan_data(purpose="My own purpose text.", expected_version=old_version)
    response = c.post(url("edit", assessment), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed the plan" in html
    assert "My own purpose text." in html  # the user's input, kept in the form
    assert "Changed by a colleague." in html  # the current value, shown beside it
    assessment.refresh_from_db()
    assert assessment.purpose == "Changed by a colleague."
    assert f'name="expected_version" value="{assessment.version}"' in html


def test_scope_page_changes_scope(client, assessment, team):
    c = client_for(client, team["lead"])
    page = c.get(url("scope", assessment)).content.decode()
    assert 'value="V.C" data-scope-parent="V" checked' in page
    response = c.post(url("scope", assessment), {"scope": ["V.C"]}, follow=True)
    assert selectors.scope_keys(assessment) == ["guide:V.C"]
    assert "should cover the legal framework" in response.content.decode()


def test_missions_add(client, assessment, team):
    c = client_for(client, team["lead"])
    response = c.post(url("missions", assessment), {"title": "Second mission", "start_date": "2026-06-01",
                                                    "end_date": "2026-05-01"})
    assert response.status_code == 400 and "end date is before" in response.content.decode()
    response = c.post(url("missions", assessment), {"title": "Second mission", "places": "Demo City"})
    assert response.status_code == 302
    mission = assessment.missions.get()
    response = c.post(url("mission", assessment, mission.pk), {"title": "Second mission (moved)"})
    assert response.status_code == 302
    assert assessment.missions.get().title == "Second mission (moved)"


# --- Team ---------------------------------------------------------------------------------------------------------


def test_team_add_change_remove_and_last_lead(client, assessment, team, django_user_model):
    newcomer = django_user_model.objects.create_user(username="newcomer.demo")
    c = client_for(client, team["lead"])
    response = c.post(url("team", assessment), {"username": "nobody.demo", "role": "assessor",
                                                 "clearance": "restricted"})
    assert response.status_code == 400 and "No active user" in response.content.decode()
    response = c.post(url("team", assessment), {"username": "newcomer.demo", "role": "assessor",
                                                "clearance": "restricted"})
    assert response.status_code == 302
    member = assessment.memberships.get(user=newcomer)
    response = c.post(url("member", assessment, member.pk), {"role": "reviewer", "clearance": "confidential"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.clearance) == ("reviewer", "confidential")
    assert c.post(url("member", assessment, member.pk), {"remove": "1"}).status_code == 302
    assert not assessment.memberships.filter(user=newcomer).exists()

    lead = assessment.memberships.get(user=team["lead"])
    response = c.post(url("member", assessment, lead.pk), {"role": "assessor", "clearance": "confidential"})
    assert response.status_code == 400 and "needs a lead" in response.content.decode()
    response = c.post(url("member", assessment, lead.pk), {"remove": "1"})
    assert response.status_code == 400 and "needs a lead" in response.content.decode()
    assert Membership.objects.get(pk=lead.pk).role == "lead"


def test_team_read_only_for_others(client, assessment, team):
    c = client_for(client, team["assessor"])
    page = c.get(url("team", assessment)).content.decode()
    assert "observer.demo" in page and "Add a member" not in page and "Remove" not in page
    response = c.post(url("team", assessment), {"username": "outsider.demo", "role": "lead", "clearance": "public"})
    assert response.status_code == 403


# --- Stakeholders and activities ----------------------------------------------------------------------------------


def test_institution_defaults_and_contact_point_clearance(client, assessment, team):
    c = client_for(client, team["assessor"])
    response = c.post(url("institution_add", assessment), {
        "name": "Demoland Border Police", "category": "border", "contact_point": "Chief Inspector R. Example",
        "notes": "Runs the Port Demo crossing.",
    })
    assert response.status_code == 302
    institution = assessment.institutions.get()
    assert institution.sections == ["II", "III", "VI", "IX", "X", "XI", "XII"]  # the guide's Table 1
    page = c.get(url("institutions", assessment)).content.decode()
    assert "Demoland Border Police" in page and "Chief Inspector R. Example" in page

    observer = client_for(client, team["observer"])  # cleared for public material only
    page = observer.get(url("institutions", assessment)).content.decode()
    assert "Demoland Border Police" in page and "Chief Inspector R. Example" not in page
    assert "Add a stakeholder" not in page


def test_institution_edit_without_clearance_keeps_contact_point(client, assessment, team):
    institution = services.save_institution(team["lead"], assessment, name="Demoland Prosecution Service",
                                            category="prosecution", contact_point="Ms A. Sample")
    Membership.objects.filter(user=team["assessor"]).update(clearance="public")
    c = client_for(client, team["assessor"])
    page = c.get(url("institution_edit", assessment, institution.pk)).content.decode()
    assert "Ms A. Sample" not in page and "contact_point" not in page
    c.post(url("institution_edit", assessment, institution.pk),
           {"name": "Demoland Prosecution Service", "category": "prosecution", "sections": ["VII"]})
    institution.refresh_from_db()
    assert institution.contact_point == "Ms A. Sample" and institution.sections == ["VII"]


def test_activity_questions_limited_to_scope(client, assessment, team):
    institution = services.save_institution(team["lead"], assessment, name="Demoland Police", category="police")
    c = client_for(client, team["assessor"])
    page = c.get(url("activity_add", assessment)).content.decode()
    assert 'value="guide:V.C:q01"' in page and 'value="guide:VII.A:q01"' not in page
    base = {"kind": "interview", "title": "Interview with the smuggling unit", "date": "2026-05-05",
            "institutions": [institution.pk], "classification": "restricted", "participants": "Sgt. B. Example"}
    response = c.post(url("activity_add", assessment), {**base, "questions": ["guide:VII.A:q01"]})
    assert response.status_code == 400 and not assessment.activities.exists()
    response = c.post(url("activity_add", assessment), {**base, "questions": ["guide:V.C:q01"]})
    assert response.status_code == 302
    activity = assessment.activities.get()
    assert activity.questions == ["guide:V.C:q01"] and list(activity.institutions.all()) == [institution]
    page = c.get(url("activities", assessment)).content.decode()
    assert "Interview with the smuggling unit" in page and "Sgt. B. Example" in page


def test_activities_hidden_above_clearance_and_names_hidden(client, assessment, team):
    services.save_activity(team["lead"], assessment, kind="site_visit", title="Visit to the Port Demo crossing",
                           classification="public", participants="Officer C. Example")
    services.save_activity(team["lead"], assessment, kind="interview", title="Confidential informant meeting",
                           classification="confidential")
    page = client_for(client, team["observer"]).get(url("activities", assessment)).content.decode()
    assert "Visit to the Port Demo crossing" in page
    assert "Officer C. Example" not in page and "Confidential informant meeting" not in page
    assert client_for(client, team["assessor"]).get(
        url("activity_edit", assessment, assessment.activities.get(classification="confidential").pk)
    ).status_code == 404


# --- National questions -------------------------------------------------------------------------------------------


def test_national_question_added_by_lead(client, assessment, team):
    c = client_for(client, team["lead"])
    response = c.post(url("national", assessment), {"subsection": "guide:V.C", "text": "Does Demoland use drones?"})
    assert response.status_code == 302
    response = c.post(url("national", assessment), {"subsection": "guide:V.C", "parent_key": "guide:V.C:q01",
                                                    "text": "Which agency flies them?"})
    assert response.status_code == 302
    page = c.get(url("national", assessment)).content.decode()
    assert "guide:V.C:n01" in page and "Which agency flies them?" in page and "secondary to guide:V.C:q01" in page
    response = client_for(client, team["assessor"]).post(url("national", assessment),
                                                         {"subsection": "guide:V.C", "text": "x?"})
    assert response.status_code == 403


# --- History ------------------------------------------------------------------------------------------------------


def test_history_shows_before_and_after(client, assessment, team):
    services.update_plan(team["lead"], assessment, expected_version=assessment.version,
                         purpose="Identify needs of the Demoland prosecution service.")
    page = client_for(client, team["lead"]).get(url("history", assessment)).content.decode()
    assert "Purpose set to Identify needs" in page and "Identify needs of the Demoland prosecution service." in page
    assert page.index("Identify needs") < page.index("” created")  # newest first


def test_history_hides_classified_and_masks_names(client, assessment, team):
    services.save_activity(team["lead"], assessment, kind="interview", title="Restricted interview",
                           classification="restricted")
    services.save_institution(team["lead"], assessment, name="Demoland Coast Guard", category="military",
                              contact_point="Captain D. Example")
    page = client_for(client, team["observer"]).get(url("history", assessment)).content.decode()
    # The stakeholder's entry names its contact point, so the whole entry is restricted material.
    assert "Restricted interview" not in page and "Captain D. Example" not in page
    lead_page = client_for(client, team["lead"]).get(url("history", assessment)).content.decode()
    assert "Captain D. Example" in lead_page and "Restricted interview" in lead_page


# --- Everyone else ------------------------------------------------------------------------------------------------

PAGES = ["detail", "edit", "scope", "missions", "team", "institutions", "institution_add", "activities",
         "activity_add", "national", "history"]
POSTS = ["edit", "scope", "missions", "status", "approve", "team", "institution_add", "activity_add", "national"]


@pytest.mark.parametrize("name", sorted(set(PAGES + POSTS)))
def test_non_members_get_404(client, assessment, team, name):
    c = client_for(client, team["outsider"])
    assert c.post(url(name, assessment), {}).status_code == 404
    if name in PAGES:
        assert c.get(url(name, assessment)).status_code == 404


def test_object_pages_404_for_non_members(client, assessment, team):
    institution = services.save_institution(team["lead"], assessment, name="Demoland Police", category="police")
    c = client_for(client, team["outsider"])
    assert c.get(url("institution_edit", assessment, institution.pk)).status_code == 404
    assert c.post(url("member", assessment, assessment.memberships.first().pk), {"remove": "1"}).status_code == 404


def test_observer_reads_only(client, assessment, team):
    c = client_for(client, team["observer"])
    for name in ["detail", "team", "institutions", "activities", "national", "history", "missions"]:
        response = c.get(url(name, assessment))
        assert response.status_code == 200, name
        html = response.content.decode()
        for marker in ["Edit the plan", "Move to", "Add a stakeholder", "Add an activity", "Add a member",
                       "Add a national question", "Save the mission", "Start a follow-up"]:
            assert marker not in html, (name, marker)
    for name in ["edit", "scope", "institution_add", "activity_add"]:
        assert c.get(url(name, assessment)).status_code == 403, name
    for name in POSTS:
        response = c.post(url(name, assessment), {"to_status": "desk_review", "title": "x", "subsection": "guide:V.C",
                                                  "text": "x?", "scope": ["I"], "name": "x", "category": "police",
                                                  "kind": "interview", "username": "outsider.demo", "role": "lead",
                                                  "clearance": "public"})
        assert response.status_code == 403, name
        assert "Only" in response.content.decode()
    member = assessment.memberships.get(user=team["observer"])
    assert c.post(url("member", assessment, member.pk), {"remove": "1"}).status_code == 403
    assert not Institution.objects.exists()
    assessment.refresh_from_db()
    assert assessment.status == "planning"
