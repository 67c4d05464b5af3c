"""The assessment's own pages: plan, scope, missions, status, team, stakeholders, activities, national questions,
history. Thin: forms parse, services write, selectors read; refusals are shown, never a server error."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soma.accounts import forms as account_forms
from soma.accounts import services as account_services
from soma.assessments import forms, list_filters, selectors, services
from soma.assessments.models import STATUS_ORDER, Status
from soma.catalog import selectors as catalog_selectors
from soma.core import list_views
from soma.kernel.access import Action, can, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import EditConflict, ServiceError
from soma.kernel.pages import Refused, assessment_page, page_context

HISTORY_PAGE_SIZE = 50


# --- List and create ----------------------------------------------------------------------------------------------


@login_required
def assessment_list(request):
    return render(request, "assessments/list.html", {"assessments": selectors.my_assessments(request.user)})


@login_required
def create(request):
    tree = catalog_selectors.tree()
    if tree is None:
        messages.error(request, _("No catalog is loaded. An administrator must run `soma catalog load` first."))
        return redirect("assessments:list")
    form = forms.CreateForm(request.POST or None, tree=tree)
    missions = forms.MissionFormSet(request.POST or None, prefix="missions")
    status = 200
    if request.method == "POST":
        if form.is_valid() and missions.is_valid():
            rows = [m.cleaned_data for m in missions if m.has_changed() and m.cleaned_data]
            try:
                created = services.create_assessment(
                    request.user, scope=form.cleaned_data["scope"], missions=rows, **form.plan()
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Assessment created. You are its lead."))
                for warning in created.warnings:
                    messages.warning(request, warning)
                return redirect("assessments:detail", created.assessment.pk)
        status = 400
    return render(request, "assessments/create.html", {"form": form, "missions": missions}, status=status)


# --- Plan ---------------------------------------------------------------------------------------------------------


def _stepper(assessment):
    current = STATUS_ORDER.index(assessment.status)
    labels = dict(Status.choices)
    return [
        {"value": value, "label": labels[value],
         "state": "done" if i < current else "current" if i == current else "todo"}
        for i, value in enumerate(STATUS_ORDER)
    ]


def _neighbour(assessment, step):
    index = STATUS_ORDER.index(assessment.status) + step
    if 0 <= index < len(STATUS_ORDER):
        value = STATUS_ORDER[index]
        return {"value": value, "label": dict(Status.choices)[value]}
    return None


def _render_detail(request, assessment, status=200):
    seen = seen_by(request.user, assessment)
    context = page_context(
        request, assessment, "plan",
        scope=selectors.questions_in_scope(seen),
        missions=selectors.missions(seen),
        guidance=selectors.stage_guidance(assessment),
        stepper=_stepper(assessment),
        previous_stage=_neighbour(assessment, -1),
        next_stage=_neighbour(assessment, 1),
        status_changes=selectors.status_changes(seen),
        approvals=selectors.final_approvals_since_review(seen) if assessment.status == Status.REVIEW
        else [],
        follow_up_form=forms.FollowUpForm(initial={"title": _("Follow-up: %(title)s") % {"title": assessment.title}}),
    )
    return render(request, "assessments/detail.html", context, status=status)


@assessment_page
def detail(request, assessment):
    return _render_detail(request, assessment)


@assessment_page
def edit(request, assessment):
    require(request.user, Action.MANAGE, assessment)
    initial = {name: getattr(assessment, name) for name in services.PLAN_FIELDS}
    initial["jurisdictions"] = [country.code for country in assessment.jurisdictions]
    initial["expected_version"] = assessment.version
    may_see_names = seen_by(request.user, assessment).names_allowed
    form = forms.PlanForm(request.POST or None, initial=initial, may_see_names=may_see_names)
    status, current = 200, None
    if request.method == "POST":
        if form.is_valid():
            expected = form.cleaned_data["expected_version"] or assessment.version
            try:
                warnings = services.update_plan(request.user, assessment, expected_version=expected, **form.plan())
            except EditConflict as stale:
                current = stale.current
                messages.error(request, str(stale))
                # The user's input stays in the form; saving again now overwrites the current version knowingly.
                data = request.POST.copy()
                data["expected_version"] = str(current.version)
                form = forms.PlanForm(data, initial=initial, may_see_names=may_see_names)
                form.is_valid()
                status = 409
            except ServiceError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Plan saved."))
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("assessments:detail", assessment.pk)
        else:
            status = 400
    return render(request, "assessments/edit.html",
                  page_context(request, assessment, "plan", form=form, current=current), status=status)


@assessment_page
def scope(request, assessment):
    require(request.user, Action.MANAGE, assessment)
    tree = selectors.tree_for(assessment)
    form = forms.ScopeForm(request.POST or None, tree=tree, keys=selectors.scope_keys(assessment))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                warnings = services.set_scope(request.user, assessment, form.cleaned_data["scope"])
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Scope saved."))
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("assessments:detail", assessment.pk)
        status = 400
    return render(request, "assessments/scope.html", page_context(request, assessment, "plan", form=form),
                  status=status)


@assessment_page
def missions(request, assessment, mission_pk=None):
    user = request.user
    mission = selectors.mission(seen_by(user, assessment), mission_pk) if mission_pk else None
    if request.method == "POST" or mission is not None:
        require(request.user, Action.MANAGE, assessment)
    form = forms.MissionForm(request.POST or None, instance=mission,
                             may_see_names=seen_by(user, assessment).names_allowed) if can(
        user, Action.MANAGE, assessment) else None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_mission(user, assessment, mission, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Mission saved."))
                return redirect("assessments:missions", assessment.pk)
        status = 400
    context = page_context(request, assessment, "plan", form=form, mission=mission,
                       missions=selectors.missions(seen_by(user, assessment)))
    return render(request, "assessments/missions.html", context, status=status)


@assessment_page
@require_POST
def change_status(request, assessment):
    require(request.user, Action.MANAGE, assessment)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        raise Refused(_("Choose the stage to move to."), 400)
    try:
        services.change_status(request.user, assessment, form.cleaned_data["to_status"], form.cleaned_data["note"])
    except ServiceError as error:
        messages.error(request, str(error))
        return _render_detail(request, assessment, status=400)
    messages.success(request, _("The assessment is now at the stage: %(stage)s.")
                     % {"stage": assessment.get_status_display()})
    return redirect("assessments:detail", assessment.pk)


@assessment_page
@require_POST
def approve(request, assessment):
    form = forms.ApproveForm(request.POST)
    form.is_valid()
    try:
        services.approve_final(request.user, assessment, form.cleaned_data.get("note", ""))
    except ServiceError as error:
        messages.error(request, str(error))
        return _render_detail(request, assessment, status=400)
    messages.success(request, _("You approved the assessment for its final status. The lead may now make it final."))
    return redirect("assessments:detail", assessment.pk)


# --- Team ---------------------------------------------------------------------------------------------------------


def _render_team(request, assessment, add_form=None, status=200, invite_forms=None):
    user = request.user
    rows = []
    for member in selectors.members(seen_by(user, assessment)):
        change = forms.MemberChangeForm(initial={"role": member.role, "clearance": member.clearance},
                                        auto_id=f"id_member{member.pk}_%s")
        rows.append((member, change))
    invite_form, invite_role = invite_forms or (
        account_forms.InviteForm(prefix="invite"),
        forms.MemberChangeForm(prefix="invite", initial={"role": "assessor", "clearance": "restricted"}))
    context = page_context(request, assessment, "team", rows=rows,
                       add_form=add_form or forms.MemberAddForm(), invite_form=invite_form, invite_role=invite_role)
    return render(request, "assessments/team.html", context, status=status)


def _invite(request, assessment):
    """A new member by e-mail (soma.accounts.services.invite): the account, the membership and the e-mail, all or
    nothing."""
    form = account_forms.InviteForm(request.POST, prefix="invite")
    role = forms.MemberChangeForm(request.POST, prefix="invite")
    if form.is_valid() and role.is_valid():
        data = role.cleaned_data
        try:
            invited = account_services.invite(
                request.user, form.cleaned_data["email"], base_url=request.build_absolute_uri("/"),
                first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"],
                assessment=assessment, join_details=data,
                join=lambda new: services.add_member(request.user, assessment, new, data["role"], data["clearance"]))
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(email)s is invited and on the team: SOMA sent them a link to set a "
                                        "password.") % {"email": invited.email})
            return redirect("assessments:team", assessment.pk)
    return _render_team(request, assessment, status=400, invite_forms=(form, role))


@assessment_page
def team(request, assessment):
    if request.method != "POST":
        return _render_team(request, assessment)
    require(request.user, Action.MANAGE, assessment)
    if "invite" in request.POST:
        return _invite(request, assessment)
    form = forms.MemberAddForm(request.POST)
    if form.is_valid():
        try:
            added = services.add_member(request.user, assessment, form.cleaned_data["username"],
                                        form.cleaned_data["role"], form.cleaned_data["clearance"])
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(user)s joined the team.") % {"user": added.user})
            return redirect("assessments:team", assessment.pk)
    return _render_team(request, assessment, form, status=400)


@assessment_page
@require_POST
def team_member(request, assessment, member_pk):
    require(request.user, Action.MANAGE, assessment)
    member = selectors.membership(seen_by(request.user, assessment), member_pk)
    try:
        if "remove" in request.POST:
            services.remove_member(request.user, assessment, member)
            messages.success(request, _("%(user)s left the team.") % {"user": member.user})
        else:
            form = forms.MemberChangeForm(request.POST)
            if not form.is_valid():
                raise Refused(_("Choose a role and a clearance."), 400)
            services.change_member(request.user, assessment, member, **form.cleaned_data)
            messages.success(request, _("%(user)s's role and clearance saved.") % {"user": member.user})
    except ServiceError as error:
        messages.error(request, str(error))
        return _render_team(request, assessment, status=400)
    return redirect("assessments:team", assessment.pk)


# --- Stakeholders -------------------------------------------------------------------------------------------------


@assessment_page
def institutions(request, assessment):
    """Stakeholders, filtered, sorted and paged as asked; the choice is remembered (soma/core/list_views.py)."""
    back = list_views.restore(request, list_filters.INSTITUTIONS, assessment.pk)
    if back:
        return back
    choice = list_views.choose(request, list_filters.INSTITUTIONS, assessment.pk,
                               selectors.institutions(seen_by(request.user, assessment)))
    return render(request, "assessments/institutions.html",
                  page_context(request, assessment, "institutions", institutions=choice.rows, choice=choice))


@assessment_page
def institution_form(request, assessment, institution_pk=None):
    user = request.user
    institution = selectors.institution(seen_by(user, assessment), institution_pk) if institution_pk else None
    require(request.user, Action.EDIT, assessment)
    form = forms.InstitutionForm(request.POST or None, instance=institution, tree=selectors.tree_for(assessment),
                                 **_may_see(request, assessment))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_institution(user, assessment, institution, **form.cleaned_data)
            except (ServiceError, ValidationError) as error:
                form.add_error(None, _message(error))
            else:
                messages.success(request, _("Stakeholder saved."))
                return redirect("assessments:institutions", assessment.pk)
        status = 400
    context = page_context(request, assessment, "institutions", form=form, institution=institution)
    return render(request, "assessments/institution_form.html", context, status=status)


def _may_see(request, assessment):
    return {"may_see_restricted": seen_by(request.user, assessment).names_allowed}


def _message(error):
    messages_ = getattr(error, "messages", None)
    return " ".join(messages_) if messages_ else str(error)


# --- Activities ---------------------------------------------------------------------------------------------------


@assessment_page
def activities(request, assessment):
    """Activities, filtered, sorted and paged as asked; the choice is remembered (soma/core/list_views.py)."""
    back = list_views.restore(request, list_filters.ACTIVITIES, assessment.pk)
    if back:
        return back
    seen = seen_by(request.user, assessment)
    choice = list_views.choose(request, list_filters.ACTIVITIES, assessment.pk, selectors.activities(seen))
    texts = {q.key: q for sub in selectors.questions_in_scope(seen) for q in sub.questions}
    rows = [(activity, [(key, texts.get(key)) for key in activity.questions]) for activity in choice.rows]
    return render(request, "assessments/activities.html",
                  page_context(request, assessment, "activities", rows=rows, choice=choice))


@assessment_page
def activity_form(request, assessment, activity_pk=None):
    user = request.user
    activity = selectors.activity(seen_by(user, assessment), activity_pk) if activity_pk else None
    require(request.user, Action.EDIT, assessment)
    form = forms.ActivityForm(
        request.POST or None,
        instance=activity,
        initial=None if activity else {"classification": seen_by(user, assessment).default_classification()},
        scope=selectors.questions_in_scope(seen_by(user, assessment)),
        missions=selectors.missions(seen_by(user, assessment)),
        institutions=selectors.institutions(seen_by(user, assessment)),
        **forms.cleared(user, assessment),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_activity(user, assessment, activity, **form.cleaned_data)
            except (ServiceError, ValidationError) as error:
                form.add_error(None, _message(error))
            else:
                messages.success(request, _("Activity saved."))
                return redirect("assessments:activities", assessment.pk)
        status = 400
    context = page_context(request, assessment, "activities", form=form, activity=activity)
    return render(request, "assessments/activity_form.html", context, status=status)


# --- National questions -------------------------------------------------------------------------------------------


@assessment_page
def national(request, assessment):
    user = request.user
    scope_rows = selectors.questions_in_scope(seen_by(user, assessment))
    form = None
    if can(user, Action.MANAGE, assessment):
        form = forms.NationalQuestionForm(request.POST or None, scope=scope_rows)
    status = 200
    if request.method == "POST":
        require(request.user, Action.MANAGE, assessment)
        if form.is_valid():
            data = form.cleaned_data
            try:
                question = services.add_national_question(user, assessment, data["subsection"], data["text"],
                                                          data["parent_key"])
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("National question %(key)s added.") % {"key": question.key})
                return redirect("assessments:national", assessment.pk)
        status = 400
    questions = selectors.national_questions(seen_by(user, assessment))
    return render(request, "assessments/national.html",
                  page_context(request, assessment, "plan", form=form, questions=questions), status=status)


# --- History ------------------------------------------------------------------------------------------------------


@assessment_page
def history(request, assessment):
    """The history, narrowed by kind of record, change, person and days; the choice is remembered per assessment
    in the session until cleared. A filter that does not parse says why and leaves the remembered one as it was."""
    from soma.accounts import history_display

    seen = seen_by(request.user, assessment)
    everything = selectors.history(seen)
    remembered = f"history-filter-{assessment.pk}"
    if "clear" in request.GET:
        request.session.pop(remembered, None)
        return redirect("assessments:history", assessment.pk)
    asked = {key: request.GET[key] for key in history_display.FILTER_KEYS if key in request.GET}
    form = history_display.HistoryFilter(seen, everything, asked or request.session.get(remembered, {}))
    criteria = form.cleaned_data if form.is_valid() else {}
    if asked and form.is_valid():
        request.session[remembered] = {key: value for key, value in asked.items() if value}
    elif not form.is_valid():
        previous = history_display.HistoryFilter(seen, everything, request.session.get(remembered, {}))
        criteria = previous.cleaned_data if previous.is_valid() else {}
    page = Paginator(history_display.filtered(everything, criteria), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page"))
    entries = history_display.describe(seen, list(page))
    return render(request, "assessments/history.html",
                  page_context(request, assessment, "history", page=page, entries=entries, form=form,
                               filtering=bool(criteria and any(criteria.values()))))
