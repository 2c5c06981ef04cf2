"""A plan's measures worked out from data: the after measure and the concentration of its events.

The counting is done by ``upstream_analytics.problems.measure`` (Ibis on DuckDB, no Django); this module
only turns a plan into plain inputs (area codes, dates) and the results into tables the pages show.

**Where**: the plan's area and its other areas, with every area inside them. **When**: *before* is the
plan's baseline period when it has one, otherwise the 26 weeks before the response began; *after* is as many
days from the day the plan reached the response stage, cut at yesterday while it is still running.
**From what**: the force's records store (calls, incidents and crimes at locations in the areas); where the
force has no records imported, the police.uk street-level crimes already imported by places, counted by
LSOA and whole months. The comparison area and the surrounding areas (the plan area's neighbours under the
same parent, for displacement) are counted the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.places.models import Area, AreaLevel
from upstream.problems.measures import Change, change
from upstream.problems.models import PlanEvent, ProblemPlan, Stage
from upstream_analytics import engine
from upstream_analytics.places.store import CrimeStore
from upstream_analytics.problems import measure
from upstream_analytics.problems.measure import Period

DEFAULT_BEFORE_DAYS = 182
CACHE_SECONDS = 600
RECORDS = "records"
POLICEUK = "policeuk"
TYPE_LABELS = {
    "CALL": gettext_lazy("Calls for service"),
    "INCIDENT": gettext_lazy("Incidents"),
    "CRIME": gettext_lazy("Recorded crimes"),
}
WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


@dataclass
class Row:
    """One measure before and after, with its change."""

    key: str
    label: str
    before: int
    after: int
    change: Change


@dataclass
class AutomaticMeasure:
    """The plan's measure worked out from data, with the method named."""

    method: str  # RECORDS or POLICEUK
    method_text: str
    before: Period
    after: Period
    partial: bool
    rows: list[Row]
    total: Row
    comparison_name: str = ""
    comparison: tuple[int, int] | None = None
    surrounding_names: list[str] = field(default_factory=list)
    surrounding: tuple[int, int] | None = None

    @property
    def with_comparison(self) -> Change | None:
        """Returns the total's change against the comparison area, when there is one."""
        if self.comparison is None:
            return None
        return change(self.total.before, self.total.after, self.comparison[0], self.comparison[1])

    @property
    def displacement(self) -> Change | None:
        """Returns the change in the surrounding areas over the same periods, when there are any."""
        if self.surrounding is None:
            return None
        return change(self.surrounding[0], self.surrounding[1])


@dataclass(frozen=True)
class Unavailable:
    """Why nothing could be worked out, said so the person knows what to do."""

    reason: str


def response_date(plan: ProblemPlan) -> dt.date | None:
    """Returns the day the plan reached the response stage (the first time), or None if it has not."""
    event = (
        PlanEvent.objects.filter(plan=plan, to_stage=Stage.RESPONSE)
        .exclude(kind__in=["move_requested", "move_refused"])
        .order_by("occurred_at", "pk")
        .first()
    )
    return timezone.localtime(event.occurred_at).date() if event is not None else None


def _with_descendants(areas: list[Area]) -> list[Area]:
    found = {a.pk: a for a in areas}
    frontier = [a.pk for a in areas]
    while frontier:
        children = list(Area.objects.filter(parent_id__in=frontier).exclude(pk__in=found))
        found.update({c.pk: c for c in children})
        frontier = [c.pk for c in children]
    return list(found.values())


def plan_areas(plan: ProblemPlan) -> list[Area]:
    """Returns the plan's areas and every area inside them."""
    return _with_descendants([plan.area, *plan.areas.all()])


def surrounding_areas(plan: ProblemPlan) -> list[Area]:
    """Returns the plan area's neighbours (the other areas under its parent), outside the plan's own areas."""
    own = {a.pk for a in [plan.area, *plan.areas.all()]}
    if plan.area.parent_id is None:
        return []
    return list(Area.objects.filter(parent_id=plan.area.parent_id).exclude(pk__in=own).order_by("name"))


def periods(plan: ProblemPlan, today: dt.date) -> tuple[Period, Period, bool] | Unavailable:
    """Returns the before and after periods and whether the after period is not over yet."""
    started = response_date(plan)
    if started is None:
        return Unavailable(_("The after measure starts from the day the plan reaches the response stage."))
    if plan.baseline_start and plan.baseline_end and plan.baseline_start <= plan.baseline_end < started:
        before = Period(plan.baseline_start, plan.baseline_end)
    else:
        # No baseline period, or one running into the response: the same length just before the response.
        before = Period(started - dt.timedelta(days=DEFAULT_BEFORE_DAYS), started - dt.timedelta(days=1))
    yesterday = today - dt.timedelta(days=1)
    if started > yesterday:
        return Unavailable(_("The response began today: the after measure can be worked out from tomorrow."))
    end = started + dt.timedelta(days=before.days - 1)
    partial = end > yesterday
    return before, Period(started, min(end, yesterday)), partial


def _codes(areas: list[Area], *, lsoa_only: bool = False) -> list[str]:
    return sorted(a.code for a in areas if not lsoa_only or a.level == AreaLevel.NEIGHBOURHOOD)


def _cache_key(plan: ProblemPlan, kind: str, today: dt.date) -> str:
    records = measure.records_version(settings.ANALYTICS_DIR) or "-"
    crimes = CrimeStore(settings.ANALYTICS_DIR).current()
    store = hashlib.sha256(str(settings.ANALYTICS_DIR).encode()).hexdigest()[:12]
    crime_version = crimes.name if crimes else "-"
    return f"problems:{kind}:{store}:{plan.pk}:{plan.version}:{records}:{crime_version}:{today.isoformat()}"


@contextlib.contextmanager
def _quiet_engine() -> Iterator[None]:
    # DuckDB 2 warns through Ibis 12 about a renamed Arrow method; it is theirs, and says nothing to a reader.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*fetch_arrow_table", category=DeprecationWarning)
        yield


def _total(counts: dict[str, int]) -> int:
    return sum(counts.values())


def automatic_measure(plan: ProblemPlan, *, today: dt.date | None = None) -> AutomaticMeasure | Unavailable:
    """Returns the plan's before and after counts from the records store (or police.uk), cached for a while."""
    today = today or timezone.localdate()
    key = _cache_key(plan, "measure", today)
    found = cache.get(key)
    if found is None:
        with _quiet_engine():
            found = _automatic_measure(plan, today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _automatic_measure(  # noqa: C901 - two sources of data, each with its own refusal, read in one place
    plan: ProblemPlan, today: dt.date
) -> AutomaticMeasure | Unavailable:
    timing = periods(plan, today)
    if isinstance(timing, Unavailable):
        return timing
    before, after, partial = timing
    areas = plan_areas(plan)
    comparison_areas = _with_descendants([plan.comparison_area]) if plan.comparison_area else []
    surrounding = _with_descendants(surrounding_areas(plan))
    con = engine.connect("duckdb")
    tables = measure.records_tables(con, settings.ANALYTICS_DIR)
    if tables is not None:
        method = RECORDS
        method_text = _(
            "Counted from the force's records store: calls, incidents and recorded crimes at locations in "
            "%(areas)s and the areas inside it, by the day they happened."
        ) % {"areas": plan.area.name}

        def count(codes: list[str]) -> dict[str, dict[str, int]]:
            scoped = measure.events_in_areas(tables["events"], tables["locations"], codes)
            return measure.as_counts(con, measure.period_counts(scoped, before=before, after=after))

        codes_of = _codes
    else:
        crimes = measure.policeuk_crimes(con, settings.ANALYTICS_DIR)
        if crimes is None:
            return Unavailable(
                _(
                    "There is no data to count from: import the force's records (upstream records import) or "
                    "police.uk crimes (upstream places import-policeuk), or enter the after figure by hand."
                )
            )
        method = POLICEUK
        method_text = _(
            "The force has no records imported, so this counts police.uk street-level crimes in the "
            "neighbourhoods (LSOAs) of %(areas)s, by whole months: police.uk gives only the month of each crime."
        ) % {"areas": plan.area.name}
        months = {str(m) for m in con.execute(measure.policeuk_months(crimes))["month"]}
        missing = [m for m in (*before.months(), *after.months()) if m not in months]
        if missing:
            return Unavailable(
                _("Police.uk crimes for %(months)s have not been imported yet, so the periods cannot be compared.")
                % {"months": ", ".join(sorted(set(missing)))}
            )

        def count(codes: list[str]) -> dict[str, dict[str, int]]:
            counted = measure.policeuk_period_counts(crimes, lsoa_codes=codes, before=before, after=after)
            return measure.as_counts(con, counted)

        def codes_of(areas: list[Area], *, lsoa_only: bool = True) -> list[str]:
            return _codes(areas, lsoa_only=lsoa_only)

    counts = count(codes_of(areas))
    rows = []
    for kind in measure.MEASURED_TYPES:
        b, a = counts["before"].get(kind, 0), counts["after"].get(kind, 0)
        if b or a:
            rows.append(Row(kind.lower(), str(TYPE_LABELS[kind]), b, a, change(b, a)))
    b, a = _total(counts["before"]), _total(counts["after"])
    result = AutomaticMeasure(
        method=method,
        method_text=method_text,
        before=before,
        after=after,
        partial=partial,
        rows=rows,
        total=Row("all", _("All of these"), b, a, change(b, a)),
    )
    if comparison_areas:
        compared = count(codes_of(comparison_areas))
        result.comparison_name = plan.comparison_area.name if plan.comparison_area else ""
        result.comparison = (_total(compared["before"]), _total(compared["after"]))
    if surrounding:
        around = count(codes_of(surrounding))
        result.surrounding_names = [a.name for a in surrounding_areas(plan)]
        result.surrounding = (_total(around["before"]), _total(around["after"]))
    return result


# --- concentration -----------------------------------------------------------------------------------------


@dataclass
class ChartTable:
    """A table with a chart beside it (the shape problems/_macros.html's data_table and bar_chart take)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    summary: str = ""


@dataclass
class ConcentrationView:
    """The concentration tables for one plan and the period they cover."""

    period: Period
    total_events: int
    tables: list[ChartTable]
    area_counts: dict[str, int] = field(default_factory=dict)  # area code -> events, for the map


def analysis_period(plan: ProblemPlan, today: dt.date) -> Period:
    """Returns the period the concentration looks at: the baseline, or else the last 365 days."""
    if plan.baseline_start and plan.baseline_end and plan.baseline_end >= plan.baseline_start:
        return Period(plan.baseline_start, plan.baseline_end)
    return Period(today - dt.timedelta(days=365), today - dt.timedelta(days=1))


def concentration(plan: ProblemPlan, *, today: dt.date | None = None) -> ConcentrationView | Unavailable:
    """Returns how the plan's events concentrate (repeat places, victims, offenders; hour, day, month)."""
    today = today or timezone.localdate()
    key = _cache_key(plan, "concentration", today)
    found = cache.get(key)
    if found is None:
        with _quiet_engine():
            found = _concentration(plan, today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _repeat_table(key: str, title: str, what: str, frame: Any, top: tuple[int, float]) -> ChartTable:
    rows = [
        [band, int(count), int(events), f"{share:.1f}%"] for band, count, events, share in frame.itertuples(index=False)
    ]
    summary = (
        _("The top %(n)s %(what)s (a tenth of them) account for %(share)s%% of the events.")
        % {"n": top[0], "what": what, "share": f"{top[1]:.1f}"}
        if top[0]
        else ""
    )
    return ChartTable(
        key, title, [_("Events each"), what.capitalize(), _("Events"), _("Share of events")], rows, summary
    )


def _concentration(plan: ProblemPlan, today: dt.date) -> ConcentrationView | Unavailable:
    con = engine.connect("duckdb")
    tables = measure.records_tables(con, settings.ANALYTICS_DIR)
    if tables is None:
        return Unavailable(
            _("The force's records have not been imported (upstream records import), so there are no events to chart.")
        )
    period = analysis_period(plan, today)
    scoped = measure.events_in_areas(tables["events"], tables["locations"], _codes(plan_areas(plan)))
    found = measure.concentration(con, scoped, tables.get("involvements"), period=period)
    charts = [
        _repeat_table("locations", _("Repeat locations"), _("locations"), found.locations, found.top_locations),
        _repeat_table("victims", _("Repeat victims"), _("victims"), found.victims, found.top_victims),
        _repeat_table("offenders", _("Repeat offenders"), _("offenders"), found.offenders, found.top_offenders),
        ChartTable(
            "hour",
            _("Events by hour of the day"),
            [_("Hour"), _("Events")],
            [[f"{int(h):02d}:00", int(n)] for h, n in found.by_hour.itertuples(index=False)],
        ),
        ChartTable(
            "weekday",
            _("Events by day of the week"),
            [_("Day"), _("Events")],
            [[str(WEEKDAYS[int(d)]), int(n)] for d, n in found.by_weekday.itertuples(index=False)],
        ),
        ChartTable(
            "month",
            _("Events by month"),
            [_("Month"), _("Events")],
            [[m, int(n)] for m, n in found.by_month.itertuples(index=False)],
        ),
    ]
    named = {a.code: a.name for a in plan_areas(plan)}
    area_counts = {str(code): int(n) for code, n in found.by_area.itertuples(index=False)}
    charts.append(
        ChartTable(
            "area",
            _("Events by area"),
            [_("Area"), _("Events")],
            [[f"{named.get(code, code)} ({code})", n] for code, n in area_counts.items()],
        )
    )
    return ConcentrationView(period=period, total_events=found.total_events, tables=charts, area_counts=area_counts)


def concentration_geojson(plan: ProblemPlan, view: ConcentrationView) -> dict[str, Any]:
    """Returns the plan's areas that had events, with their boundaries and counts, as GeoJSON for the map."""
    features = [
        {
            "type": "Feature",
            "geometry": area.boundary,
            "properties": {"code": area.code, "name": area.name, "events": view.area_counts[area.code]},
        }
        for area in plan_areas(plan)
        if area.boundary and area.code in view.area_counts
    ]
    return {"type": "FeatureCollection", "features": features}
