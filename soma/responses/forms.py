"""Input of the questions workspace. Forms only parse; responses.services and evidence.services decide.

The question page shows thirty-odd answer cards. Building two Form instances per card and rendering every
select through Django's widget templates was most of that page's time, so the page shows plain values
(`AnswerFields`, `CiteFields`) with options built once per page (`PageChoices`, `EvidenceChoices`), and the
forms below are only used to parse what is posted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from markupsafe import escape as markup_escape

from soma.evidence import selectors as evidence_selectors
from soma.evidence.models import Citation
from soma.findings import selectors as finding_selectors
from soma.findings.models import Implementation, ReviewState
from soma.kernel.clearance import seen_by


class ResponseForm(forms.Form):
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    narrative = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    de_jure = forms.ChoiceField(label=_("De jure"), choices=Implementation.choices,
                                help_text=_("What the law and official policy say."))
    de_facto = forms.ChoiceField(label=_("De facto"), choices=Implementation.choices,
                                 help_text=_("What happens in practice."))
    classification = forms.ChoiceField(label=_("Classification"))

    def __init__(self, *args, user, assessment, choices: PageChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = (
            choices.classification if choices is not None else seen_by(user, assessment).classification_choices()
        )

    FIELDS = ("narrative", "de_jure", "de_facto", "classification")

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ReviewForm(forms.Form):
    state = forms.ChoiceField(choices=ReviewState.choices)


def _options(choices: list[tuple[str, str]], selected: object) -> SafeString:
    return format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == str(selected) else "", label) for value, label in choices),
    )


# Option markup by (language, field, the values offered, the value selected): the same few dozen strings on every
# page of every assessment, so built once per process.
_OPTIONS_HTML: dict[tuple[str | None, str, tuple[str, ...], str], SafeString] = {}


class PageChoices:
    """The answer form's choices for one user on one assessment, read once per page; the option markup of each
    (field, selected value) pair is built once and shared by every card."""

    SELECTS = (("de_jure", _("De jure")), ("de_facto", _("De facto")), ("classification", _("Classification")))
    STANCES = Citation.Stance.choices

    def __init__(self, user, assessment):
        self.user, self.assessment = user, assessment
        self.seen = seen_by(user, assessment)
        self._html: dict[tuple[str, object], SafeString] = {}

    @cached_property
    def classification(self) -> list[tuple[str, str]]:
        return self.seen.classification_choices()

    @cached_property
    def default_classification(self) -> str:
        return self.seen.default_classification()

    @cached_property
    def select_labels(self) -> list[tuple[str, str]]:
        return [(name, str(label)) for name, label in self.SELECTS]

    @cached_property
    def _offered(self) -> dict[str, tuple[list[tuple[str, str]], tuple[str, ...]]]:
        """Each select's choices and the values they offer (as strings), worked out once per page."""
        offered = {"classification": self.classification, "stance": self.STANCES}
        offered |= {name: Implementation.choices for name, _label in self.SELECTS if name not in offered}
        return {name: (choices, tuple(str(value) for value, _label in choices)) for name, choices in offered.items()}

    def options(self, name: str, selected: object) -> SafeString:
        found = self._html.get((name, selected))
        if found is None:
            choices, values = self._offered[name]
            key = (get_language(), name, values, str(selected))
            found = _OPTIONS_HTML.get(key)
            if found is None:
                found = _options(choices, selected)
                if key[3] in values or selected is None:  # a posted value outside the choices is not kept
                    _OPTIONS_HTML[key] = found
            self._html[name, selected] = found
        return found


@dataclass
class Select:
    name: str
    label: str
    options: SafeString
    errors: list[str]


@dataclass
class AnswerFields:
    """What one card's answer form shows: its values and errors (no Form instance, no widget templates)."""

    values: dict[str, object]
    errors: dict[str, list[str]] = field(default_factory=dict)
    selects: list[Select] = field(default_factory=list)

    @classmethod
    def build(cls, choices: PageChoices, values: dict[str, object], errors=None) -> AnswerFields:
        errors = {name: list(messages) for name, messages in (errors or {}).items()}
        selects = [Select(name, label, choices.options(name, values.get(name)), errors.get(name, []))
                   for name, label in choices.select_labels]
        return cls(values=values, errors=errors, selects=selects)

    @classmethod
    def from_form(cls, choices: PageChoices, form: ResponseForm) -> AnswerFields:
        """A posted form that did not validate: the values as typed, with the form's errors."""
        values = {name: form[name].value() for name in ("expected_version", *ResponseForm.FIELDS)}
        return cls.build(choices, values, form.errors)


@dataclass
class CiteFields:
    """What one card's citation form shows. The sources and activities to choose from are one <datalist> each
    per page (EvidenceChoices.datalist), which the card's inputs name with their `list` attribute."""

    values: dict[str, object]
    stance: SafeString
    errors: dict[str, list[str]] = field(default_factory=dict)
    non_field_errors: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, choices: PageChoices, form: CitationForm | None = None) -> CiteFields:
        if form is None:
            return cls(values={}, stance=choices.options("stance", Citation.Stance.SUPPORTS))
        values = {name: form.data.get(name, "") for name in ("source", "activity", "pinpoint", "stance")}
        errors = {name: list(messages) for name, messages in form.errors.items() if name != "__all__"}
        return cls(values=values, stance=choices.options("stance", values["stance"]), errors=errors,
                   non_field_errors=list(form.non_field_errors()))


class EvidenceChoices:
    """The sources and activities a user may cite, read once and offered by one <datalist> each on the page.
    A source or activity is chosen by its name (what the list shows); its id is accepted too (API-like posts).
    Names that are not unique get their id added, so every name picks one thing."""

    DATALIST_IDS = {"source": "cite-sources", "activity": "cite-activities"}

    def __init__(self, user, assessment):
        self.user, self.assessment = user, assessment
        seen = seen_by(user, assessment)
        found = {  # the sources without evidence.selectors.sources' count of citations (a GROUP BY over them all)
            "source": finding_selectors.citable_sources(seen).values_list("pk", "title"),
            "activity": finding_selectors.citable_activities(seen).values_list("pk", "title"),
        }
        self.by_pk: dict[str, dict[str, int]] = {}
        self.by_label: dict[str, dict[str, int]] = {}
        for kind, rows in found.items():
            rows = list(rows)
            count = Counter(title for _pk, title in rows)
            self.by_pk[kind] = {str(pk): pk for pk, _title in rows}
            self.by_label[kind] = {(title if count[title] == 1 else f"{title} (#{pk})"): pk for pk, title in rows}

    def find(self, kind: str, typed: str):
        """The source or activity a posted value names, None when blank; ValidationError when it names none."""
        typed = (typed or "").strip()
        if not typed:
            return None
        pk = self.by_label[kind].get(typed) or self.by_pk[kind].get(typed)
        if pk is None:
            raise forms.ValidationError(
                _("“%(typed)s” is not in the list of %(what)s you may cite: pick one from the list."),
                params={"typed": typed, "what": _("sources") if kind == "source" else _("activities")},
            )
        read = evidence_selectors.sources if kind == "source" else evidence_selectors.activities
        return read(seen_by(self.user, self.assessment)).get(pk=pk)

    def datalist(self, kind: str) -> SafeString:
        # One join of markupsafe's escape (in C): format_html, then Django's escape per option were most of the
        # cost of a list of 300 sources.
        options = "".join([f'<option value="{markup_escape(label)}"></option>' for label in self.by_label[kind]])
        return mark_safe(f'<datalist id="{escape(self.DATALIST_IDS[kind])}">{options}</datalist>')


class CitationForm(forms.Form):
    """A source with a pinpoint and a stance, or an activity (interview, site visit...)."""

    source = forms.CharField(label=_("Source"), required=False)
    activity = forms.CharField(label=_("or activity"), required=False)
    pinpoint = forms.CharField(label=_("Pinpoint"), max_length=200, required=False,
                               help_text=_("Page, article or minute."))
    stance = forms.ChoiceField(label=_("Stance"), choices=Citation.Stance.choices, initial=Citation.Stance.SUPPORTS)

    def __init__(self, *args, user, assessment, evidence: EvidenceChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence = evidence or EvidenceChoices(user, assessment)

    def clean_source(self):
        return self.evidence.find("source", self.cleaned_data["source"])

    def clean_activity(self):
        return self.evidence.find("activity", self.cleaned_data["activity"])

    def clean(self):
        data = super().clean()
        if "source" in self.errors or "activity" in self.errors:
            return data  # a name not in the list: that message says what to do
        if not data.get("source") and not data.get("activity"):
            raise forms.ValidationError(_("Choose a source or an activity to cite."))
        if data.get("source") and data.get("activity"):
            raise forms.ValidationError(_("Cite a source or an activity, not both at once: add two citations."))
        return data
