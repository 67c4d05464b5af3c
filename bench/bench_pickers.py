"""Rendering the long choosers' options (soma.assessments.forms.Picker) against Django's own SelectMultiple,
which renders a template per option: the recommendation form's Toolkit and Framework for Action lists (some 640
options of the built-in catalog), one chosen item each."""

import os

from bench.harness import emit, paired_figure, sample_pairs

REPEAT = int(os.environ.get("SOMA_BENCH_REPEAT", "60"))


def run(repeat: int = REPEAT) -> None:
    from django import forms

    from soma.assessments.forms import Picker
    from soma.catalog import packs
    from soma.catalog import selectors as catalog_selectors
    from soma.findings.forms import LINK_KINDS, choice_label

    catalog, _created = packs.load_builtin()
    tree = catalog_selectors.tree(catalog)
    lists = []
    for name, kinds in LINK_KINDS.items():
        choices = [(item.key, choice_label(item)) for item in tree.all() if item.kind in kinds]
        ours, django_own = Picker(), forms.SelectMultiple(attrs=Picker().attrs)
        ours.choices = django_own.choices = choices
        lists.append((name, ours, django_own, [choices[len(choices) // 2][0]]))
    options = sum(len(ours.choices) for _name, ours, _django, _value in lists)

    def picker():
        for name, ours, _django, value in lists:
            ours.render(name, value, {"id": f"id_{name}"})

    def django_select():
        for name, _ours, django_own, value in lists:
            django_own.render(name, value, {"id": f"id_{name}"})

    emit(paired_figure("picker_render_toolkit_and_framework", sample_pairs(picker, django_select, repeat),
                       "Django's SelectMultiple (a template per option)", options=options))
