"""Exchange pages: Excel spreadsheets (questionnaire out and in, recommendations out)."""

from django.urls import path

from soma.exchange.spreadsheets import views

urlpatterns = [
    path("questionnaire.xlsx", views.questionnaire_export, name="questionnaire_export"),
    path("questionnaire/import/", views.questionnaire_import, name="questionnaire_import"),
    path("questionnaire/conflicts/dismiss/", views.conflict_dismiss, name="questionnaire_conflict_dismiss"),
    path("recommendations.xlsx", views.recommendations_export, name="recommendations_export"),
]
