"""The public search form and the "report something wrong" form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from upstream.directory.vocab import ATTENDANCE_MODES, CLIENT_GROUPS, LANGUAGES, NEED_CATEGORIES, RADII_KM


class SearchForm(forms.Form):
    """What a person can search by; every field is optional."""

    q = forms.CharField(required=False, strip=True)
    need = forms.MultipleChoiceField(required=False, choices=list(NEED_CATEGORIES.items()))
    postcode = forms.CharField(required=False, max_length=10)
    radius = forms.TypedChoiceField(required=False, coerce=int, empty_value=10, choices=[(r, r) for r in RADII_KM])
    age = forms.IntegerField(required=False, min_value=0, max_value=130)
    sex = forms.ChoiceField(required=False, choices=[("", ""), ("female", _("Female")), ("male", _("Male"))])
    group = forms.ChoiceField(required=False, choices=[("", ""), *CLIENT_GROUPS.items()])
    attendance = forms.ChoiceField(required=False, choices=[("", ""), *ATTENDANCE_MODES.items()])
    language = forms.ChoiceField(required=False, choices=[("", ""), *LANGUAGES.items()])
    free = forms.BooleanField(required=False)
    open_now = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def clean_q(self) -> str:
        """Returns the words, cut to a length a person would type (a 10,000-character query is not refused)."""
        return self.cleaned_data["q"][:200]


class ProblemReportForm(forms.Form):
    """A member of the public tells us a record is wrong. `website` is a honeypot: people leave it empty."""

    message = forms.CharField(
        min_length=10,
        max_length=2000,
        error_messages={
            "required": _("Tell us what is wrong"),
            "min_length": _("Tell us a little more about what is wrong"),
            "max_length": _("Keep it under 2,000 characters"),
        },
    )
    website = forms.CharField(required=False)


class SendListForm(forms.Form):
    """Where to email a list of results. `website` is a honeypot: people leave it empty."""

    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": _("Enter the email address to send the list to"),
            "invalid": _("Enter an email address in the right format, like name@example.com"),
        },
    )
    website = forms.CharField(required=False)
