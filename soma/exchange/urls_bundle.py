"""Exchange pages: the JSON bundle of one assessment (the import page is in urls_import, not per assessment)."""

from django.urls import path

from soma.exchange import views_bundle

urlpatterns = [
    path("bundle/", views_bundle.bundle_export, name="bundle_export"),
]
