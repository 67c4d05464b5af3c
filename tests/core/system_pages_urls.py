"""SOMA's URLs plus two addresses that fail on purpose, for tests/core/test_system_pages.py."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from soma.urls import handler400, handler403, handler404, handler500
from soma.urls import urlpatterns as soma_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def refuse(request):
    raise PermissionDenied("Not for you.")


def fail(request):
    raise RuntimeError("A fictional fault in the Demoland harbour registry.")


urlpatterns = [path("test-refuse/", refuse), path("test-fail/", fail), *soma_urlpatterns]
