"""The follow-up page: start a follow-up assessment of this one. Thin: the form parses, followup.services decides.

(What it carried over is confirmed on the pages of sources, answers and recommendations.)
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soma.assessments.forms import FollowUpForm
from soma.followup import services as followup_services
from soma.kernel.access import Action, require
from soma.kernel.errors import ServiceError
from soma.kernel.pages import Refused, assessment_page


@assessment_page
@require_POST
def start(request, assessment):
    """A new assessment that follows this one up (what comes across waits for confirmation)."""
    require(request.user, Action.MANAGE, assessment)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        raise Refused(_("Give the follow-up assessment a title."), 400)
    try:
        new = followup_services.start_follow_up(request.user, assessment, title=form.cleaned_data["title"])
    except ServiceError as error:
        raise Refused(str(error), 400) from None
    messages.success(request, _(
        "Follow-up assessment created. Answers, sources and recommendations carried over from the previous "
        "assessment need confirmation or update before they count."))
    return redirect("assessments:detail", new.pk)
