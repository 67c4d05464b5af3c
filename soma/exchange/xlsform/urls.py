"""Exchange pages: the XLSForm for field collection, and the submissions collected with it."""

from django.urls import path

from soma.exchange.xlsform import views

urlpatterns: list = [
    path("xlsform/", views.export, name="xlsform_export"),
    path("xlsform/submissions/", views.submissions_import, name="submissions_import"),
    path("xlsform/submissions/apply/", views.submissions_apply, name="submissions_apply"),
]
