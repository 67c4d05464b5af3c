"""Importing a bundle as a new assessment: /assessments/import/ (not per assessment)."""

from django.urls import path

from soma.exchange.bundle import views

app_name = "exchange_import"

urlpatterns = [
    path("", views.bundle_import, name="bundle_import"),
]
