"""Forms of the review queue, the person page, link runs and imports."""

from __future__ import annotations

from typing import Any

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


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files at once (the extract's tables)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field returning every file chosen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        """Returns the list of cleaned files."""
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    """Upload a police records extract to import."""

    extract = MultipleFileField(
        error_messages={
            "required": _("Choose the extract's files, or one ZIP file that holds them"),
            "empty": _("The chosen file is empty: it has not even a header row. Export it again."),
        }
    )
