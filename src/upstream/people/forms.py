"""Forms for adding, correcting, sharing and erasing people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from upstream.accounts.models import Organisation
from upstream.people.models import DatePrecision, LegalRegime, RetentionClass, Sex


def _date_parts(cleaned: dict[str, Any], prefix: str) -> tuple[str, str, str]:
    return tuple((cleaned.get(f"{prefix}_{part}") or "").strip() for part in ("day", "month", "year"))  # type: ignore[return-value]


class PersonForm(forms.Form):
    """A person's details, with a date of birth that may be partly known (a year, or a month and year)."""

    forenames = forms.CharField(max_length=200, required=False)
    surname = forms.CharField(
        max_length=200, required=True, error_messages={"required": _("Enter the person's last name")}
    )
    other_names = forms.CharField(max_length=300, required=False)
    dob_day = forms.CharField(max_length=2, required=False)
    dob_month = forms.CharField(max_length=2, required=False)
    dob_year = forms.CharField(max_length=4, required=False)
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    address_line_1 = forms.CharField(max_length=200, required=False)
    address_line_2 = forms.CharField(max_length=200, required=False)
    town = forms.CharField(max_length=100, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    phone = forms.CharField(max_length=30, required=False)
    email = forms.EmailField(
        required=False, error_messages={"invalid": _("Enter an email address like name@example.com")}
    )
    legal_regime = forms.ChoiceField(
        choices=LegalRegime.choices, error_messages={"required": _("Choose the law you hold this person's data under")}
    )
    purpose = forms.CharField(
        max_length=300, error_messages={"required": _("Enter why your organisation holds this person's details")}
    )
    retention_class = forms.ChoiceField(choices=RetentionClass.choices, initial=RetentionClass.CASEWORK)

    @classmethod
    def initial_for(cls, person: Any) -> dict[str, Any]:
        """Returns the form's starting values for an existing person."""
        initial = {name: getattr(person, name) for name in cls.base_fields if not name.startswith("dob_")}
        if person.date_of_birth:
            initial["dob_year"] = str(person.date_of_birth.year)
            if person.date_of_birth_precision in (DatePrecision.MONTH, DatePrecision.DAY):
                initial["dob_month"] = str(person.date_of_birth.month)
            if person.date_of_birth_precision == DatePrecision.DAY:
                initial["dob_day"] = str(person.date_of_birth.day)
        return initial

    def clean(self) -> dict[str, Any]:  # noqa: PLR0911 - each refusal of a date returns as soon as it is found
        """Returns the cleaned details with the date of birth and how precisely it is known."""
        cleaned = super().clean() or {}
        day, month, year = _date_parts(cleaned, "dob")
        cleaned["date_of_birth"], cleaned["date_of_birth_precision"] = None, ""
        if not (day or month or year):
            return cleaned
        if not year:
            self.add_error("dob_year", _("A date of birth must include a year"))
            return cleaned
        if day and not month:
            self.add_error("dob_month", _("A date of birth with a day must include a month"))
            return cleaned
        try:
            value = dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            self.add_error("dob_year", _("Date of birth must be a real date"))
            return cleaned
        if len(year) != 4:  # noqa: PLR2004 - a four-figure year, as GOV.UK asks
            self.add_error("dob_year", _("Year must include 4 numbers"))
            return cleaned
        if value > timezone.localdate():
            self.add_error("dob_year", _("Date of birth must be in the past"))
            return cleaned
        cleaned["date_of_birth"] = value
        cleaned["date_of_birth_precision"] = (
            DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        )
        return cleaned

    def person_fields(self) -> dict[str, Any]:
        """Returns the cleaned values under the person's own field names."""
        return {name: value for name, value in self.cleaned_data.items() if not name.startswith("dob_")}


class ShareForm(forms.Form):
    """Sharing a person with another organisation under an agreement, until an optional date."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Choose the organisation to share with")},
    )
    purpose = forms.CharField(max_length=300, error_messages={"required": _("Enter why you are sharing")})
    agreement = forms.CharField(max_length=200, required=False)
    expires_day = forms.CharField(max_length=2, required=False)
    expires_month = forms.CharField(max_length=2, required=False)
    expires_year = forms.CharField(max_length=4, required=False)

    def __init__(self, *args: Any, sharer: Any, **kwargs: Any) -> None:
        """Offers every organisation except the sharer's own."""
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        field.queryset = Organisation.objects.exclude(pk=sharer.organisation_id).order_by("name")

    def clean(self) -> dict[str, Any]:
        """Returns the cleaned share with the end of sharing as the end of the chosen day."""
        cleaned = super().clean() or {}
        day, month, year = _date_parts(cleaned, "expires")
        cleaned["expires_at"] = None
        if not (day or month or year):
            return cleaned
        try:
            last_day = dt.date(int(year), int(month), int(day))
        except ValueError:
            self.add_error("expires_day", _("The end of sharing must be a real date"))
            return cleaned
        if last_day < timezone.localdate():
            self.add_error("expires_day", _("The end of sharing must be today or in the future"))
            return cleaned
        # Sharing lasts to the end of the day given, in local time.
        cleaned["expires_at"] = timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min))
        return cleaned


class EraseForm(forms.Form):
    """Why a person's details are being erased, and a confirmation."""

    reason = forms.CharField(
        max_length=300, error_messages={"required": _("Enter why this person's details are being erased")}
    )
    confirm = forms.BooleanField(error_messages={"required": _("Confirm that you understand erasure cannot be undone")})
