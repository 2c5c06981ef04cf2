"""Who may see police person records, review linkage and link or unlink records.

Roles first. Officers, analysts and supervisors may open a resolved person's page; analysts and supervisors
work the clerical review queue, link and unlink records by hand, start link runs and read the link history.
Only analysts upload an extract and import it.
Call handlers, partners' caseworkers, the directory co-ordinator and the administrator have no access.

Then scope: the records store holds the force's own extract, so only staff of a police force reach it
(a partner's caseworker never sees police records this way, whatever their role). Decisions and runs belong
to the organisation that made them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from upstream.core.policy import allow, register_filter, register_scope, same_organisation
from upstream.core.roles import Role
from upstream.records.models import ImportRun, LinkDecision, LinkRun

PERSON_VIEW = "records:person:view"
PERSON_LINK = "records:person:link"  # link and unlink records by hand
REVIEW = "records:review:decide"  # see the review queue and decide pairs
RUN_START = "records:link:run"
HISTORY_VIEW = "records:history:view"
IMPORT = "records:import:run"  # upload an extract and import it into the store

REVIEWERS = frozenset({Role.ANALYST, Role.SUPERVISOR})

allow(PERSON_VIEW, REVIEWERS | {Role.OFFICER})
allow(PERSON_LINK, REVIEWERS)
allow(REVIEW, REVIEWERS)
allow(RUN_START, REVIEWERS)
allow(HISTORY_VIEW, REVIEWERS)
# Loading a force's extract is an analyst's job (they prepare and check the data); supervisors review and link.
allow(IMPORT, {Role.ANALYST})


@dataclass(frozen=True)
class StoreRecord:
    """A resolved person or pair of records in the records store, as the policy sees it."""

    key: str


def holds_store(actor: Any) -> bool:
    """Returns whether the actor works for a police force, whose extract the records store holds."""
    from upstream.accounts.models import OrganisationKind

    organisation = getattr(actor, "organisation", None)
    return organisation is not None and organisation.kind == OrganisationKind.POLICE_FORCE


def _own(actor: Any, record: Any) -> bool:
    return holds_store(actor) and same_organisation(actor, record.organisation_id)


def _own_filter(actor: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None or not holds_store(actor):
        return queryset.none()
    return queryset.filter(organisation_id=organisation_id)


register_scope(StoreRecord, lambda actor, _record: holds_store(actor))
register_scope(LinkDecision, _own)
register_filter(LinkDecision, _own_filter)
register_scope(LinkRun, _own)
register_filter(LinkRun, _own_filter)
register_scope(ImportRun, _own)
register_filter(ImportRun, _own_filter)
