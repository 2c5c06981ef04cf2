"""Links other capabilities show to reach a resolved person's police records.

The trigger page (another package) names the child by their resolved person id; through core's link registry
(``upstream.core.links``) it shows "See this child's linked police records" to whoever may open the records
person page, so the rule for who sees the link lives here and triggers never imports records.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from upstream.core.links import Link
from upstream.core.policy import can
from upstream.records import policies


def child_links(user: Any, trigger: Any) -> list[Link]:
    """Returns the link from a trigger to its child's resolved person page, for those who may see it."""
    resolved = trigger.resolved_person_id
    if not resolved or not can(user, policies.PERSON_VIEW, policies.StoreRecord(resolved)):
        return []
    return [Link(_("See this child's linked police records"), reverse("records:person", args=[resolved]))]
