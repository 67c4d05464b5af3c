"""The assessment's Reports tab."""

from django.urls import path

from soma.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
]
