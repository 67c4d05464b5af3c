"""The home page: the assessments of the signed-in user."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from soma.assessments import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/home.html", {"assessments": selectors.my_assessments(request.user)})
