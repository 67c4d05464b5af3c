from django.urls import path

from soma.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/team/", views.detail, name="team"),
    path("<int:pk>/stakeholders/", views.detail, name="institutions"),
    path("<int:pk>/activities/", views.detail, name="activities"),
    path("<int:pk>/history/", views.detail, name="history"),
]
