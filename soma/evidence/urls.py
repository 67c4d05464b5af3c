from django.urls import path

from soma.evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.source_list, name="list"),
    path("add/", views.source_add, name="add"),
    path("<int:source_pk>/edit/", views.source_edit, name="edit"),
    path("<int:source_pk>/delete/", views.source_delete, name="delete"),
    path("<int:source_pk>/restore/", views.source_restore, name="restore"),
    path("<int:source_pk>/purge/", views.source_purge, name="purge"),
    path("<int:source_pk>/confirm/", views.source_confirm, name="confirm"),
    path("<int:source_pk>/download/", views.source_download, name="download"),
]
