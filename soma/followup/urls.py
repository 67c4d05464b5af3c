from django.urls import path

from soma.followup import views

app_name = "followup"

urlpatterns = [
    path("follow-up/", views.start, name="start"),
]
