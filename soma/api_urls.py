"""The REST API (/api/): token or session authentication; the OpenAPI 3 schema is at /api/schema/.

The views are named, not imported (soma.kernel.lazy_api_views): the REST framework loads with the first API request."""

from functools import cache

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from soma.kernel.lazy_api_views import api_view


@cache
def _schema_view():
    from drf_spectacular.views import SpectacularAPIView

    return SpectacularAPIView.as_view()


@csrf_exempt  # as every API view (APIView.as_view); the schema is read-only anyway
def schema(request, *args, **kwargs):
    """The OpenAPI schema. drf-spectacular's generator is imported by the first request for it, not by every
    process that imports the URL configuration (start-up cost)."""
    return _schema_view()(request, *args, **kwargs)


urlpatterns = [
    path("schema/", schema, name="api-schema"),
    path("catalog/", api_view("soma.catalog.api.CatalogView"), name="api-catalog"),
    path("catalog/items/<path:key>/related/", api_view("soma.catalog.api.RelatedView"), name="api-catalog-related"),
    path("catalog/items/<path:key>/", api_view("soma.catalog.api.ItemView"), name="api-catalog-item"),
    path("search/", api_view("soma.search.api.SearchView"), name="api-search"),
    path("jobs/<int:pk>/", api_view("soma.core.api.JobView"), name="api-job"),
    path("assessments/", api_view("soma.assessments.api.AssessmentListView"), name="api-assessments"),
    path("assessments/<int:pk>/", api_view("soma.assessments.api.AssessmentDetailView"), name="api-assessment"),
    path("assessments/<int:pk>/status/", api_view("soma.assessments.api.StatusView"), name="api-assessment-status"),
    path("assessments/<int:pk>/members/", api_view("soma.assessments.api.MembersView"), name="api-assessment-members"),
    path(
        "assessments/<int:pk>/questions/",
        api_view("soma.responses.api.QuestionsView"),
        name="api-assessment-questions",
    ),
    path(
        "assessments/<int:pk>/responses/<str:question>/",
        api_view("soma.responses.api.ResponseView"),
        name="api-assessment-response",
    ),
    path(
        "assessments/<int:pk>/institutions/",
        api_view("soma.assessments.api_stakeholders.InstitutionsView"),
        name="api-assessment-institutions",
    ),
    path(
        "assessments/<int:pk>/institutions/<int:institution_pk>/",
        api_view("soma.assessments.api_stakeholders.InstitutionView"),
        name="api-assessment-institution",
    ),
    path(
        "assessments/<int:pk>/activities/",
        api_view("soma.assessments.api_stakeholders.ActivitiesView"),
        name="api-assessment-activities",
    ),
    path(
        "assessments/<int:pk>/activities/<int:activity_pk>/",
        api_view("soma.assessments.api_stakeholders.ActivityView"),
        name="api-assessment-activity",
    ),
    path("assessments/<int:pk>/sources/", api_view("soma.evidence.api.SourcesView"), name="api-assessment-sources"),
    path(
        "assessments/<int:pk>/sources/<int:source_pk>/",
        api_view("soma.evidence.api.SourceView"),
        name="api-assessment-source",
    ),
    path(
        "assessments/<int:pk>/sources/<int:source_pk>/restore/",
        api_view("soma.evidence.api.SourceRestoreView"),
        name="api-assessment-source-restore",
    ),
    path(
        "assessments/<int:pk>/sources/<int:source_pk>/purge/",
        api_view("soma.evidence.api.SourcePurgeView"),
        name="api-assessment-source-purge",
    ),
    path(
        "assessments/<int:pk>/citations/",
        api_view("soma.responses.api_citations.CitationsView"),
        name="api-assessment-citations",
    ),
    path(
        "assessments/<int:pk>/citations/<int:citation_pk>/",
        api_view("soma.responses.api_citations.CitationView"),
        name="api-assessment-citation",
    ),
    path("assessments/<int:pk>/findings/", api_view("soma.findings.api.FindingsView"), name="api-assessment-findings"),
    path(
        "assessments/<int:pk>/findings/<int:finding_pk>/",
        api_view("soma.findings.api.FindingView"),
        name="api-assessment-finding",
    ),
    path(
        "assessments/<int:pk>/conclusions/",
        api_view("soma.findings.api_conclusions.ConclusionsView"),
        name="api-assessment-conclusions",
    ),
    path(
        "assessments/<int:pk>/conclusions/<int:conclusion_pk>/",
        api_view("soma.findings.api_conclusions.ConclusionView"),
        name="api-assessment-conclusion",
    ),
    path(
        "assessments/<int:pk>/recommendations/",
        api_view("soma.findings.api.RecommendationsView"),
        name="api-assessment-recommendations",
    ),
    path(
        "assessments/<int:pk>/recommendations/<int:recommendation_pk>/",
        api_view("soma.findings.api.RecommendationView"),
        name="api-assessment-recommendation",
    ),
]
