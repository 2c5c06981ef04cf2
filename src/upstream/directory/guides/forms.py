"""The co-ordinator's guide form."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from upstream.directory.models import Guide
from upstream.directory.vocab import NEED_CATEGORIES

UUID_IN_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class GuideForm(forms.Form):
    """A guide's words, where it belongs, and whether the public sees it."""

    title = forms.CharField(max_length=200, error_messages={"required": _("Enter a title")})
    slug = forms.SlugField(
        max_length=80,
        error_messages={
            "required": _("Enter a short web address for the guide"),
            "invalid": _("Use only lower-case letters, numbers and hyphens in the web address"),
        },
    )
    summary = forms.CharField(required=False, max_length=500)
    body = forms.CharField(max_length=20000, error_messages={"required": _("Write the guide")})
    need_categories = forms.MultipleChoiceField(required=False, choices=list(NEED_CATEGORIES.items()))
    services = forms.CharField(required=False, max_length=20000)
    status = forms.ChoiceField(choices=Guide.Status.choices)

    def clean_slug(self) -> str:
        """Returns the web address in lower case."""
        return self.cleaned_data["slug"].lower()

    def clean_services(self) -> list[uuid.UUID]:
        """Returns the service ids found in the text (service page addresses or bare ids, one a line)."""
        return [uuid.UUID(found) for found in UUID_IN_TEXT.findall(self.cleaned_data["services"])]
