"""Importing a bundle as a new assessment: /assessments/import/ (not per assessment)."""

from django.urls import path

from soma.exchange import views_bundle

app_name = "exchange_import"

urlpatterns = [
    path("", views_bundle.bundle_import, name="bundle_import"),
]
