"""The question-by-question workspace: answers, their status, review and evidence, saved as one types.

Thin views: forms parse, responses.services / evidence.services write, responses.selectors read.
Every write answers an htmx request with the question's fragment (autosave) and a plain request with a
redirect back to the question's anchor, so the page works without JavaScript too.
"""

from contextlib import contextmanager
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import get_template
from django.urls import reverse
from django.urls.resolvers import RFC3986_SUBDELIMS
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soma.assessments import services as assessment_services
from soma.assessments.models import Classification
from soma.evidence import services as evidence_services
from soma.evidence.models import Citation
from soma.findings.models import Implementation, ReviewState
from soma.kernel.access import Action, PermissionDenied, can, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import EditConflict, ServiceError
from soma.kernel.pages import assessment_page, page_context, refusal
from soma.responses import selectors, services
from soma.responses.forms import (
    AnswerFields,
    CitationForm,
    CiteFields,
    EvidenceChoices,
    PageChoices,
    ResponseForm,
    ReviewForm,
)

questions_page = assessment_page(tab="questions")
# A write: another method is 405 for anyone signed in, before the assessment is looked up.
questions_page_post = assessment_page(tab="questions", methods=["POST"])

HIDDEN_MESSAGE = gettext_lazy(
    "An answer to this question exists at a classification above your clearance. Ask the lead to update it."
)


@questions_page
def index(request, assessment):
    sections = selectors.index(seen_by(request.user, assessment))
    context = page_context(request, assessment, "questions", sections=sections)
    return render(request, "responses/index.html", context)


@questions_page
def subsection(request, assessment, key):
    return _render_subsection(request, assessment, key)


FILTER_LABELS = {"all": gettext_lazy("All"), "unanswered": gettext_lazy("Unanswered"),
                 "unreviewed": gettext_lazy("Not reviewed"), "uncited": gettext_lazy("No evidence cited")}


def _render_subsection(request, assessment, key, replace=None, status=200, bulk=None):
    """The subsection page; `replace` is a QuestionView (with its fields) to show instead of the stored one;
    `bulk` what a refused bulk action was sent with (shown as typed, with its message)."""
    workspace = selectors.subsection(seen_by(request.user, assessment), key)
    query = request.GET if request.method == "GET" else {}
    shown = selectors.filter_workspace(workspace, query.get("show", "all"), query.get("de_jure", ""),
                                       query.get("de_facto", ""))
    choices, cards = PageChoices(request.user, assessment), _Cards(assessment)
    for item in _walk(workspace.questions):
        if replace is not None and item.question.key == replace.question.key:
            for name in ("fields", "cite", "conflict", "error", "saved_at", "can_edit", "can_review", "urls",
                         "review_label", "citations"):
                setattr(item, name, getattr(replace, name, None))
        else:
            _prepare(request, assessment, item, workspace.can_edit, choices=choices, can_review=workspace.can_review,
                     cards=cards)
    evidence = EvidenceChoices(request.user, assessment) if workspace.can_edit else None
    # The page's content in one Jinja2 render (responses/jinja2/responses/_workspace.html), with its one CSRF field;
    # the frame around it is the assessment's (a Django template).
    content = get_template("responses/_workspace.html", using="jinja2").render({
        "assessment": assessment, "workspace": workspace, "user_pk": request.user.pk, "csrf": csrf_input(request),
        "shown": shown, "filters": [(name, FILTER_LABELS[name], shown.counts[name])
                                    for name in selectors.WORKSPACE_FILTERS],
        "statuses": Implementation.choices, "bulk": bulk or {"values": {}, "selected": set()},
        "classifications": choices.classification, "stances": Citation.Stance.choices,
        "datalists": [evidence.datalist(kind) for kind in EvidenceChoices.DATALIST_IDS] if evidence else [],
    })
    context = page_context(request, assessment, "questions", workspace=workspace,
                           content=mark_safe(content))  # noqa: S308 (Jinja2 escaped it)
    return render(request, "responses/subsection.html", context, status=status)


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.secondaries)


class _Cards:
    """What every card of a page shares, worked out once: its URLs (reverse() costs about as much as rendering a
    card, and a card has five to ten URLs: each pattern is reversed once and the question key or citation id put
    in its place) and the labels of review states and stances (a model's get_FOO_display() rebuilds its choices
    on every call)."""

    KEY, PK = "QUESTION-KEY", 987654321

    def __init__(self, assessment):
        self.patterns = {name: reverse(f"responses:{name}", args=[assessment.pk, self.KEY])
                         for name in ("save", "review", "confirm", "cite")}
        self.uncite = reverse("responses:uncite", args=[assessment.pk, self.PK])
        self.review_labels = {value: str(label) for value, label in ReviewState.choices}
        self.stance_labels = {value: str(label) for value, label in Citation.Stance.choices}

    def attach(self, item):
        key = quote(item.question.key, safe=RFC3986_SUBDELIMS + "/~:@")  # as reverse() quotes it
        item.urls = {name: pattern.replace(self.KEY, key) for name, pattern in self.patterns.items()}
        item.review_label = self.review_labels.get(item.response.review_state) if item.response else None
        for citation in item.citations:
            citation.uncite_url = self.uncite.replace(str(self.PK), str(citation.pk))
            citation.stance_label = self.stance_labels.get(citation.stance, citation.stance)


def _prepare(request, assessment, item, can_edit, form=None, cite_form=None, choices=None, can_review=None,
             cards=None):
    """Attach what a question's card shows: the answer's and the citation's fields (none for read-only members
    or hidden answers). `form` / `cite_form` are posted forms that did not validate, shown as typed."""
    choices = choices or PageChoices(request.user, assessment)
    (cards or _Cards(assessment)).attach(item)
    item.can_edit = can_edit
    item.can_review = can(request.user, Action.REVIEW, assessment) if can_review is None else can_review
    for name in ("conflict", "error", "saved_at"):
        if not hasattr(item, name):
            setattr(item, name, None)
    if not can_edit or item.hidden:
        item.fields = item.cite = None
        return item
    if form is not None:
        item.fields = AnswerFields.from_form(choices, form)
    else:
        answer = item.response
        item.fields = AnswerFields.build(choices, {
            "expected_version": item.version,
            "narrative": answer.narrative if answer else "",
            "de_jure": answer.de_jure if answer else "unknown",
            "de_facto": answer.de_facto if answer else "unknown",
            "classification": answer.classification if answer else choices.default_classification,
        })
    item.cite = CiteFields.build(choices, cite_form) if item.response else None
    return item


def _respond(request, assessment, item, status=200, message=None):
    """The question's fragment for htmx; otherwise back to the question on its page (or the page with it)."""
    if request.htmx:
        context = {"assessment": assessment, "item": item}
        return render(request, "responses/_answer.html", context, status=status, using="jinja2")
    if status >= 400:
        return _render_subsection(request, assessment, item.question.subsection, replace=item, status=status)
    if message:
        messages.success(request, message)
    url = reverse("responses:subsection", args=[assessment.pk, item.question.subsection])
    return redirect(f"{url}#{item.anchor}")


def _start(request, assessment, question):
    """The question (404 outside the scope) and its current view for this user."""
    q = selectors.question(seen_by(request.user, assessment), question)
    return selectors.question_view(seen_by(request.user, assessment), q, load=True)


def _refused(request, assessment, item, error, status=403):
    """Say what was refused: on the question (fragment or page), or a 403 page for read-only members."""
    can_edit = can(request.user, Action.EDIT, assessment)
    if status == 403 and not can_edit and not request.htmx:
        return refusal(request, assessment, str(error), tab="questions")
    _prepare(request, assessment, item, can_edit)
    item.error = str(error)
    return _respond(request, assessment, item, status=status)


class _Refused(Exception):
    """A write on one question refused: answered on the question by `question_write` (see _refused)."""

    def __init__(self, item, error, status=403):
        super().__init__(str(error))
        self.item, self.status = item, status


@contextmanager
def _refusals(item):
    """The services' refusals of a write on this question: the role or clearance 403, anything else 400."""
    try:
        yield
    except PermissionDenied as error:
        raise _Refused(item, error) from None
    except ServiceError as error:
        raise _Refused(item, error, 400) from None


def _question_write(view):
    @wraps(view)
    def write(request, assessment, *args, **kwargs):
        try:
            return view(request, assessment, *args, **kwargs)
        except _Refused as refused:
            return _refused(request, assessment, refused.item, refused, refused.status)

    return write


@questions_page_post
@_question_write
def save(request, assessment, question):
    item = _start(request, assessment, question)
    with _refusals(item):
        require(request.user, Action.EDIT, assessment)
    if item.hidden:
        raise _Refused(item, HIDDEN_MESSAGE)
    form = ResponseForm(request.POST, user=request.user, assessment=assessment, auto_id=f"{item.anchor}-%s")
    if not form.is_valid():
        _prepare(request, assessment, item, True, form=form)
        item.error = _("The answer was not saved: correct the fields marked below.")
        return _respond(request, assessment, item, status=400)
    fields = form.service_fields()
    if _unchanged(item.response, fields):
        _prepare(request, assessment, item, True)
        return _respond(request, assessment, item)
    try:
        services.save_response(
            request.user, assessment, question, expected_version=form.cleaned_data["expected_version"], **fields
        )
    except EditConflict as conflict:
        return _conflict(request, assessment, question, conflict, fields)
    except PermissionDenied as error:
        return _refused(request, assessment, item, error)
    except ServiceError as error:
        _prepare(request, assessment, item, True, form=form)
        item.error = str(error)
        return _respond(request, assessment, item, status=400)
    item = selectors.question_view(seen_by(request.user, assessment), item.question, load=True)
    _prepare(request, assessment, item, True)
    item.saved_at = timezone.localtime()
    return _respond(request, assessment, item, message=_("Answer saved."))


def _unchanged(answer, fields) -> bool:
    """Nothing to write: a blank first answer, or the same values as stored (e.g. a keyup of Tab)."""
    if answer is None:
        return not fields["narrative"].strip() and fields["de_jure"] == fields["de_facto"] == "unknown"
    return all(getattr(answer, name) == value for name, value in fields.items())


def _conflict(request, assessment, question, conflict, mine):
    """Someone else saved first: show their text and mine, and a form against their (new) version."""
    seen = seen_by(request.user, assessment)
    item = selectors.question_view(seen, selectors.question(seen, question), load=True)
    if item.hidden or item.response is None:
        return _refused(request, assessment, item, HIDDEN_MESSAGE)
    theirs = {name: getattr(item.response, name) for name in ResponseForm.FIELDS}
    choices = PageChoices(request.user, assessment)
    _prepare(request, assessment, item, True, choices=choices)
    item.fields = AnswerFields.build(choices, dict(mine, expected_version=item.response.version))
    item.conflict = {
        "theirs": theirs,
        "mine": mine,
        "by": item.response.updated_by,
        "at": item.response.updated_at,
        "mine_labels": {
            "de_jure": Implementation(mine["de_jure"]).label,
            "de_facto": Implementation(mine["de_facto"]).label,
            "classification": Classification(mine["classification"]).label,
        },
    }
    return _respond(request, assessment, item, status=409)


@questions_page_post
@_question_write
def review(request, assessment, question):
    item = _start(request, assessment, question)
    form = ReviewForm(request.POST)
    if item.response is None or not form.is_valid():
        raise _Refused(item, _("Save an answer before asking for or giving a review."), 400)
    with _refusals(item):
        services.set_review_state(request.user, assessment, item.response, form.cleaned_data["state"])
    item = selectors.question_view(seen_by(request.user, assessment), item.question, load=True)
    _prepare(request, assessment, item, can(request.user, Action.EDIT, assessment))
    return _respond(request, assessment, item, message=_("Review state changed."))


@questions_page_post
@_question_write
def confirm(request, assessment, question):
    """A carried-over answer checked and kept as it is."""
    item = _start(request, assessment, question)
    if item.response is None:
        raise _Refused(item, _("There is no answer to confirm."), 400)
    with _refusals(item):
        assessment_services.confirm_carried_over(request.user, assessment, item.response)
    item = selectors.question_view(seen_by(request.user, assessment), item.question, load=True)
    _prepare(request, assessment, item, True)
    return _respond(request, assessment, item, message=_("Answer confirmed for this assessment."))


@questions_page_post
@_question_write
def cite(request, assessment, question):
    item = _start(request, assessment, question)
    with _refusals(item):
        require(request.user, Action.EDIT, assessment)
    if item.response is None:
        raise _Refused(item, _("Write and save an answer before citing evidence for it."), 400)
    form = CitationForm(request.POST, user=request.user, assessment=assessment, auto_id=f"{item.anchor}-cite-%s")
    if not form.is_valid():
        _prepare(request, assessment, item, True, cite_form=form)
        return _respond(request, assessment, item, status=400)
    with _refusals(item):
        evidence_services.cite(request.user, assessment, response=item.response, **form.cleaned_data)
    item = selectors.question_view(seen_by(request.user, assessment), item.question, load=True)
    _prepare(request, assessment, item, True)
    return _respond(request, assessment, item, message=_("Citation added."))


@questions_page_post
@_question_write
def uncite(request, assessment, citation_pk):
    citation = selectors.citation(seen_by(request.user, assessment), citation_pk)
    q = selectors.question(seen_by(request.user, assessment), citation.response.question)
    item = selectors.question_view(seen_by(request.user, assessment), q, load=True)
    with _refusals(item):
        evidence_services.uncite(request.user, assessment, citation)
    item = selectors.question_view(seen_by(request.user, assessment), q, load=True)
    _prepare(request, assessment, item, True)
    return _respond(request, assessment, item, message=_("Citation removed."))


@questions_page_post
def bulk(request, assessment):
    """One action on the selected questions (a checkbox per card, the page's bulk bar): cite one source with one
    pinpoint, set a review state or a classification. All or nothing; a refusal shows the page again as sent."""
    key = request.POST.get("subsection", "")
    versions = {}
    for value in request.POST.getlist("selected"):
        version, _sep, question = value.partition(" ")
        if version.isdigit() and question:
            versions[question] = int(version)
    action = request.POST.get("action", "")
    # Who may act at all is decided before what was sent is read (the services check again).
    require(request.user, Action.REVIEW if action in ("reviewed", "returned") else Action.EDIT, assessment)
    try:
        if action == "cite":
            form = CitationForm(request.POST, user=request.user, assessment=assessment, prefix="bulk")
            if not form.is_valid():
                errors = [str(e) for errors in form.errors.values() for e in errors]
                raise ServiceError(" ".join(errors))
            done = services.bulk_cite(request.user, assessment, versions, **form.cleaned_data)
            message = _("Citation added to %(count)d answers.") % {"count": len(done)}
        elif action in ("ready", "reviewed", "returned"):
            done = services.bulk_review(request.user, assessment, versions, action)
            message = _("Review state changed on %(count)d answers.") % {"count": len(done)}
        elif action == "classify":
            done = services.bulk_classify(request.user, assessment, versions,
                                          request.POST.get("bulk-classification", ""))
            message = _("Classification set on %(count)d answers.") % {"count": len(done)}
        else:
            raise ServiceError(_("Choose what to do with the selected questions."))
    except (PermissionDenied, ServiceError) as error:
        status = 403 if isinstance(error, PermissionDenied) else 409 if isinstance(error, EditConflict) else 400
        sent = {"values": request.POST, "selected": set(versions), "error": str(error)}
        return _render_subsection(request, assessment, key, status=status, bulk=sent)
    messages.success(request, message)
    url = reverse("responses:subsection", args=[assessment.pk, key])
    back = request.POST.get("back", "")  # the filter the page was shown with: a query string on this page's URL
    return redirect(f"{url}?{back}" if back else url)
