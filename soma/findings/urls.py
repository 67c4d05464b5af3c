from django.urls import path

from soma.findings import views

app_name = "findings"

urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("findings/", views.finding_list, name="findings"),
    path("recommendations/", views.recommendation_list, name="recommendations"),
]
