"""Referral statistics for managers and commissioners: counts, never people.

Counts by programme, service, area, sex, age band, source, status, outcome and decline reason, and the time
from sending to acceptance.

Only counts leave this module, never a person. The tables cover the referrals the actor's organisation sent
or received (drafts only when it made them). For an export that leaves the organisation, counts of 1 to 4
are suppressed, and where a table would then have exactly one hidden cell beside a shown total, the next
smallest is hidden too, so the hidden one cannot be worked out by subtraction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics as pystats
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.core import audit
from upstream.core.policy import require
from upstream.referrals import policies
from upstream.referrals.models import (
    AgeBand,
    DeclineReason,
    Outcome,
    Referral,
    SourceKind,
    Status,
)

SMALL_COUNT = 5  # counts of 1 to SMALL_COUNT - 1 are suppressed on exports that leave the organisation
SUPPRESSED = "<5"
SEX_LABELS = {
    "M": gettext_lazy("Male"),
    "F": gettext_lazy("Female"),
    "X": gettext_lazy("Other or not specified"),
    "U": gettext_lazy("Not known"),
}
TIME_BANDS = (
    (1, gettext_lazy("Within 1 day")),
    (5, gettext_lazy("2 to 5 days")),
    (10, gettext_lazy("6 to 10 days")),
    (30, gettext_lazy("11 to 30 days")),
)


@dataclass
class Table:
    """One statistic: labelled counts, largest first, with their total."""

    key: str
    title: str
    rows: list[tuple[str, int]]
    note: str = ""

    @property
    def total(self) -> int:
        """Returns the sum of the counts."""
        return sum(count for _label, count in self.rows)


@dataclass
class Statistics:
    """Every table of the statistics page, with the period and how many referrals it covers."""

    tables: list[Table] = field(default_factory=list)
    referral_count: int = 0
    median_days_to_acceptance: float | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def referrals_for_statistics(
    actor: Any, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[Referral]:
    """Returns the referrals the actor's organisation made or received, created in the period."""
    require(actor, policies.STATISTICS_VIEW)
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return Referral.objects.none()
    queryset = Referral.objects.filter(
        Q(referring_organisation_id=organisation_id)
        | (Q(receiving_organisation_id=organisation_id) & ~Q(status=Status.DRAFT))
    )
    if date_from is not None:
        queryset = queryset.filter(created_at__date__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(created_at__date__lte=date_to)
    return queryset


def _count(values: Iterable[str], labels: Callable[[str], str]) -> list[tuple[str, int]]:
    counts = Counter(values)
    return sorted(((labels(k), v) for k, v in counts.items()), key=lambda row: (-row[1], row[0]))


def _choice_label(choices: Any, unknown: str) -> Callable[[str], str]:
    mapping = {value: str(label) for value, label in choices}
    return lambda value: mapping.get(value, unknown)


def days_between(start: dt.datetime, end: dt.datetime) -> float:
    """Returns the days from one moment to another, as a decimal."""
    return (end - start).total_seconds() / 86400


def time_band(days: float) -> str:
    """Returns the band a time to acceptance falls in."""
    for upper, label in TIME_BANDS:
        if days <= upper:
            return str(label)
    return _("More than 30 days")


def _acknowledgement(row: dict[str, Any], today: dt.date) -> str:
    """Returns whether a sent referral was acknowledged by its target day, late, or is still waiting."""
    due = row["acknowledge_by"]
    if row["received_at"] is not None:
        received = timezone.localtime(row["received_at"]).date()
        return _("On time") if received <= due else _("Late")
    if row["status"] != Status.SENT:
        return _("Closed without acknowledgement")
    return _("Waiting, overdue") if due < today else _("Waiting, within target")


def compute(actor: Any, *, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Statistics:
    """Returns the statistics tables for the actor's organisation over the period."""
    rows = list(
        referrals_for_statistics(actor, date_from=date_from, date_to=date_to).values(
            "status",
            "service__name",
            "programme__name",
            "area__name",
            "person_sex",
            "person_age_band",
            "source_kind",
            "outcome",
            "decline_reason",
            "sent_at",
            "accepted_at",
            "received_at",
            "acknowledge_by",
        )
    )
    none = _("None")
    not_known = _("Not known")
    today = timezone.localdate()
    acceptance_days = [days_between(r["sent_at"], r["accepted_at"]) for r in rows if r["sent_at"] and r["accepted_at"]]
    tables = [
        Table(
            "programme",
            _("Referrals by programme"),
            _count((r["programme__name"] for r in rows if r["programme__name"]), str),
        ),
        Table(
            "service", _("Referrals by service"), _count((r["service__name"] for r in rows if r["service__name"]), str)
        ),
        Table("area", _("Referrals by area"), _count((r["area__name"] or not_known for r in rows), str)),
        Table(
            "sex",
            _("Referrals by sex"),
            _count((r["person_sex"] for r in rows), lambda v: str(SEX_LABELS.get(v, not_known))),
        ),
        Table(
            "age_band",
            _("Referrals by age band"),
            _count((r["person_age_band"] for r in rows), _choice_label(AgeBand.choices, not_known)),
        ),
        Table(
            "source",
            _("Referrals by where they came from"),
            _count((r["source_kind"] for r in rows), _choice_label(SourceKind.choices, not_known)),
        ),
        Table(
            "status",
            _("Referrals by status"),
            _count((r["status"] for r in rows), _choice_label(Status.choices, not_known)),
        ),
        Table(
            "time_to_acceptance",
            _("Time from sending to acceptance"),
            _count((time_band(d) for d in acceptance_days), str),
            note=_("Calendar days, for referrals that were accepted."),
        ),
        Table(
            "acknowledged",
            _("Acknowledged within the service's target"),
            _count((_acknowledgement(r, today) for r in rows if r["acknowledge_by"]), str),
            note=_("Each service or programme says within how many working days it acknowledges a referral."),
        ),
        Table(
            "outcome",
            _("Outcomes of closed referrals"),
            _count((r["outcome"] for r in rows if r["outcome"]), _choice_label(Outcome.choices, none)),
        ),
        Table(
            "decline_reason",
            _("Why referrals were declined"),
            _count(
                (r["decline_reason"] for r in rows if r["decline_reason"]), _choice_label(DeclineReason.choices, none)
            ),
            note=_("Declines for capacity or eligibility feed the directory's gap analysis."),
        ),
    ]
    return Statistics(
        tables=tables,
        referral_count=len(rows),
        median_days_to_acceptance=round(pystats.median(acceptance_days), 1) if acceptance_days else None,
        date_from=date_from,
        date_to=date_to,
    )


def suppressed_rows(table: Table) -> list[tuple[str, str]]:
    """Returns the table's rows as text with small counts hidden (and one more when one alone is hidden)."""
    hidden = {i for i, (_label, count) in enumerate(table.rows) if 0 < count < SMALL_COUNT}
    if len(hidden) == 1:
        # One hidden cell beside a total could be recovered by subtraction: hide the next smallest too.
        others = [(count, i) for i, (_label, count) in enumerate(table.rows) if i not in hidden and count > 0]
        if others:
            hidden.add(min(others)[1])
    return [(label, SUPPRESSED if i in hidden else str(count)) for i, (label, count) in enumerate(table.rows)]


def to_csv(stats: Statistics, *, suppress: bool) -> str:
    """Returns every table as one CSV (table, category, count), with small counts suppressed when asked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "category", "count"])
    for table in stats.tables:
        rows = suppressed_rows(table) if suppress else [(label, str(count)) for label, count in table.rows]
        for label, count in rows:
            writer.writerow([table.key, _safe_cell(label), count])
        writer.writerow(
            [
                table.key,
                "Total",
                str(table.total) if not suppress or table.total >= SMALL_COUNT or table.total == 0 else SUPPRESSED,
            ]
        )
    return buffer.getvalue()


def _safe_cell(value: str) -> str:
    # A cell that starts like a formula is run by spreadsheets: a leading apostrophe keeps it text.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def export(actor: Any, *, suppress: bool, date_from: dt.date | None = None, date_to: dt.date | None = None) -> str:
    """Returns the statistics as CSV, auditing the export (and whether small counts were suppressed)."""
    stats = compute(actor, date_from=date_from, date_to=date_to)
    with transaction.atomic():
        audit.record(
            actor=actor,
            tag=audit.AuditTag.REFERRALS_STATISTICS_EXPORT,
            object_type="referrals.statistics",
            purpose=_("referral statistics export"),
            recipient=_("outside the organisation") if suppress else _("inside the organisation"),
            detail={
                "suppressed": suppress,
                "date_from": date_from.isoformat() if date_from else None,
                "date_to": date_to.isoformat() if date_to else None,
                "referrals": stats.referral_count,
            },
        )
    return to_csv(stats, suppress=suppress)


# --- for the directory's gap analysis ----------------------------------------------------------------------

GAP_DECLINE_REASONS = (DeclineReason.NO_CAPACITY, DeclineReason.NOT_ELIGIBLE)


@dataclass(frozen=True)
class DeclineCount:
    """How many referrals were declined for one reason, for one need, in one area (counts, never people)."""

    reason: str
    need: str  # "" when neither the referral nor its service named one
    area_id: int | None
    count: int


def declines_for_gap_analysis(
    actor: Any, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[DeclineCount]:
    """Returns force-wide counts of referrals declined for capacity or eligibility, by need and area.

    A referral naming several needs counts once under each. Its needs are its own, or else its service's.
    The caller suppresses small counts before they are shown (see ``suppressed_rows``).
    """
    require(actor, policies.DECLINE_COUNTS_VIEW)
    queryset = Referral.objects.filter(status=Status.DECLINED, decline_reason__in=GAP_DECLINE_REASONS)
    if date_from is not None:
        queryset = queryset.filter(declined_at__date__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(declined_at__date__lte=date_to)
    counts: Counter[tuple[str, str, int | None]] = Counter()
    for reason, needs, service_needs, area_id in queryset.values_list(
        "decline_reason", "need_categories", "service__need_categories", "area_id"
    ):
        for need in needs or service_needs or [""]:
            counts[(reason, str(need), area_id)] += 1
    return [
        DeclineCount(reason, need, area_id, count) for (reason, need, area_id), count in sorted(counts.items(), key=str)
    ]
