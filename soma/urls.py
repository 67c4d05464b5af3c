from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from soma.accounts import sign_in
from soma.assessments import home
from soma.core import views as core_views

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page links to: the icon in static/soma.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("soma/favicon.ico")), name="favicon"),
    path("jobs/<int:pk>/", core_views.job, name="job"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("soma.accounts.urls")),
    path("assessments/import/", include("soma.exchange.urls_import")),
    path("assessments/", include("soma.assessments.urls")),
    path("assessments/<int:pk>/sources/", include("soma.evidence.urls")),
    path("assessments/<int:pk>/questions/", include("soma.responses.urls")),
    path("assessments/<int:pk>/exchange/", include("soma.exchange.urls")),
    path("assessments/<int:pk>/reports/", include("soma.reports.urls")),
    path("assessments/<int:pk>/", include("soma.followup.urls")),
    path("assessments/<int:pk>/", include("soma.findings.urls")),
    path("catalog/", include("soma.catalog.urls")),
    path("search/", include("soma.search.urls")),
    path("api/", include("soma.api_urls")),
    # The administration pages sign in through SOMA's own sign-in (lockout, two-factor), not their own form.
    path("admin/login/", sign_in.admin_login),
    path("admin/", admin.site.urls),
]

# Under /api/ errors answer JSON (soma/api_errors.py); elsewhere Django's own pages.
handler400 = "soma.api_errors.bad_request"
handler403 = "soma.api_errors.permission_denied"
handler404 = "soma.api_errors.page_not_found"
handler500 = "soma.api_errors.server_error"
