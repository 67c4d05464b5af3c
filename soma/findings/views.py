from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from soma.assessments import selectors


def _stub(request, pk):
    assessment = selectors.get_assessment(request.user, pk)
    return render(request, "core/home.html", {"assessments": [assessment]})


overview = finding_list = recommendation_list = login_required(_stub)
