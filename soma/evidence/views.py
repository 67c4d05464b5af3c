from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from soma.assessments import selectors


@login_required
def source_list(request, pk):
    assessment = selectors.get_assessment(request.user, pk)
    return render(request, "core/home.html", {"assessments": [assessment]})
