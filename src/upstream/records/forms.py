"""Forms of the review queue and the person page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from upstream.records.models import Decision
from upstream.records.services import REASON_MAX


class DecisionForm(forms.Form):
    """A reviewer's decision on one pair."""

    decision = forms.ChoiceField(
        choices=Decision.choices, error_messages={"required": _("Choose whether the two records are the same person")}
    )
    reason = forms.CharField(required=False, max_length=REASON_MAX)


class LinkForm(forms.Form):
    """Link a record of another resolved person to this one."""

    person_id = forms.CharField(
        max_length=100, error_messages={"required": _("Enter the id of the person record to link")}
    )
    reason = forms.CharField(
        max_length=REASON_MAX, error_messages={"required": _("Enter why, so others can check the decision later")}
    )


class UnlinkForm(forms.Form):
    """Take one record out of this resolved person."""

    reason = forms.CharField(
        max_length=REASON_MAX, error_messages={"required": _("Enter why, so others can check the decision later")}
    )


class RunForm(forms.Form):
    """Start a link run."""

    engine = forms.ChoiceField(choices=[("duckdb", "DuckDB"), ("spark", "Spark")], initial="duckdb")
