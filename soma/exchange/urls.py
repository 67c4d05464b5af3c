"""The Exchange tab: JSON bundles, Excel spreadsheets, XLSForm, ODK Central (each part has its own URL module)."""

from django.urls import include, path

from soma.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("", include("soma.exchange.bundle.urls")),
    path("", include("soma.exchange.spreadsheets.urls")),
    path("", include("soma.exchange.xlsform.urls")),
    path("", include("soma.exchange.central.urls")),
]
