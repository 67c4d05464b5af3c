from django.urls import path

from soma.evidence import views

app_name = "evidence"

urlpatterns = [path("", views.source_list, name="list")]
