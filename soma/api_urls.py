"""The REST API (/api/): token or session authentication; the OpenAPI 3 schema is at /api/schema/."""

from functools import cache

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from soma.assessments import api as assessments_api
from soma.catalog import api as catalog_api
from soma.evidence import api as evidence_api
from soma.findings import api as findings_api
from soma.responses import api as responses_api
from soma.search import api as search_api


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
    path("catalog/", catalog_api.CatalogView.as_view(), name="api-catalog"),
    path("catalog/items/<path:key>/related/", catalog_api.RelatedView.as_view(), name="api-catalog-related"),
    path("catalog/items/<path:key>/", catalog_api.ItemView.as_view(), name="api-catalog-item"),
    path("search/", search_api.SearchView.as_view(), name="api-search"),
    path("assessments/", assessments_api.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", assessments_api.AssessmentDetailView.as_view(), name="api-assessment"),
    path("assessments/<int:pk>/status/", assessments_api.StatusView.as_view(), name="api-assessment-status"),
    path("assessments/<int:pk>/members/", assessments_api.MembersView.as_view(), name="api-assessment-members"),
    path("assessments/<int:pk>/questions/", assessments_api.QuestionsView.as_view(), name="api-assessment-questions"),
    path(
        "assessments/<int:pk>/responses/<str:question>/",
        responses_api.ResponseView.as_view(),
        name="api-assessment-response",
    ),
    path("assessments/<int:pk>/sources/", evidence_api.SourcesView.as_view(), name="api-assessment-sources"),
    path("assessments/<int:pk>/findings/", findings_api.FindingsView.as_view(), name="api-assessment-findings"),
    path(
        "assessments/<int:pk>/findings/<int:finding_pk>/",
        findings_api.FindingView.as_view(),
        name="api-assessment-finding",
    ),
    path(
        "assessments/<int:pk>/recommendations/",
        findings_api.RecommendationsView.as_view(),
        name="api-assessment-recommendations",
    ),
    path(
        "assessments/<int:pk>/recommendations/<int:recommendation_pk>/",
        findings_api.RecommendationView.as_view(),
        name="api-assessment-recommendation",
    ),
]
