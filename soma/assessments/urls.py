from django.urls import path

from soma.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/scope/", views.scope, name="scope"),
    path("<int:pk>/missions/", views.missions, name="missions"),
    path("<int:pk>/missions/<int:mission_pk>/", views.missions, name="mission"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/team/<int:member_pk>/", views.team_member, name="member"),
    path("<int:pk>/stakeholders/", views.institutions, name="institutions"),
    path("<int:pk>/stakeholders/new/", views.institution_form, name="institution_add"),
    path("<int:pk>/stakeholders/<int:institution_pk>/", views.institution_form, name="institution_edit"),
    path("<int:pk>/activities/", views.activities, name="activities"),
    path("<int:pk>/activities/new/", views.activity_form, name="activity_add"),
    path("<int:pk>/activities/<int:activity_pk>/", views.activity_form, name="activity_edit"),
    path("<int:pk>/national-questions/", views.national, name="national"),
    path("<int:pk>/history/", views.history, name="history"),
]
