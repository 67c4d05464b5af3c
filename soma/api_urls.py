"""The REST API (/api/): token or session authentication; the OpenAPI 3 schema is at /api/schema/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from soma.catalog import api as catalog_api
from soma.search import api as search_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("catalog/", catalog_api.CatalogView.as_view(), name="api-catalog"),
    path("catalog/items/<path:key>/related/", catalog_api.RelatedView.as_view(), name="api-catalog-related"),
    path("catalog/items/<path:key>/", catalog_api.ItemView.as_view(), name="api-catalog-item"),
    path("search/", search_api.SearchView.as_view(), name="api-search"),
]
