"""The assessment's Reports tab."""

from django.urls import path

from soma.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("chapters/", views.chapters, name="chapters"),
    path("preview/", views.preview, name="preview"),
    path("issue/", views.issue, name="issue"),
    path("<int:report_pk>/", views.issued, name="issued"),
    path("<int:report_pk>/<str:fmt>/", views.download, name="download"),
]
