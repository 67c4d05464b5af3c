"""SOMA's URLs plus a minimal view: the framework floor every page figure is compared with."""

from django.http import HttpResponse
from django.urls import path

from soma.urls import urlpatterns as soma_urlpatterns


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("__bench_floor__", floor), *soma_urlpatterns]
