"""Reading the audit chain back: verifying it link by link, and exporting it as JSON lines.

Both walk the table in sequence order a chunk at a time (keyset pagination on the primary key), so a log
of millions of rows is checked in constant memory on SQLite and PostgreSQL alike, without relying on
server-side cursors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from upstream.core.audit import GENESIS_HASH, compute_hash
from upstream.core.models import AuditEvent

CHUNK_SIZE = 2000


def iter_events(
    *, since: datetime | None = None, until: datetime | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[AuditEvent]:
    """Returns every audit event in sequence order, read a chunk at a time."""
    queryset = AuditEvent.objects.order_by("sequence")
    if since is not None:
        queryset = queryset.filter(occurred_at__gte=since)
    if until is not None:
        queryset = queryset.filter(occurred_at__lt=until)
    last_sequence = 0
    while True:
        chunk = list(queryset.filter(sequence__gt=last_sequence)[:chunk_size])
        if not chunk:
            return
        yield from chunk
        last_sequence = chunk[-1].sequence


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain does not hold, and what is wrong there."""

    sequence: int
    occurred_at: datetime | None
    problem: str

    def describe(self) -> str:
        """Returns the break in words, for the command line."""
        when = self.occurred_at.isoformat() if self.occurred_at else "unknown time"
        return f"audit event #{self.sequence} ({when}): {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: how many events were read, and the first break if any."""

    checked: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        """Returns whether the whole chain holds."""
        return self.first_break is None


def verify_chain(*, chunk_size: int = CHUNK_SIZE) -> ChainReport:
    """Returns whether every audit event still links to the one before and matches its own hash."""
    expected_sequence = 1
    expected_previous = GENESIS_HASH
    checked = 0
    for event in iter_events(chunk_size=chunk_size):
        problem = _problem(event, expected_sequence, expected_previous)
        if problem is not None:
            return ChainReport(checked=checked, first_break=ChainBreak(event.sequence, event.occurred_at, problem))
        checked += 1
        expected_sequence = event.sequence + 1
        expected_previous = event.hash
    return ChainReport(checked=checked, first_break=None)


def _problem(  # noqa: PLR0911 - one early return per kind of break reads as the list it is
    event: AuditEvent, expected_sequence: int, expected_previous: str
) -> str | None:
    # First the sequence: a gap means rows were removed (the sequence is assigned in the chained write,
    # never by the database, so a gap cannot come from a rolled-back insert).
    if event.sequence != expected_sequence:
        if expected_sequence == 1:
            return f"the log starts at #{event.sequence}: events #1 to #{event.sequence - 1} are missing"
        if event.sequence - expected_sequence == 1:
            return f"event #{expected_sequence} before it is missing"
        return f"events #{expected_sequence} to #{event.sequence - 1} before it are missing"
    # Next the link: a row whose previous_hash is not its predecessor's hash was inserted, or its
    # predecessor was changed and re-hashed to hide the change.
    if event.previous_hash != expected_previous:
        if expected_sequence == 1:
            return "the first event does not start from the genesis hash"
        return f"its previous_hash does not match the hash of event #{event.sequence - 1}"
    # Last the row itself: its stored hash must be the hash of what it holds now.
    if compute_hash(event) != event.hash:
        return "its contents have changed since it was written (the stored hash does not match)"
    return None


def event_as_json(event: AuditEvent) -> str:
    """Returns one audit event as a line of JSON, with the hashes so a reader can check the chain."""
    row: dict[str, Any] = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "tag": event.tag,
        "operation": event.operation,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "purpose": event.purpose,
        "recipient": event.recipient,
        "detail": event.detail,
        "previous_hash": event.previous_hash,
        "hash": event.hash,
    }
    return json.dumps(row, sort_keys=True, ensure_ascii=False)
