from django.urls import path

from soma.findings import views

app_name = "findings"

urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:finding_pk>/", views.finding_edit, name="finding_edit"),
    path("findings/<int:finding_pk>/cite/", views.finding_cite, name="finding_cite"),
    path("conclusions/", views.conclusion_list, name="conclusions"),
    path("conclusions/new/", views.conclusion_create, name="conclusion_create"),
    path("conclusions/<int:conclusion_pk>/", views.conclusion_edit, name="conclusion_edit"),
    path("recommendations/", views.recommendation_list, name="recommendations"),
    path("recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("recommendations/suggestions/", views.recommendation_suggestions, name="recommendation_suggestions"),
    path("recommendations/<int:recommendation_pk>/", views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:recommendation_pk>/review/", views.recommendation_review,
         name="recommendation_review"),
    path("recommendations/<int:recommendation_pk>/confirm/", views.recommendation_confirm,
         name="recommendation_confirm"),
]
