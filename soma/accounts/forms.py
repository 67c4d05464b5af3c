"""The user-management forms: they parse what was typed; the rules (duplicates, who may) are in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             error_messages={"invalid": _("Enter an e-mail address, such as name@example.org.")})
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)


class AdminInviteForm(InviteForm):
    username = forms.CharField(label=_("Username"), max_length=150, required=False,
                               help_text=_("Leave empty to use the e-mail address."))


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, username or e-mail"), max_length=100, required=False)
