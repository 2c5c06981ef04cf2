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


MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
# The police.uk crime types (ASB carries no harm), in the order police.uk lists them.
CRIME_TYPES = (
    "Violence and sexual offences",
    "Burglary",
    "Robbery",
    "Possession of weapons",
    "Criminal damage and arson",
    "Public order",
    "Drugs",
    "Vehicle crime",
    "Theft from the person",
    "Bicycle theft",
    "Shoplifting",
    "Other theft",
    "Other crime",
)


def harm_field_name(crime_type: str) -> str:
    """Returns the form field for one crime type's harm weight ("harm_burglary")."""
    return "harm_" + "_".join(crime_type.lower().replace(" and ", " ").split())


class NeedWeightsMixin(forms.Form):
    """The three weights of the need index."""

    weight_harm = forms.FloatField(
        label=_("Harm"), min_value=0, initial=0.5, error_messages={"invalid": _("Enter the harm weight as a number")}
    )
    weight_demand = forms.FloatField(
        label=_("Demand"),
        min_value=0,
        initial=0.3,
        error_messages={"invalid": _("Enter the demand weight as a number")},
    )
    weight_vulnerability = forms.FloatField(
        label=_("Vulnerability"),
        min_value=0,
        initial=0.2,
        error_messages={"invalid": _("Enter the vulnerability weight as a number")},
    )

    def clean(self) -> dict[str, object]:
        """Refuses weights that add up to nothing."""
        data = super().clean() or {}
        keys = ("weight_harm", "weight_demand", "weight_vulnerability")
        if all(k in data for k in keys) and sum(float(data[k]) for k in keys) <= 0:  # type: ignore[arg-type]
            self.add_error("weight_harm", _("At least one need weight must be above 0"))
        return data

    def need_weights(self) -> dict[str, float]:
        """Returns the weights as the analytics name them."""
        return {
            "harm": float(self.cleaned_data["weight_harm"]),
            "demand": float(self.cleaned_data["weight_demand"]),
            "vulnerability": float(self.cleaned_data["weight_vulnerability"]),
        }


# Hotspots on points: no, or H3 hexagons at one of three sizes (H3's average hexagon areas).
POINT_HOTSPOT_CHOICES = [
    ("", _("No: hotspots on areas only")),
    ("7", _("Large hexagons (H3 resolution 7, about 5 km² each)")),
    ("8", _("Medium hexagons (H3 resolution 8, about 0.7 km² each)")),
    ("9", _("Small hexagons (H3 resolution 9, about 0.1 km² each)")),
]


class AnalysisForm(NeedWeightsMixin):
    """What a staff member chooses when starting an analysis."""

    force = forms.ChoiceField(label=_("Force area"), error_messages={"required": _("Choose the force area")})
    first_month = forms.RegexField(
        regex=MONTH,
        label=_("From (month)"),
        help_text=_("Written YYYY-MM, for example 2017-07"),
        error_messages={"required": _("Enter the first month"), "invalid": _("Enter the first month as YYYY-MM")},
    )
    last_month = forms.RegexField(
        regex=MONTH,
        label=_("To (month)"),
        help_text=_("Written YYYY-MM; the same as the first month for one month"),
        error_messages={"required": _("Enter the last month"), "invalid": _("Enter the last month as YYYY-MM")},
    )
    level = forms.ChoiceField(
        label=_("Analyse by"),
        choices=[("lsoa", _("Neighbourhood (LSOA)")), ("ward", _("Ward"))],
        initial="lsoa",
        error_messages={"required": _("Choose neighbourhoods or wards")},
    )
    officers = forms.IntegerField(
        label=_("Officers to allocate by need"),
        min_value=0,
        initial=100,
        help_text=_("The allocation tool can change this later without running the analysis again"),
        error_messages={"required": _("Enter the number of officers"), "invalid": _("Enter a whole number")},
    )
    floor = forms.IntegerField(
        label=_("Fewest officers per neighbourhood team"),
        min_value=0,
        initial=2,
        error_messages={"required": _("Enter the floor"), "invalid": _("Enter a whole number")},
    )
    point_hotspots = forms.ChoiceField(
        label=_("Hotspots on points as well"),
        choices=POINT_HOTSPOT_CHOICES,
        required=False,
        initial="",
        error_messages={"invalid_choice": _("Choose a hexagon size from the list")},
    )

    def __init__(self, *args: object, forces: list[tuple[str, str]], **kwargs: object) -> None:
        """Offers the force areas the user may analyse, and one harm weight field per crime type."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["force"].choices = [("", _("Choose a force area")), *forces]
        for crime_type in CRIME_TYPES:
            self.fields[harm_field_name(crime_type)] = forms.FloatField(
                label=crime_type,
                required=False,
                min_value=0,
                error_messages={"invalid": _("Enter the harm weight of %(type)s as a number") % {"type": crime_type}},
            )

    def clean(self) -> dict[str, object]:
        """Checks the period runs forwards."""
        data = super().clean()
        first, last = data.get("first_month"), data.get("last_month")
        if first and last and str(first) > str(last):
            self.add_error("last_month", _("The last month must be the same as or after the first month"))
        return data

    def h3_resolution(self) -> int | None:
        """Returns the H3 resolution chosen for hotspots on points, or None for hotspots on areas only."""
        chosen = self.cleaned_data.get("point_hotspots") or ""
        return int(chosen) if chosen else None

    def harm_weights(self) -> dict[str, float]:
        """Returns the harm weights given (empty when none was)."""
        found = {t: self.cleaned_data.get(harm_field_name(t)) for t in CRIME_TYPES}
        return {t: float(v) for t, v in found.items() if v is not None}


class AllocationForm(NeedWeightsMixin):
    """The allocation tool's choices: officers, floor and the need weights."""

    officers = forms.IntegerField(
        label=_("Officers to allocate"),
        min_value=0,
        max_value=100_000,
        error_messages={"required": _("Enter the number of officers"), "invalid": _("Enter a whole number")},
    )
    floor = forms.IntegerField(
        label=_("Fewest officers per neighbourhood team"),
        min_value=0,
        error_messages={"required": _("Enter the floor"), "invalid": _("Enter a whole number")},
    )


class PriorityForm(forms.Form):
    """A set of priority areas: a name, the reason, and the areas."""

    name = forms.CharField(
        label=_("Name of the set"), max_length=200, error_messages={"required": _("Enter a name for the set")}
    )
    reason = forms.CharField(
        label=_("Why these areas"),
        widget=forms.Textarea,
        error_messages={"required": _("Say why these areas are priorities")},
    )
    areas = forms.MultipleChoiceField(
        label=_("Priority areas"), error_messages={"required": _("Choose at least one area")}
    )

    def __init__(self, *args: object, codes: list[tuple[str, str]], **kwargs: object) -> None:
        """Offers the areas of the run."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["areas"].choices = codes
