"""The Reports tab: preview, issue and download the assessment report."""

from django.shortcuts import render

from soma.assessments.views import _context, assessment_view


@assessment_view
def index(request, assessment):
    return render(request, "reports/index.html", _context(request, assessment, "reports"))
