"""API views named in the URL configuration by their dotted path, imported by the first request for one of them.

Importing Django REST framework (rest_framework.compat brings django.contrib.postgres, hence psycopg, and
more) costs about half of `django.setup()`. Every process pays for the URL configuration: `soma check`, each
worker's first request, the first page that reverses a URL. With the API's views named here instead of
imported, only a process that answers an API request (or builds the OpenAPI schema) loads the framework.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.http import HttpRequest, HttpResponse


class LazyAPIView:
    """Stands for `View.as_view()` of a REST framework view until the view is first needed.

    Django reads what it needs of a URL's view from attributes: the CSRF middleware `csrf_exempt` (every REST
    framework view is exempt; the framework checks CSRF itself for session-authenticated requests) and the
    URL resolver `__module__` and `__name__` (the view's dotted path, as for the view itself). Any other
    attribute (`cls`, `initkwargs`, which drf-spectacular and the tests read) comes from the real view,
    imported then. `view_class` is left out on purpose: Django's resolver would read it on the first reverse()
    of any URL and import every API view with it."""

    csrf_exempt = True

    def __init__(self, dotted_path: str) -> None:
        module, _, name = dotted_path.rpartition(".")
        self.__module__ = module
        self.__name__ = self.__qualname__ = name
        self._view: Any = None

    @property
    def loaded(self) -> bool:
        return self._view is not None

    def view(self) -> Any:
        if self._view is None:
            self._view = getattr(import_module(self.__module__), self.__name__).as_view()
        return self._view

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.view()(request, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "view_class" or name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.view(), name)

    def __repr__(self) -> str:
        return f"<LazyAPIView {self.__module__}.{self.__name__}>"


def api_view(dotted_path: str) -> LazyAPIView:
    """`module.View.as_view()`, imported when the first request for it arrives."""
    return LazyAPIView(dotted_path)
