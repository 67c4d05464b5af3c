from django.urls import path

from soma.search import views

urlpatterns = [path("", views.search_page, name="search")]
