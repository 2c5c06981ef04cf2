"""Forms of the co-ordinator's workspace and of providers' proposed changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from upstream.directory.models import CheckKind, ServiceStatus

CAPACITY_CHOICES = [
    ("", _("Not said")),
    ("open", _("Taking new people")),
    ("waiting_list", _("Waiting list")),
    ("full", _("Not taking new people")),
]
TEXT_FIELDS = ("name", "description", "url", "email", "phone", "application_process", "eligibility_description")
MORE_TEXT_FIELDS = ("fees_description", "wait_time", "alert")


def _text(required: bool = False, max_length: int = 5000) -> forms.CharField:
    return forms.CharField(
        required=required,
        max_length=max_length,
        error_messages={
            "required": _("Enter the service's name"),
            "max_length": _("Keep this under %(limit_value)d characters"),
        },
    )


class ServiceDetailsForm(forms.Form):
    """The details of a service a provider may propose and the co-ordinator may change."""

    name = _text(required=True, max_length=300)
    description = _text()
    url = _text(max_length=2000)
    email = forms.EmailField(
        required=False, max_length=300, error_messages={"invalid": _("Enter an email address like name@example.org")}
    )
    phone = _text(max_length=50)
    application_process = _text()
    eligibility_description = _text()
    fees_description = _text()
    wait_time = _text(max_length=300)
    alert = _text(max_length=1000)
    capacity_status = forms.ChoiceField(required=False, choices=CAPACITY_CHOICES)

    def clean_url(self) -> str:
        """Returns the website, refusing anything that is not an http(s) address."""
        url = self.cleaned_data["url"].strip()
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Enter a web address starting with https://"))
        return url

    def changes(self) -> dict[str, str]:
        """Returns every field's value as text (the service layer keeps only what differs)."""
        return {name: str(value or "").strip() for name, value in self.cleaned_data.items() if name in self.fields}


class EditForm(ServiceDetailsForm):
    """The co-ordinator's edit: the details, the status, and whether they checked it with the provider."""

    status = forms.ChoiceField(choices=ServiceStatus.choices)
    verified = forms.BooleanField(required=False)

    def changes(self) -> dict[str, str]:
        """Returns the details and status, without the "verified" tick."""
        values = super().changes()
        values.pop("verified", None)
        return values


class ProposalForm(ServiceDetailsForm):
    """A provider's proposal: the details and a note for the co-ordinator."""

    note = forms.CharField(required=False, max_length=2000)

    def changes(self) -> dict[str, str]:
        """Returns the details without the note."""
        values = super().changes()
        values.pop("note", None)
        return values


class VerifyForm(forms.Form):
    """Marks a record checked, optionally setting when to check it again."""

    recheck_interval_days = forms.IntegerField(required=False, min_value=7, max_value=1095)


class ReasonForm(forms.Form):
    """A reason, required (closing a service)."""

    reason = forms.CharField(max_length=1000, error_messages={"required": _("Say why")})


class DecisionForm(forms.Form):
    """Approve or reject a provider's change; a rejection needs a reason."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        error_messages={"required": _("Choose whether to approve or reject the change")},
    )
    reason = forms.CharField(required=False, max_length=1000)

    def clean(self) -> dict[str, Any]:
        """Requires a reason when the change is rejected."""
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you are rejecting the change, so the provider can put it right"))
        return data


class ResolveForm(forms.Form):
    """What the co-ordinator did about a public report."""

    resolution = forms.CharField(max_length=1000, error_messages={"required": _("Say what you did about the report")})
    close = forms.BooleanField(required=False)


class DuplicateForm(forms.Form):
    """The decision on a pair the duplicate finder offered."""

    first = forms.UUIDField()
    second = forms.UUIDField()
    decision = forms.ChoiceField(
        choices=[
            ("not_duplicate", _("Not duplicates")),
            ("keep_first", _("Keep the first")),
            ("keep_second", _("Keep the second")),
        ],
        error_messages={"required": _("Choose what to do with the pair")},
    )


class CheckForm(forms.Form):
    """Which check to start."""

    kind = forms.ChoiceField(choices=CheckKind.choices)


class NoteForm(forms.Form):
    """A staff note on a service."""

    text = forms.CharField(
        max_length=2000,
        error_messages={"required": _("Write the note"), "max_length": _("Keep the note under 2,000 characters")},
    )


class ProviderLinkForm(forms.Form):
    """Which Upstream organisation runs a directory organisation."""

    organization = forms.UUIDField()
    organisation = forms.IntegerField(required=False)
