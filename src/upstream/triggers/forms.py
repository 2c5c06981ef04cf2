"""Forms for the trigger queue: starting a run, and each decision on a trigger (with the version seen)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from upstream.triggers.services import MAX_REASON_LENGTH


class RunForm(forms.Form):
    """Run the rules now, as of a date (default today)."""

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        error_messages={"invalid": _("Enter the as-of date as a real date, for example 2025-12-31")},
    )


class DecisionForm(forms.Form):
    """Any decision carries the version of the trigger the person was looking at."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(required=False, max_length=MAX_REASON_LENGTH)


class AssignForm(DecisionForm):
    """Assign to a neighbourhood team."""

    team = forms.IntegerField(error_messages={"required": _("Choose the neighbourhood team to assign to")})


class DismissForm(DecisionForm):
    """Dismiss, with a reason."""

    reason = forms.CharField(
        max_length=MAX_REASON_LENGTH,
        error_messages={
            "required": _("Enter the reason for dismissing this trigger"),
            "max_length": _("The reason must be 2000 characters or fewer"),
        },
    )


class ReferForm(DecisionForm):
    """Turn into a draft referral to a programme or a service, with a pre-filled reason."""

    target = forms.CharField(error_messages={"required": _("Choose the programme or service to refer to")})
    reason = forms.CharField(
        max_length=4000,
        error_messages={"required": _("Enter the reason for the referral")},
    )
