"""Forms of the findings pages: they parse input; the services decide what may be saved."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soma.assessments import selectors as assessment_selectors
from soma.assessments.forms import IdsField, Picker
from soma.catalog import selectors as catalog_selectors
from soma.evidence.models import Citation
from soma.findings import selectors
from soma.findings.models import Finding, Priority, Recommendation
from soma.kernel.clearance import seen_by

SUGGESTIONS_SHOWN = 10
# The catalog kinds a recommendation may link (as soma.findings.services.save_recommendation accepts them).
LINK_KINDS = {
    "toolkit": ("toolkit_section", "toolkit_tool"),
    "framework": ("ffa_paragraph", "ffa_cell", "ffa_table_section"),
}


def choice_label(item) -> str:
    """A catalog item as a chooser lists it: its label and, when the label is only a number ("Article 6(1)",
    "Framework paragraph 145"), the start of its title or text, so that typing words finds it."""
    label = catalog_selectors.label(item)
    words = " ".join((item.title or item.text or "").split())
    if not words or words in label:
        return label
    return f"{label}: {words if len(words) <= 90 else words[:89] + '…'}"


class PlainForm(forms.Form):
    """Labels without a trailing colon (it reads badly in right-to-left languages and screen readers)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class VersionedForm(PlainForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("expected_version", None)
        return data


class FindingForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Finding.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    subsection = forms.ChoiceField(label=_("Guide subsection"))
    responses = forms.MultipleChoiceField(
        label=_("Linked answers"), required=False,
        help_text=_("Answered questions of the chosen subsection."),
        widget=Picker(size=6),
    )
    provisions = forms.MultipleChoiceField(
        label=_("Protocol provisions"), required=False,
        help_text=_("Type an article number (6.1) or words of the provision to find it."),
        widget=Picker(size=10),
    )
    classification = forms.ChoiceField(label=_("Classification"))

    def __init__(self, *args, user, assessment, linked: frozenset[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        scope = assessment_selectors.questions_in_scope(seen_by(user, assessment))
        self.fields["subsection"].choices = [(sub.key, f"{sub.code} {sub.title}") for sub in scope]
        answers = selectors.responses(seen_by(user, assessment))
        # An answer already linked stays offered even if its text was since emptied: a save keeps what it shows.
        self._responses = {str(r.pk): r for r in answers.values() if r.narrative.strip() or r.pk in linked}
        grouped = []
        for sub in scope:
            options = [
                (str(answers[q.key].pk), f"{q.key.rsplit(':', 1)[-1]}: {q.text[:90]}")
                for q in sub.questions
                if q.key in answers and str(answers[q.key].pk) in self._responses
            ]
            if options:
                grouped.append((f"{sub.code} {sub.title}", options))
        self.fields["responses"].choices = grouped
        tree = assessment_selectors.tree_for(assessment)
        provisions = []
        for article in sorted(tree.all("protocol_article"), key=lambda a: int(a.code)):
            options = [(article.key, catalog_selectors.label(article))]
            options += [(p.key, choice_label(p)) for p in tree.descendants(article) if p.kind == "provision"]
            provisions.append((catalog_selectors.label(article), options))
        self.fields["provisions"].choices = provisions
        self.fields["classification"].choices = seen_by(user, assessment).classification_choices()

    def clean(self):
        data = super().clean()
        chosen = [self._responses[pk] for pk in data.get("responses", [])]
        subsection = data.get("subsection")
        wrong = [r.question for r in chosen if subsection and r.subsection != subsection]
        if wrong:
            self.add_error("responses", _("These answers belong to another subsection: %(keys)s.")
                           % {"keys": ", ".join(wrong)})
        data["responses"] = chosen
        return data

    @classmethod
    def initial_for(cls, finding: Finding) -> dict:
        return {
            "kind": finding.kind, "title": finding.title, "text": finding.text, "subsection": finding.subsection,
            "responses": [str(r.pk) for r in finding.responses.all()], "provisions": finding.provisions,
            "classification": finding.classification, "expected_version": finding.version,
        }


class CitationForm(PlainForm):
    evidence = forms.ChoiceField(label=_("Source or activity"))
    pinpoint = forms.CharField(label=_("Pinpoint"), max_length=200, required=False,
                               help_text=_("Page, article or minute."))
    stance = forms.ChoiceField(label=_("Stance"), choices=Citation.Stance.choices)

    def __init__(self, *args, user, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self._sources = {f"source:{s.pk}": s for s in selectors.citable_sources(seen_by(user, assessment))}
        self._activities = {f"activity:{a.pk}": a for a in selectors.citable_activities(seen_by(user, assessment))}
        self.fields["evidence"].choices = [
            (_("Sources"), [(key, str(s)) for key, s in self._sources.items()]),
            (_("Activities"), [(key, str(a)) for key, a in self._activities.items()]),
        ]

    def service_fields(self) -> dict:
        key = self.cleaned_data["evidence"]
        return {
            "source": self._sources.get(key), "activity": self._activities.get(key),
            "pinpoint": self.cleaned_data["pinpoint"], "stance": self.cleaned_data["stance"],
        }


class ConclusionForm(VersionedForm):
    text = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 5}))
    basis = forms.CharField(label=_("Basis"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                            help_text=_("The findings and evidence this conclusion rests on."))
    tentative = forms.BooleanField(label=_("Tentative"), required=False, help_text=_("Mark when sources conflict."))
    findings = IdsField(
        label=_("Linked findings"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    classification = forms.ChoiceField(label=_("Classification"))

    def __init__(self, *args, user, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        seen = seen_by(user, assessment)
        self.fields["findings"].queryset = selectors.findings(seen)
        self.fields["classification"].choices = seen.classification_choices()

    @classmethod
    def initial_for(cls, conclusion) -> dict:
        return {
            "text": conclusion.text, "basis": conclusion.basis, "tentative": conclusion.tentative,
            "findings": list(conclusion.findings.all()), "classification": conclusion.classification,
            "expected_version": conclusion.version,
        }


class RecommendationForm(VersionedForm):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 5}))
    area = forms.ChoiceField(label=_("Assessment area"), help_text=_("A guide section or subsection in scope."))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    rank = forms.IntegerField(label=_("Rank within its area"), min_value=1, initial=1)
    sequence = forms.IntegerField(label=_("Sequence"), min_value=1, initial=1,
                                  help_text=_("The order in which this should be done among its area's steps."))
    institutions = IdsField(
        label=_("Responsible institutions"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    timeline = forms.CharField(label=_("Timeline"), max_length=200, required=False)
    estimated_cost = forms.DecimalField(label=_("Estimated cost"), max_digits=14, decimal_places=2, min_value=0,
                                        required=False)
    currency = forms.RegexField(label=_("Currency"), regex=r"^[A-Za-z]{3}$", required=False,
                                help_text=_("Three-letter code, for example USD or EUR."),
                                error_messages={"invalid": _("Enter a three-letter currency code such as USD.")})
    status = forms.ChoiceField(label=_("Status"), choices=Recommendation.State.choices)
    conclusions = IdsField(
        label=_("Linked conclusions"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    toolkit = forms.MultipleChoiceField(
        label=_("Toolkit sections"), required=False, widget=Picker(),
        help_text=_("Type a section number (7.11) or words of its title to find it."),
    )
    framework = forms.MultipleChoiceField(
        label=_("Framework for Action items"), required=False, widget=Picker(),
        help_text=_("Type a paragraph number or words of the item to find it."),
    )
    classification = forms.ChoiceField(label=_("Classification"))

    def __init__(self, *args, user, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        seen = seen_by(user, assessment)
        self.fields["area"].choices = [
            (area.label, [(area.key, area.label), *area.subsections]) for area in selectors.areas(seen)
        ]
        self.fields["institutions"].queryset = selectors.institutions(seen)
        self.fields["conclusions"].queryset = selectors.conclusions(seen)
        tree = assessment_selectors.tree_for(assessment)
        for name, kinds in LINK_KINDS.items():
            self.fields[name].choices = [
                (item.key, choice_label(item)) for item in tree.all() if item.kind in kinds
            ]
        self.fields["classification"].choices = seen.classification_choices()

    def clean_toolkit(self) -> list[str]:
        # A suggestion ticked and the same item chosen in the chooser arrive twice: keep it once.
        return list(dict.fromkeys(self.cleaned_data["toolkit"]))

    def clean_framework(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data["framework"]))

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()

    def clean(self):
        data = super().clean()
        if data.get("estimated_cost") is not None and not data.get("currency"):
            self.add_error("currency", _("Give the currency of the estimated cost."))
        return data

    @classmethod
    def initial_for(cls, rec: Recommendation) -> dict:
        return {
            "text": rec.text, "area": rec.area, "priority": rec.priority, "rank": rec.rank, "sequence": rec.sequence,
            "institutions": list(rec.institutions.all()), "timeline": rec.timeline,
            "estimated_cost": rec.estimated_cost, "currency": rec.currency, "status": rec.status,
            "conclusions": list(rec.conclusions.all()), "toolkit": rec.toolkit, "framework": rec.framework,
            "classification": rec.classification, "expected_version": rec.version,
        }

    def current(self, name: str) -> list[str]:
        """The keys currently chosen in a toolkit/framework field (bound data, else initial)."""
        if self.is_bound:
            return self.data.getlist(name) if hasattr(self.data, "getlist") else list(self.data.get(name, []))
        return list(self.initial.get(name) or [])


class ReviewForm(forms.Form):
    state = forms.ChoiceField(choices=[("ready", "ready"), ("reviewed", "reviewed"), ("returned", "returned")])


def suggestion_choices(assessment, area: str, chosen: dict[str, list[str]] | None,
                       tree=None) -> dict[str, list[tuple[str, str]]]:
    """For the recommendation form: per field ("toolkit", "framework"), [(key, label)] of the items the catalog's
    cross-references suggest for the area and that are not chosen yet. They are offers: nothing is chosen for
    the user, on a new recommendation (`chosen` None) as on an edit."""
    from soma.findings.services import suggestions

    tree = tree or assessment_selectors.tree_for(assessment)
    suggested = suggestions(assessment, area) if area else {"toolkit": [], "ffa": []}
    result = {}
    for name, document in (("toolkit", "toolkit"), ("framework", "ffa")):
        taken = set((chosen or {}).get(name, []))
        result[name] = [(item.key, choice_label(item))
                        for item in suggested[document][:SUGGESTIONS_SHOWN] if item.key not in taken]
    return result
