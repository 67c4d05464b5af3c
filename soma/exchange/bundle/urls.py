"""Exchange pages: the JSON bundle of one assessment (the import page is in soma/exchange/urls_import.py, not per
assessment)."""

from django.urls import path

from soma.exchange.bundle import views

urlpatterns = [
    path("bundle/", views.bundle_export, name="bundle_export"),
]
