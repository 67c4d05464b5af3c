from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from soma.assessments import selectors


@login_required
def assessment_list(request):
    return render(request, "core/home.html", {"assessments": selectors.assessments_for(request.user)})


@login_required
def detail(request, pk):
    assessment = selectors.get_assessment(request.user, pk)
    return render(request, "core/home.html", {"assessments": [assessment]})
