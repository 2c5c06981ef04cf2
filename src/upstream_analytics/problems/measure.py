"""A problem plan's measures from the records store, or from police.uk crimes where the force has no records.

Pure functions over Ibis tables, so DuckDB and Spark give one answer. The web side passes plain values (area
codes, dates); nothing here knows about plans, users or Django.

- :func:`events_in_areas` keeps the store's events whose location lies in the given areas, and, given a
  scope (``categories.EventScope``, from the plan's kind of problem), only the events of that kind.
- :func:`period_counts` counts them by event type in a *before* and an *after* period (whole days, inclusive).
- :func:`policeuk_period_counts` does the same for police.uk street-level crimes by LSOA and whole months,
  by police.uk crime type, only the scope's types when given one.
- :func:`monthly_counts` and :func:`policeuk_monthly_counts` count them by whole month, for the interrupted
  time series (``its.segmented_regression``).
- :func:`concentration` says how the events concentrate: repeat locations, repeat victims, repeat offenders,
  and by hour, day of the week and month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
from ibis import _
from ibis.backends import BaseBackend

from upstream_analytics import engine
from upstream_analytics.places.store import CrimeStore
from upstream_analytics.problems.categories import EventScope, policeuk_match, records_match
from upstream_analytics.records.store import RecordsStore

BEFORE = "before"
AFTER = "after"
MEASURED_TYPES = ("CALL", "INCIDENT", "CRIME")
VICTIM_ROLES = ("VICTIM",)
OFFENDER_ROLES = ("SUSPECT", "OFFENDER")
# How many events one location, victim or offender had, in bands a reader can take in at a glance.
REPEAT_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (1, 1, "1"),
    (2, 2, "2"),
    (3, 4, "3-4"),
    (5, 9, "5-9"),
    (10, None, "10+"),
)


@dataclass(frozen=True)
class Period:
    """A run of whole days, first and last included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Returns how many days the period covers."""
        return (self.end - self.start).days + 1

    def months(self) -> tuple[str, str]:
        """Returns the first and last month (YYYY-MM) the period touches."""
        return self.start.strftime("%Y-%m"), self.end.strftime("%Y-%m")


# --- reading the stores ----------------------------------------------------------------------------------


def records_tables(con: BaseBackend, analytics_dir: Path) -> dict[str, ibis.Table] | None:
    """Returns the current records store's events, locations and involvements, or None when it holds none."""
    store = RecordsStore(analytics_dir)
    paths = {name: store.current_table_path(name) for name in ("events", "locations", "involvements")}
    if paths["events"] is None or paths["locations"] is None:
        return None
    return {
        name: engine.read_parquet(con, path, table_name=f"problems_{name}")
        for name, path in paths.items()
        if path is not None
    }


def records_version(analytics_dir: Path) -> str | None:
    """Returns the records store's current version (for caching a result against it), or None."""
    return RecordsStore(analytics_dir).current_version()


def policeuk_crimes(con: BaseBackend, analytics_dir: Path) -> ibis.Table | None:
    """Returns the imported police.uk crimes, or None when none were imported."""
    try:
        return CrimeStore(analytics_dir).table(con)
    except FileNotFoundError:
        return None


# --- before and after ------------------------------------------------------------------------------------


def events_in_areas(
    events: ibis.Table,
    locations: ibis.Table,
    area_codes: list[str],
    event_types: tuple[str, ...] = MEASURED_TYPES,
    *,
    scope: EventScope | None = None,
) -> ibis.Table:
    """Returns the events of the given types whose location lies in one of the areas (and in scope, if given).

    Columns: event_id, event_type, occurred_at, location_id, area_code.
    """
    places = locations.filter(locations.area_code.isin(list(area_codes))).select(
        place_id=locations.location_id, area_code=locations.area_code
    )
    chosen = events.filter(events.event_type.isin(list(event_types)))
    if scope is not None:
        chosen = chosen.filter(records_match(chosen, scope))
    joined = chosen.join(places, chosen.location_id == places.place_id)
    return joined.select(
        event_id=joined.event_id,
        event_type=joined.event_type,
        occurred_at=joined.occurred_at,
        location_id=joined.location_id,
        area_code=joined.area_code,
    )


def _period_label(day: Any, before: Period, after: Period) -> Any:
    return ibis.cases(
        ((day >= before.start) & (day <= before.end), BEFORE),
        ((day >= after.start) & (day <= after.end), AFTER),
        else_=ibis.null(),
    )


def period_counts(scoped: ibis.Table, *, before: Period, after: Period) -> ibis.Table:
    """Returns (period, event_type, events): the events counted in each period, by type."""
    labelled = scoped.mutate(period=_period_label(scoped.occurred_at.date(), before, after))
    return (
        labelled.filter(labelled.period.notnull())  # noqa: PD004 - an Ibis column
        .group_by(["period", "event_type"])
        .aggregate(events=_.count().cast("int64"))
    )


def policeuk_period_counts(
    crimes: ibis.Table,
    *,
    lsoa_codes: list[str],
    before: Period,
    after: Period,
    scope: EventScope | None = None,
) -> ibis.Table:
    """Returns (period, event_type, events) for police.uk crimes in the LSOAs, by whole months touched.

    event_type is the police.uk crime type ("Burglary", "Anti-social behaviour"); with a scope, only its types.
    """
    first_before, last_before = before.months()
    first_after, last_after = after.months()
    inside = crimes.filter(crimes.lsoa_code.isin(list(lsoa_codes)))
    if scope is not None:
        inside = inside.filter(policeuk_match(inside, scope))
    month = inside.month
    labelled = inside.mutate(
        period=ibis.cases(
            ((month >= first_before) & (month <= last_before), BEFORE),
            ((month >= first_after) & (month <= last_after), AFTER),
            else_=ibis.null(),
        ),
        event_type=inside.crime_type.cast("string").fill_null(""),
    )
    return (
        labelled.filter(labelled.period.notnull())  # noqa: PD004 - an Ibis column
        .group_by(["period", "event_type"])
        .aggregate(events=_.count().cast("int64"))
    )


def month_keys(first: str, last: str) -> list[str]:
    """Returns every month from first to last (YYYY-MM, both included)."""
    if first > last:
        return []
    return [p.strftime("%Y-%m") for p in pd.period_range(first, last, freq="M")]


def monthly_counts(con: BaseBackend, scoped: ibis.Table, months: list[str]) -> list[int]:
    """Returns the events in scope in each of the given whole months (YYYY-MM, consecutive), zero for none."""
    if not months:
        return []
    first = dt.date.fromisoformat(months[0] + "-01")
    last = (pd.Period(months[-1], freq="M").end_time).date()
    day = scoped.occurred_at.date()
    inside = scoped.filter((day >= first) & (day <= last))
    keyed = inside.mutate(year=inside.occurred_at.year(), month_number=inside.occurred_at.month())
    frame = con.execute(keyed.group_by(["year", "month_number"]).aggregate(events=_.count().cast("int64")))
    found = {
        f"{int(y):04d}-{int(m):02d}": int(n)
        for y, m, n in zip(frame["year"], frame["month_number"], frame["events"], strict=True)
    }
    return [found.get(month, 0) for month in months]


def policeuk_monthly_counts(
    con: BaseBackend, crimes: ibis.Table, *, lsoa_codes: list[str], months: list[str], scope: EventScope | None = None
) -> list[int]:
    """Returns the police.uk crimes in the LSOAs (of the scope's types) in each of the given months."""
    if not months:
        return []
    inside = crimes.filter(crimes.lsoa_code.isin(list(lsoa_codes)) & crimes.month.isin(months))
    if scope is not None:
        inside = inside.filter(policeuk_match(inside, scope))
    frame = con.execute(inside.group_by("month").aggregate(events=_.count().cast("int64")))
    found = {str(m): int(n) for m, n in zip(frame["month"], frame["events"], strict=True)}
    return [found.get(month, 0) for month in months]


def event_span(con: BaseBackend, events: ibis.Table) -> tuple[dt.date, dt.date] | None:
    """Returns the days of the store's first and last events (what it covers), or None when it holds none."""
    frame = con.execute(events.aggregate(first=events.occurred_at.min(), last=events.occurred_at.max()))
    first, last = frame.iloc[0]["first"], frame.iloc[0]["last"]
    if pd.isna(first) or pd.isna(last):
        return None
    return pd.Timestamp(first).date(), pd.Timestamp(last).date()


def policeuk_months(crimes: ibis.Table) -> ibis.Table:
    """Returns the months the imported police.uk crimes cover (one column, month)."""
    return crimes.select("month").distinct()


def as_counts(con: BaseBackend, counts: ibis.Table) -> dict[str, dict[str, int]]:
    """Returns {period: {event type: count}} from a period_counts table (every period and type present)."""
    frame = con.execute(counts)
    found: dict[str, dict[str, int]] = {BEFORE: {}, AFTER: {}}
    for row in frame.itertuples(index=False):
        found[str(row.period)][str(row.event_type)] = int(row.events)
    return found


# --- concentration ---------------------------------------------------------------------------------------


def _bands(per_key: pd.Series) -> pd.DataFrame:
    """Returns, per band of events each, how many keys and how many events, and the share of all events."""
    total = int(per_key.sum())
    rows = []
    for low, high, label in REPEAT_BANDS:
        inside = per_key[(per_key >= low) & ((per_key <= high) if high is not None else True)]
        rows.append(
            {
                "band": label,
                "count": len(inside),
                "events": int(inside.sum()),
                "share": round(100 * inside.sum() / total, 1) if total else 0.0,
            }
        )
    return pd.DataFrame(rows)


def top_share(per_key: pd.Series, fraction: float = 0.1) -> tuple[int, float]:
    """Returns how many keys are the top `fraction` (at least one) and the share of events (%) they account for."""
    if per_key.empty or per_key.sum() == 0:
        return 0, 0.0
    ordered = per_key.sort_values(ascending=False)
    top_n = max(1, round(len(ordered) * fraction))
    return top_n, round(100 * ordered.iloc[:top_n].sum() / ordered.sum(), 1)


@dataclass
class Concentration:
    """How a plan's events concentrate, each part a small frame ready for a table and a chart."""

    total_events: int
    locations: pd.DataFrame
    victims: pd.DataFrame
    offenders: pd.DataFrame
    top_locations: tuple[int, float]
    top_victims: tuple[int, float]
    top_offenders: tuple[int, float]
    by_hour: pd.DataFrame
    by_weekday: pd.DataFrame
    by_month: pd.DataFrame
    by_area: pd.DataFrame  # area_code, events: where in the plan's areas the events happened


def _per(con: BaseBackend, table: ibis.Table, key: str) -> pd.Series:
    frame = con.execute(table.group_by(key).aggregate(events=_.count().cast("int64")))
    return frame["events"] if not frame.empty else pd.Series([], dtype="int64")


def concentration(
    con: BaseBackend, scoped: ibis.Table, involvements: ibis.Table | None, *, period: Period
) -> Concentration:
    """Returns how the events in scope during the period concentrate in places, people and time."""
    day = scoped.occurred_at.date()
    inside = scoped.filter((day >= period.start) & (day <= period.end))
    per_location = _per(con, inside, "location_id")
    per_victim = per_offender = pd.Series([], dtype="int64")
    if involvements is not None:
        roles = involvements.select(
            inv_event=involvements.event_id, person_id=involvements.person_id, role=involvements.role
        )
        joined = inside.join(roles, inside.event_id == roles.inv_event)
        victims = joined.filter(joined.role.isin(list(VICTIM_ROLES))).select("event_id", "person_id").distinct()
        offenders = joined.filter(joined.role.isin(list(OFFENDER_ROLES))).select("event_id", "person_id").distinct()
        per_victim = _per(con, victims, "person_id")
        per_offender = _per(con, offenders, "person_id")
    timed = inside.mutate(
        hour=inside.occurred_at.hour(),
        weekday=inside.occurred_at.day_of_week.index(),  # Monday is 0 on every engine
        year=inside.occurred_at.year(),
        month_number=inside.occurred_at.month(),
    )
    hours = con.execute(timed.group_by("hour").aggregate(events=_.count().cast("int64")))
    weekdays = con.execute(timed.group_by("weekday").aggregate(events=_.count().cast("int64")))
    months = con.execute(timed.group_by(["year", "month_number"]).aggregate(events=_.count().cast("int64")))
    by_hour = pd.DataFrame({"hour": range(24)}).merge(hours, how="left", on="hour").fillna({"events": 0})
    by_weekday = pd.DataFrame({"weekday": range(7)}).merge(weekdays, how="left", on="weekday").fillna({"events": 0})
    month_keys = pd.period_range(period.start, period.end, freq="M")
    months["month"] = [
        f"{int(y):04d}-{int(m):02d}" for y, m in zip(months["year"], months["month_number"], strict=True)
    ]
    by_month = (
        pd.DataFrame({"month": [p.strftime("%Y-%m") for p in month_keys]})
        .merge(months[["month", "events"]], how="left", on="month")
        .fillna({"events": 0})
    )
    by_area = con.execute(inside.group_by("area_code").aggregate(events=_.count().cast("int64")))
    by_area = by_area.sort_values(["events", "area_code"], ascending=[False, True]).reset_index(drop=True)
    for frame in (by_hour, by_weekday, by_month, by_area):
        frame["events"] = frame["events"].astype("int64")
    return Concentration(
        total_events=int(per_location.sum()),
        locations=_bands(per_location),
        victims=_bands(per_victim),
        offenders=_bands(per_offender),
        top_locations=top_share(per_location),
        top_victims=top_share(per_victim),
        top_offenders=top_share(per_offender),
        by_hour=by_hour,
        by_weekday=by_weekday,
        by_month=by_month,
        by_area=by_area,
    )
