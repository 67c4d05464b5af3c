"""The selects written in Python give the same HTML as Django's own select templates."""

from django import forms
from django.test.html import parse_html
from django.utils.translation import gettext_lazy as _

from soma.assessments.forms import Picker
from soma.core.list_views import ListFilterForm
from soma.core.widgets import QuickSelect


def same_html(ours: str, django: str) -> bool:
    """Django's assertHTMLEqual comparison: whitespace between tags and the order of attributes aside."""
    return parse_html(ours) == parse_html(django)


CHOICES = [("", _("Any subsection")), ("guide:I.A", "I.A <Legislation> & \"policy\""), ("guide:II.B", "II.B Police"),
           (_("Group"), [("a", "Ä one"), ("b", "B two")])]


def test_quick_select_writes_what_django_writes():
    for value in ("", "guide:II.B", "b", "not offered"):
        ours = QuickSelect(attrs={"id": "x"}, choices=CHOICES).render("subsection", value)
        django = forms.Select(attrs={"id": "x"}, choices=CHOICES).render("subsection", value)
        assert same_html(ours, django)


def test_picker_writes_what_django_writes():
    picker = Picker()
    picker.choices = CHOICES[1:]
    plain = forms.SelectMultiple(attrs=picker.attrs, choices=CHOICES[1:])
    assert same_html(picker.render("links", ["guide:I.A", "a"]), plain.render("links", ["guide:I.A", "a"]))


def test_a_list_filter_uses_the_quick_select_and_keeps_late_choices():
    class Filter(ListFilterForm):
        subsection = forms.ChoiceField(required=False, choices=[("", "Any")])
        q = forms.CharField(required=False)

    form = Filter({"subsection": "guide:II.B"})
    form.fields["subsection"].choices = CHOICES[:3]
    assert isinstance(form.fields["subsection"].widget, QuickSelect)
    html = str(form["subsection"])
    assert '<option value="guide:II.B" selected>II.B Police</option>' in html
    assert "I.A &lt;Legislation&gt; &amp; &quot;policy&quot;" in html
    assert form.is_valid() and form.cleaned_data["subsection"] == "guide:II.B"
