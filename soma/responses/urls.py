from django.urls import path

from soma.responses import views

app_name = "responses"

urlpatterns = [
    path("", views.index, name="index"),
    path("answer/<str:question>/", views.save, name="save"),
    path("answer/<str:question>/review/", views.review, name="review"),
    path("answer/<str:question>/confirm/", views.confirm, name="confirm"),
    path("answer/<str:question>/cite/", views.cite, name="cite"),
    path("citation/<int:citation_pk>/remove/", views.uncite, name="uncite"),
    path("bulk/", views.bulk, name="bulk"),
    path("<str:key>/", views.subsection, name="subsection"),
]
