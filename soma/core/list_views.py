"""One way for every list of an assessment to be filtered, sorted, searched and paged, and to remember the choice.

A list is a plain GET form (works without JavaScript; its URL can be shared): the filter fields of a
`ListFilterForm`, a `sort` chosen from a whitelist and a `page`. The last filter and sort (not the page) are kept
in the session per user (the session is the user's), assessment and list: visiting the list with no query
goes back to it, and `?clear` forgets it. A value that does not parse (a hand-edited URL) narrows nothing and
is named in a note; it is never remembered and never a server error. The rows handed in are already what the
viewer may see (the kernel's selectors); a filter only narrows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from soma.core.widgets import QuickSelect

M = TypeVar("M", bound=Model)

SORT = "sort"
PAGE = "page"
CLEAR = "clear"
DEFAULT_PAGE_SIZE = 50


class ListFilterForm(forms.Form):
    """A list's filter fields. Subclasses declare optional fields and say how a cleaned value narrows the rows."""

    def __init__(self, data: Mapping[str, Any] | None = None, prefix_id: str = "list") -> None:
        super().__init__(data, auto_id=f"{prefix_id}-filter-%s", label_suffix="")
        for form_field in self.fields.values():
            if type(form_field.widget) is forms.Select:  # a filter may offer hundreds of subsections or provisions
                form_field.widget = QuickSelect(attrs=form_field.widget.attrs, choices=form_field.widget.choices)

    def narrow(self, rows: QuerySet[Any], wanted: Mapping[str, Any]) -> QuerySet[Any]:
        """`rows` narrowed by the cleaned values in `wanted` (only fields that parsed; empty ones are absent)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Sort:
    label: str | Promise
    order: tuple[str, ...]


@dataclass(frozen=True)
class ListSpec:
    """What a list offers: its name (the session key), its filter form, its sort choices and its page size."""

    name: str
    form: type[ListFilterForm]
    sorts: Mapping[str, Sort]
    default_sort: str
    page_size: int = DEFAULT_PAGE_SIZE

    def keys(self) -> list[str]:
        return [*self.form.base_fields, SORT, PAGE]


@dataclass
class ListChoice:
    """The list as chosen: the bound form, the sort, the page of rows, and what the template shows about them."""

    form: ListFilterForm
    sort: str
    sorts: list[tuple[str, str | Promise]]
    page: Page[Any]
    page_range: list[int | str]
    narrowed: bool  # a filter field narrows the rows
    default_sort: str
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> Any:
        return self.page.object_list

    @property
    def remembered(self) -> bool:
        """Whether anything beyond the plain list is chosen (the "Clear filters" link is shown)."""
        return self.narrowed or self.sort != self.default_sort or bool(self.notes)


def session_key(spec: ListSpec, assessment_pk: int) -> str:
    return f"list-choice-{spec.name}-{assessment_pk}"


def restore(request: HttpRequest, spec: ListSpec, assessment_pk: int) -> HttpResponseRedirect | None:
    """The redirect this visit needs, if any: `?clear` forgets the choice and shows the plain list; a visit with
    no query goes to the remembered choice's URL (so the address bar shows, and can share, what is listed)."""
    key = session_key(spec, assessment_pk)
    if CLEAR in request.GET:
        request.session.pop(key, None)
        return HttpResponseRedirect(request.path)
    if not any(name in request.GET for name in spec.keys()):
        remembered = request.session.get(key)
        if isinstance(remembered, dict) and remembered:
            return HttpResponseRedirect(f"{request.path}?{urlencode(remembered)}")
    return None


def choose(request: HttpRequest, spec: ListSpec, assessment_pk: int, rows: QuerySet[M],
           form_kwargs: Mapping[str, Any] | None = None) -> ListChoice:
    """`rows` (already limited to what the viewer may see) filtered, sorted and paged as the query asks; a choice
    that parses is remembered for this user, assessment and list. `form_kwargs` go to the filter form (choices
    that depend on the assessment)."""
    asked = {name: request.GET.get(name, "") for name in spec.keys() if name in request.GET}
    form = spec.form({name: value for name, value in asked.items() if name not in (SORT, PAGE)},
                     prefix_id=spec.name, **(form_kwargs or {}))
    notes: list[str] = []
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else name
            notes.append(_("“%(label)s”: %(error)s This filter was left out.") % {
                "label": label, "error": " ".join(str(error) for error in errors)})
    wanted = {name: value for name, value in getattr(form, "cleaned_data", {}).items()
              if value not in ("", None, [], ())}
    sort = asked.get(SORT, "") or spec.default_sort
    if sort not in spec.sorts:
        notes.append(_("The sort order asked for is not one of the choices; the list is in its usual order."))
        sort = spec.default_sort
    ordered = form.narrow(rows, wanted).order_by(*spec.sorts[sort].order)
    number = asked.get(PAGE, "")
    if number and not number.isdigit():
        notes.append(_("The page asked for is not a number; the first page is shown."))
    page = Paginator(ordered, spec.page_size).get_page(number or None)
    # A link with only a page (a saved row's "back to the list") is no new choice: the remembered one is kept.
    if not notes and set(asked) - {PAGE}:
        kept = {name: value for name, value in asked.items()
                if value and name != PAGE and not (name == SORT and value == spec.default_sort)}
        if kept:
            request.session[session_key(spec, assessment_pk)] = kept
        else:
            request.session.pop(session_key(spec, assessment_pk), None)
    return ListChoice(
        form=form,
        sort=sort,
        sorts=[(name, choice.label) for name, choice in spec.sorts.items()],
        page=page,
        page_range=list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        narrowed=bool(wanted),
        default_sort=spec.default_sort,
        notes=notes,
    )
