"""Forms of the assessment pages: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from soma.assessments.models import Activity, Assessment, Classification, Institution, Membership, Mission, Status
from soma.assessments.services import PLAN_FIELDS
from soma.core.widgets import render_select
from soma.kernel import clearance
from soma.kernel.access import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Picker(forms.SelectMultiple):
    """A multiple choice among many options: a plain `<select multiple>` that soma/static/soma/pickers.js turns
    into a type-to-search chooser (Tom Select) when JavaScript runs. The page includes
    "assessments/_pickers.html". The chooser's own words come translated in data attributes."""

    def __init__(self, attrs: dict | None = None, size: int = 8) -> None:
        super().__init__({
            "size": size,
            "data-picker": "",
            "data-picker-placeholder": _("Type to search"),
            "data-picker-remove": _("Remove"),
            "data-picker-empty": _("Nothing matches"),
            **(attrs or {}),
        })

    def render(self, name, value, attrs=None, renderer=None):
        """The same HTML as Django's select templates, written in Python: a template include per option costs
        too much for lists of hundreds (the Framework for Action has over 500 items)."""
        return render_select(self, name, value, attrs)


class IdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses ids no database column can hold (e.g. 2**70) as invalid
    choices: Django's own field passes them to an `id IN (...)` query, which SQLite and PostgreSQL reject
    with a server error."""

    LIMIT = 2**63 - 1

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else []:
            try:
                out_of_range = not -self.LIMIT <= int(str(pk).strip()) <= self.LIMIT
            except ValueError:
                continue  # not a number at all: Django's own check refuses it
            if out_of_range:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super()._check_values(value)


def _text(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def withhold_names(form: forms.ModelForm, may_see_names: bool) -> None:
    """Leave out the fields that hold names of people (soma.kernel.clearance.NAMES_OF_PEOPLE) for a user whose
    clearance does not cover them: they are not shown, and a save cannot touch them."""
    if not may_see_names:
        for name in clearance.names_of_people(form._meta.model):
            form.fields.pop(name, None)


def guide_sections(tree) -> list:
    """[(section item, [subsection items])] of the guide, in order."""
    return [
        (section, tree.children(section.key, kind="guide_subsection"))
        for section in tree.children("guide", kind="guide_section")
    ]


class PlanForm(forms.ModelForm):
    """Terms of reference and the other plan fields of an assessment."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Assessment
        fields = PLAN_FIELDS
        widgets = {
            "purpose": _text(),
            "terms_of_reference": _text(6),
            "dissemination": _text(2),
            "advisory_group": _text(2),
            "start_date": DATE,
            "end_date": DATE,
            "jurisdictions": Picker(),
        }
        help_texts = {
            "jurisdictions": _("One or more countries. Type part of a name to find it; choose as many as apply."),
            "terms_of_reference": _("Purpose, depth, resources, audience: as agreed with the advisory group."),
            "dissemination": _("Who receives the report, in its public and restricted versions."),
            "advisory_group": _("Senior managers of the main stakeholders who agree the terms of reference."),
        }

    def __init__(self, *args, may_see_names: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        withhold_names(self, may_see_names)
        # Left out of a post (an older client), it stays as it is, capped at the assessment's classification.
        self.fields["new_work_classification"].required = False

    def clean(self):
        data = super().clean()
        own, new_work = data.get("classification"), data.get("new_work_classification")
        if own and new_work and clearance.rank(new_work) > clearance.rank(own):
            self.add_error("new_work_classification", _(
                "New work cannot start above the assessment's own classification (%(level)s). Choose it or a lower "
                "level, or raise the assessment's classification.") % {"level": Classification(own).label})
        return data

    def plan(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS
                if name in self.fields and (name != "new_work_classification" or self.cleaned_data[name])}


class ScopeMixin:
    """A `scope` field of guide section codes ("V", whole section) and subsection codes ("V.C")."""

    def add_scope(self, tree, initial_keys=None):
        self.sections = guide_sections(tree)
        choices = []
        for section, subsections in self.sections:
            choices.append((section.code, section.display_title))
            choices += [(sub.code, sub.display_title) for sub in subsections if sub.code != section.code]
        self.fields["scope"] = forms.MultipleChoiceField(
            label=_("Scope"), choices=choices, required=True, widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Choose at least one guide section or subsection for the scope.")},
        )
        if initial_keys is not None:
            codes = {key.split(":", 1)[1] for key in initial_keys}
            initial = set(codes)
            for section, subsections in self.sections:
                if subsections and all(sub.code in codes for sub in subsections):
                    initial.add(section.code)
            self.initial["scope"] = sorted(initial)

    def scope_tree(self) -> list[dict]:
        """The checkbox tree for the template, with the current choices ticked."""
        if self.is_bound:
            chosen = set(self.data.getlist("scope")) if hasattr(self.data, "getlist") else set()
        else:
            chosen = set(self.initial.get("scope", []))
        rows = []
        for section, subsections in self.sections:
            whole = section.code in chosen
            rows.append({
                "code": section.code,
                "title": section.display_title,
                "key": section.key,
                "checked": whole,
                "subsections": [
                    {"code": sub.code, "title": sub.display_title, "key": sub.key,
                     "checked": whole or sub.code in chosen}
                    for sub in subsections if sub.code != section.code
                ],
            })
        return rows


class CreateForm(ScopeMixin, PlanForm):
    def __init__(self, *args, tree, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["expected_version"]
        self.add_scope(tree)


class ScopeForm(ScopeMixin, forms.Form):
    def __init__(self, *args, tree, keys=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_scope(tree, keys)


class MissionForm(forms.ModelForm):
    class Meta:
        model = Mission
        fields = ("title", "start_date", "end_date", "places", "notes")
        widgets = {"start_date": DATE, "end_date": DATE, "notes": _text(2)}
        labels = {"title": _("Mission name"), "notes": _("Mission notes")}

    def __init__(self, *args, may_see_names: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        withhold_names(self, may_see_names)


MissionFormSet = forms.formset_factory(MissionForm, extra=1)


class MemberAddForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Membership._meta.get_field("role").choices,
                             initial=Role.ASSESSOR)
    clearance = forms.ChoiceField(label=_("Clearance"), choices=Classification.choices,
                                  initial=Classification.RESTRICTED)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active user is called “%(name)s”. Check the spelling, or ask an administrator to create the "
                  "account first."), params={"name": username})
        return user


class MemberChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership._meta.get_field("role").choices)
    clearance = forms.ChoiceField(label=_("Clearance"), choices=Classification.choices)


class InstitutionForm(forms.ModelForm):
    sections = forms.MultipleChoiceField(
        label=_("Guide sections concerned"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to use the guide's Table 1 for the chosen category."),
    )

    class Meta:
        model = Institution
        fields = ("name", "category", "sections", "contact_point", "clearance_notes", "notes")
        widgets = {"contact_point": _text(2), "clearance_notes": _text(2), "notes": _text(3)}
        help_texts = {"clearance_notes": _("Permissions or security clearances needed to meet this institution.")}

    def __init__(self, *args, tree, may_see_restricted, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [
            (section.code, f"{section.code}. {section.display_title}") for section, _subs in guide_sections(tree)
        ]
        withhold_names(self, may_see_restricted)


def question_label(question) -> str:
    code = question.key.split(":", 1)[1]
    prefix = "↳ " if question.level == "secondary" else ""
    text = question.text if len(question.text) <= 140 else question.text[:139] + "…"
    return f"{prefix}{code} {text}"


class ActivityForm(forms.ModelForm):
    questions = forms.MultipleChoiceField(
        label=_("Questions covered"), required=False, widget=Picker(size=12),
        help_text=_("Only questions of the assessment's scope. Type a code or words of the question to find it."),
    )

    class Meta:
        model = Activity
        fields = ("kind", "title", "date", "mission", "institutions", "questions", "notes", "participants",
                  "classification")
        widgets = {"date": DATE, "notes": _text(4), "participants": _text(2),
                   "institutions": forms.CheckboxSelectMultiple}
        field_classes = {"institutions": IdsField}

    def __init__(self, *args, scope, missions, institutions, levels, may_see_restricted, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].choices = [
            (f"{sub.code} {sub.title}", [(q.key, question_label(q)) for q in sub.questions]) for sub in scope
        ]
        self.fields["mission"].queryset = missions
        self.fields["institutions"].queryset = institutions
        if not institutions.exists():
            self.fields["institutions"].help_text = _("No stakeholders yet: add them on the Stakeholders tab.")
        self.fields["classification"].choices = clearance.classification_choices(levels)
        withhold_names(self, may_see_restricted)


class NationalQuestionForm(forms.Form):
    subsection = forms.ChoiceField(label=_("Subsection"))
    parent_key = forms.ChoiceField(
        label=_("Secondary to"), required=False,
        help_text=_("Leave empty for a primary question; or choose a question of the same subsection."),
    )
    text = forms.CharField(label=_("Question"), widget=_text(3))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsection"].choices = [(sub.key, f"{sub.code} {sub.title}") for sub in scope]
        self.fields["parent_key"].choices = [("", _("— none: a primary question —"))] + [
            (f"{sub.code} {sub.title}", [(q.key, question_label(q)) for q in sub.questions if q.level == "primary"])
            for sub in scope
        ]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(required=False, max_length=2000)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("Title of the follow-up assessment"), max_length=200)


def cleared(user, assessment) -> dict:
    seen = clearance.seen_by(user, assessment)
    return {"levels": seen.levels, "may_see_restricted": seen.names_allowed}
