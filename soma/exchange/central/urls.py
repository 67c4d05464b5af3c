"""ODK Central pages: the connection, a pull, the pulled submissions' preview."""

from django.urls import path

from soma.exchange.central import views

urlpatterns: list = [
    path("central/", views.central, name="central"),
    path("central/remove/", views.central_remove, name="central_remove"),
    path("central/pull/", views.central_pull, name="central_pull"),
    path("central/preview/", views.central_preview, name="central_preview"),
]
