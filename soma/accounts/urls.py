"""Signing in and out, two-factor set-up and the password change (URL names without a namespace, as Django's
auth views and LOGIN_URL expect)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from soma.accounts import sign_in, two_factor

urlpatterns = [
    path("login/", sign_in.SignInView.as_view(), name="login"),
    path("login/code/", sign_in.login_code, name="login_code"),
    path("two-factor/", two_factor.set_up, name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
