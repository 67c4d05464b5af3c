from django.urls import path

from soma.findings import views_responses as views

app_name = "responses"

urlpatterns = [path("", views.index, name="index")]
