from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    """Username and password."""

    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput, max_length=1024)
