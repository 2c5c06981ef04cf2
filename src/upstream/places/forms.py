"""The point lookup form: a latitude and a longitude."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PointForm(forms.Form):
    """A point as decimal degrees (WGS84), as a phone or a police.uk file gives it."""

    latitude = forms.FloatField(
        min_value=-90,
        max_value=90,
        error_messages={
            "required": _("Enter a latitude"),
            "invalid": _("Enter the latitude as a number, like 53.7248"),
            "min_value": _("Latitude must be between -90 and 90"),
            "max_value": _("Latitude must be between -90 and 90"),
        },
    )
    longitude = forms.FloatField(
        min_value=-180,
        max_value=180,
        error_messages={
            "required": _("Enter a longitude"),
            "invalid": _("Enter the longitude as a number, like -1.8596"),
            "min_value": _("Longitude must be between -180 and 180"),
            "max_value": _("Longitude must be between -180 and 180"),
        },
    )

    def clean_latitude(self) -> float:
        """Returns the latitude, refusing 'nan' and 'inf', which Python reads as numbers."""
        return _finite(self.cleaned_data["latitude"], _("Enter the latitude as a number, like 53.7248"))

    def clean_longitude(self) -> float:
        """Returns the longitude, refusing 'nan' and 'inf'."""
        return _finite(self.cleaned_data["longitude"], _("Enter the longitude as a number, like -1.8596"))


def _finite(value: float, message: str) -> float:
    if value != value or value in (float("inf"), float("-inf")):  # noqa: PLR0124 - NaN is the only value unequal to itself
        raise forms.ValidationError(message)
    return value
