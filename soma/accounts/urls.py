"""Signing in and out, two-factor set-up, the password change, the invitation link and the user-management page
(URL names without a namespace, as Django's auth views and LOGIN_URL expect)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from soma.accounts import sign_in, two_factor, views

urlpatterns = [
    path("login/", sign_in.SignInView.as_view(), name="login"),
    path("login/code/", sign_in.login_code, name="login_code"),
    path("two-factor/", two_factor.set_up, name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/", views.user_action, name="user"),
]
