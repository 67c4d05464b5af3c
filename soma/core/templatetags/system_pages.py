"""The way back on SOMA's system pages (404, 403, CSRF failure): the page the browser came from, when it is one of
SOMA's own pages; never another site's address (the Referer header is the browser's, anyone can write it)."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


@register.simple_tag(takes_context=True)
def previous_page(context: template.Context) -> str:
    """The address of the page before this one (a form's own page for a form sent to itself) on this server;
    "" otherwise."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return ""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return ""
    return referer
