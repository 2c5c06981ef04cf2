"""Forms of the translation pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ACTIONS = ("save", "review", "publish", "unpublish")


class LanguageForm(forms.Form):
    """Adds a language to translate into."""

    code = forms.CharField(
        label=_("Language code"),
        max_length=12,
        help_text=_("The ISO 639 code, for example pl for Polish, so for Somali or fil for Filipino."),
        error_messages={"required": _("Enter a language code")},
    )


class FieldForm(forms.Form):
    """Saves, reviews, publishes or withdraws one field's translation."""

    field = forms.CharField(max_length=64)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    text = forms.CharField(required=False, max_length=20_000, strip=True)


class MachineForm(forms.Form):
    """Asks for machine drafts of one record, or of every record of a kind still missing words."""

    kind = forms.CharField(max_length=60)
    language = forms.CharField(max_length=12)
    object_id = forms.CharField(max_length=64, required=False)
