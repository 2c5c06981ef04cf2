"""Forms for making and moving referrals, self-referral and the statistics period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from upstream.directory.vocab import CLIENT_GROUPS, NEED_CATEGORIES
from upstream.referrals.models import (
    AgeBand,
    CapacityKind,
    ConsentBasis,
    ConsentGivenBy,
    DeclineReason,
    EligibleSex,
    LawfulBasis,
    Outcome,
    SourceKind,
    Status,
    Urgency,
)
from upstream.referrals.services import MAX_REASON_LENGTH

NEED_CHOICES = [(k, v) for k, v in NEED_CATEGORIES.items()]
STAFF_SOURCES = [(k, v) for k, v in SourceKind.choices if k != SourceKind.SELF_REFERRAL]
SEX_CHOICES = [("F", _("Female")), ("M", _("Male")), ("X", _("Other or not specified")), ("U", _("Not known"))]


def _date_from_parts(cleaned: dict[str, Any], prefix: str) -> dt.date | None:
    parts = [cleaned.get(f"{prefix}_{p}") for p in ("day", "month", "year")]
    if all(p in (None, "") for p in parts):
        return None
    if any(p in (None, "") for p in parts):
        raise forms.ValidationError(_("Enter a full date: day, month and year"))
    try:
        return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except (TypeError, ValueError):
        raise forms.ValidationError(_("Enter a real date")) from None


def _part(max_value: int) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=max_value)


class ReferralForm(forms.Form):
    """One clear page: the person (held already, or the fewest new details), why, and the basis for sharing."""

    person_id = forms.IntegerField(required=False, min_value=1)
    forenames = forms.CharField(required=False, max_length=200)
    surname = forms.CharField(required=False, max_length=200)
    dob_day = _part(31)
    dob_month = _part(12)
    dob_year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    sex = forms.ChoiceField(choices=SEX_CHOICES, required=False)
    postcode = forms.CharField(required=False, max_length=10)
    phone = forms.CharField(required=False, max_length=30)

    reason = forms.CharField(
        max_length=MAX_REASON_LENGTH, error_messages={"required": _("Enter the reason for the referral")}
    )
    needs = forms.MultipleChoiceField(choices=NEED_CHOICES, required=False)
    urgency = forms.ChoiceField(
        choices=Urgency.choices, initial=Urgency.ROUTINE, error_messages={"required": _("Choose how urgent it is")}
    )
    source_kind = forms.ChoiceField(choices=STAFF_SOURCES, initial=SourceKind.OTHER)
    source_reference = forms.CharField(required=False, max_length=100)

    consent_basis = forms.ChoiceField(
        choices=[*ConsentBasis.choices, ("", _("Not known yet (save as a draft)"))], required=False
    )
    consent_given_by = forms.ChoiceField(choices=ConsentGivenBy.choices, required=False)
    consent_day = _part(31)
    consent_month = _part(12)
    consent_year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    consent_scope = forms.CharField(required=False, max_length=500)
    lawful_basis = forms.ChoiceField(choices=LawfulBasis.choices, required=False)
    lawful_basis_reason = forms.CharField(required=False, max_length=2000)
    client_groups = forms.MultipleChoiceField(choices=list(CLIENT_GROUPS.items()), required=False)
    eligibility_override_reason = forms.CharField(required=False, max_length=MAX_REASON_LENGTH)
    send_now = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        """Returns the cleaned data with dates built and the person's details checked."""
        cleaned = super().clean()
        try:
            cleaned["date_of_birth"] = _date_from_parts(cleaned, "dob")
        except forms.ValidationError as exc:
            self.add_error("dob_day", exc)
        try:
            consent_on = _date_from_parts(cleaned, "consent")
        except forms.ValidationError as exc:
            self.add_error("consent_day", exc)
            consent_on = None
        cleaned["consent_given_at"] = (
            timezone.make_aware(dt.datetime.combine(consent_on, dt.time(12, 0))) if consent_on else None
        )
        if not cleaned.get("person_id") and not (
            cleaned.get("forenames", "").strip() or cleaned.get("surname", "").strip()
        ):
            self.add_error("surname", _("Enter the person's name, or choose a person your organisation holds"))
        if cleaned.get("send_now") and not cleaned.get("consent_basis"):
            self.add_error("consent_basis", _("Record consent or the lawful basis before sending"))
        return cleaned


class BasisForm(forms.Form):
    """Consent or the lawful basis, recorded on a draft before it is sent."""

    version = forms.IntegerField(min_value=1)
    consent_basis = forms.ChoiceField(
        choices=ConsentBasis.choices, error_messages={"required": _("Choose consent or another lawful basis")}
    )
    consent_given_by = forms.ChoiceField(choices=ConsentGivenBy.choices, required=False)
    consent_day = _part(31)
    consent_month = _part(12)
    consent_year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    consent_scope = forms.CharField(required=False, max_length=500)
    lawful_basis = forms.ChoiceField(choices=LawfulBasis.choices, required=False)
    lawful_basis_reason = forms.CharField(required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        """Returns the cleaned data with the consent date built."""
        cleaned = super().clean()
        try:
            consent_on = _date_from_parts(cleaned, "consent")
        except forms.ValidationError as exc:
            self.add_error("consent_day", exc)
            consent_on = None
        cleaned["consent_given_at"] = (
            timezone.make_aware(dt.datetime.combine(consent_on, dt.time(12, 0))) if consent_on else None
        )
        return cleaned


class MoveForm(forms.Form):
    """One move of a referral, with the version the user saw."""

    to_status = forms.ChoiceField(choices=[c for c in Status.choices if c[0] != Status.DRAFT])
    version = forms.IntegerField(min_value=1)
    note = forms.CharField(required=False, max_length=4000)
    decline_reason = forms.ChoiceField(choices=[("", ""), *DeclineReason.choices], required=False)
    outcome = forms.ChoiceField(choices=[("", ""), *Outcome.choices], required=False)


NONE_OF_THESE = "none"
SELF_SEX_CHOICES = [("F", _("Female")), ("M", _("Male")), ("X", _("Another way, or I would rather not say"))]


class SelfReferralForm(forms.Form):
    """A member of the public asking a service for help. ``website`` is a honeypot people never see.

    Given the service or programme, it also asks what its eligibility turns on, and only that: the age when it
    has age limits (instead of the optional age band), the sex when it is for one sex, and which of its client
    groups the person is in (or none of them).
    """

    contact_name = forms.CharField(max_length=200, error_messages={"required": _("Enter your name")})
    contact_phone = forms.CharField(required=False, max_length=30)
    contact_email = forms.EmailField(required=False, max_length=254)
    age_band = forms.ChoiceField(choices=AgeBand.choices, required=False)
    reason = forms.CharField(
        max_length=2000,
        error_messages={
            "required": _("Tell the service what you would like help with"),
            "max_length": _("What you would like help with must be 2,000 characters or fewer"),
        },
    )
    needs = forms.MultipleChoiceField(choices=NEED_CHOICES, required=False)
    agree = forms.BooleanField(
        error_messages={"required": _("Confirm that the service may use your details to contact you")}
    )
    website = forms.CharField(required=False, max_length=200)

    def __init__(
        self,
        *args: Any,
        ask_age: bool = False,
        ask_sex: bool = False,
        client_groups: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if ask_age:
            del self.fields["age_band"]
            age_wrong = _("Enter your age in years as a number, from 0 to 120")
            self.fields["age"] = forms.IntegerField(
                min_value=0,
                max_value=120,
                error_messages={
                    "required": _("Enter your age in years, so we can check the service is for you"),
                    "invalid": age_wrong,
                    "min_value": age_wrong,
                    "max_value": age_wrong,
                },
            )
        if ask_sex:
            self.fields["sex"] = forms.ChoiceField(
                choices=SELF_SEX_CHOICES,
                error_messages={
                    "required": _("Choose female, male, or another way or rather not say"),
                    "invalid_choice": _("Choose female, male, or another way or rather not say"),
                },
            )
        if client_groups:
            self.fields["client_groups"] = forms.MultipleChoiceField(
                choices=[*((g, CLIENT_GROUPS.get(g, g)) for g in client_groups), (NONE_OF_THESE, _("None of these"))],
                error_messages={
                    "required": _("Choose the groups you are in, or None of these"),
                    "invalid_choice": _("Choose the groups you are in, or None of these"),
                },
            )

    def clean(self) -> dict[str, Any]:
        """Returns the cleaned data; needs a phone number or an email address, and groups or "none", not both."""
        cleaned = super().clean()
        if not (cleaned.get("contact_phone", "").strip() or cleaned.get("contact_email", "").strip()):
            self.add_error("contact_phone", _("Enter a phone number or an email address"))
        groups = cleaned.get("client_groups")
        if groups and NONE_OF_THESE in groups:
            if len(groups) > 1:
                self.add_error("client_groups", _("Choose the groups you are in, or None of these, not both"))
            cleaned["client_groups"] = []
        return cleaned


class PeriodForm(forms.Form):
    """The period the statistics cover (dates are optional)."""

    date_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


class ProgrammeForm(forms.Form):
    """A new programme run by the user's organisation."""

    name = forms.CharField(max_length=200, error_messages={"required": _("Enter the programme's name")})
    description = forms.CharField(required=False, max_length=4000)
    places = forms.IntegerField(
        min_value=1, max_value=100_000, error_messages={"required": _("Enter how many places there are")}
    )
    capacity_kind = forms.ChoiceField(choices=CapacityKind.choices, initial=CapacityKind.CONCURRENT)
    starts_on = forms.DateField(
        input_formats=["%Y-%m-%d"], error_messages={"required": _("Enter when the programme starts, as YYYY-MM-DD")}
    )
    ends_on = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    minimum_age = forms.IntegerField(required=False, min_value=0, max_value=120)
    maximum_age = forms.IntegerField(required=False, min_value=0, max_value=120)
    eligible_sex = forms.ChoiceField(choices=EligibleSex.choices, required=False)
    needs = forms.MultipleChoiceField(choices=NEED_CHOICES, required=False)
    conditions = forms.CharField(required=False, max_length=2000)
    acknowledge_within_days = forms.IntegerField(min_value=0, max_value=60, initial=5)
    accepts_self_referrals = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        """Returns the cleaned data; the end comes after the start and the ages are in order."""
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end must be on or after the start"))
        low, high = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if low is not None and high is not None and high < low:
            self.add_error("maximum_age", _("The maximum age must be at least the minimum age"))
        return cleaned
