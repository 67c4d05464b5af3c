from django.urls import path

from soma.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.index, name="index"),
    path("guide/", views.guide, name="guide"),
    path("protocol/", views.protocol, name="protocol"),
    path("article/<int:number>/", views.article, name="article"),
    path("framework/", views.framework, name="framework"),
    path("toolkit/", views.toolkit, name="toolkit"),
    path("working-group/", views.working_group, name="working_group"),
    path("item/<path:key>/", views.item, name="item"),
]
