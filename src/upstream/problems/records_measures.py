"""A plan's measures worked out from data: the after measure and the concentration of its events.

The counting is done by ``upstream_analytics.problems.measure`` (Ibis on DuckDB, no Django); this module
only turns a plan into plain inputs (area codes, dates) and the results into tables the pages show.

**Where**: the plan's area and its other areas, with every area inside them. **When**: *before* is the
plan's baseline period when it has one, otherwise the 26 weeks before the response began; *after* is as many
days from the day the plan reached the response stage, cut at yesterday while it is still running.
**From what**: the force's records store (calls, incidents and crimes at locations in the areas); where the
force has no records imported, the police.uk street-level crimes already imported by places, counted by
LSOA and whole months. **Which events**: only those of the plan's kind of problem, as
``upstream_analytics.problems.categories`` maps it to police.uk crime types and to the records store's
offence codes, categories and flags (a burglary plan counts burglary); the kind "other" counts every event.
The comparison area and the surrounding areas (the plan area's neighbours under the same parent, for
displacement) are counted the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.places.models import Area, AreaLevel
from upstream.problems.measures import Change, change
from upstream.problems.models import PlanEvent, ProblemPlan, Stage
from upstream_analytics import engine
from upstream_analytics.places.store import CrimeStore
from upstream_analytics.problems import categories, its, measure
from upstream_analytics.problems.measure import Period

DEFAULT_BEFORE_DAYS = 182
SERIES_MONTHS = 24  # the most whole months the interrupted time series looks at on each side
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
class TimeSeries:
    """The plan's kind of events by whole month before and after the response, and the segmented fit."""

    months: list[str]
    counts: list[int]
    months_before: int
    fit: its.SegmentedFit | None
    reason: str = ""  # why there is no fit (too few months)

    @property
    def table(self) -> ChartTable:
        """Returns the months as a table (and chart): the count, the fit and the trend before carried on."""
        rows = []
        for i, (month, n) in enumerate(zip(self.months, self.counts, strict=True)):
            when = _("before") if i < self.months_before else _("after")
            fitted = f"{self.fit.fitted[i]:.1f}" if self.fit else ""
            expected = f"{self.fit.expected[i]:.1f}" if self.fit else ""
            rows.append([month, n, when, fitted, expected])
        return ChartTable(
            "time-series",
            _("Events by month"),
            [_("Month"), _("Events"), _("Before or after"), _("Fitted"), _("Trend before, carried on")],
            rows,
        )


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
    # Which events were counted (the plan's kind of problem), in words, and whether that narrowed the count.
    counted_text: str = ""
    scoped: bool = False
    # Every event in the plan's areas over the same periods, whatever its kind (only when scoped), for context.
    every_kind: tuple[int, int] | None = None
    # The same events by whole month, as an interrupted time series.
    series: TimeSeries | None = None
    # Where the data do not cover the periods (a records extract older than the after period's end).
    coverage_note: str = ""

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


def _month(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def _month_before(day: dt.date) -> str:
    return _month(day.replace(day=1) - dt.timedelta(days=1))


def _first_whole_month(day: dt.date) -> str:
    """Returns the first month that starts on or after the day."""
    if day.day == 1:
        return _month(day)
    return _month((day.replace(day=1) + dt.timedelta(days=32)).replace(day=1))


def _last_whole_month(day: dt.date) -> str:
    """Returns the last month that ends on or before the day."""
    if (day + dt.timedelta(days=1)).day == 1:
        return _month(day)
    return _month_before(day)


def series_months(
    started: dt.date, today: dt.date, *, first: str, last: str, covered: set[str] | None = None
) -> tuple[list[str], list[str]]:
    """Returns the whole months before the response and after it, within first..last (and covered, if given).

    The month the response began in is left out unless it began on the 1st: it is partly before and partly
    after. At most SERIES_MONTHS on each side; with ``covered`` (police.uk), only the unbroken run of
    imported months on each side.
    """
    last_before = _month_before(started)
    first_after = _first_whole_month(started)
    last_after = min(_last_whole_month(today - dt.timedelta(days=1)), last)
    before = measure.month_keys(first, min(last_before, last))[-SERIES_MONTHS:]
    after = measure.month_keys(first_after, last_after)[:SERIES_MONTHS]
    if covered is not None:
        gap = [i for i, m in enumerate(reversed(before)) if m not in covered]
        before = before[len(before) - gap[0] :] if gap else before
        gap = [i for i, m in enumerate(after) if m not in covered]
        after = after[: gap[0]] if gap else after
    return before, after


def _series(before: list[str], after: list[str], counts: list[int]) -> TimeSeries:
    fit = its.segmented_regression(counts[: len(before)], counts[len(before) :])
    reason = ""
    if fit is None:
        reason = _(
            "An interrupted time series needs at least %(min_before)s whole months before the response and "
            "%(min_after)s after it; there are %(before)s and %(after)s."
        ) % {"min_before": its.MIN_BEFORE, "min_after": its.MIN_AFTER, "before": len(before), "after": len(after)}
    return TimeSeries(months=[*before, *after], counts=counts, months_before=len(before), fit=fit, reason=reason)


def _codes(areas: list[Area], *, lsoa_only: bool = False) -> list[str]:
    return sorted(a.code for a in areas if not lsoa_only or a.level == AreaLevel.NEIGHBOURHOOD)


def _cache_key(plan: ProblemPlan, kind: str, today: dt.date) -> str:
    records = measure.records_version(settings.ANALYTICS_DIR) or "-"
    crimes = CrimeStore(settings.ANALYTICS_DIR).current()
    store = hashlib.sha256(str(settings.ANALYTICS_DIR).encode()).hexdigest()[:12]
    crime_version = crimes.name if crimes else "-"
    scopes = categories.SCOPES_VERSION
    return (
        f"problems:{kind}:{store}:{plan.pk}:{plan.version}:{plan.problem_type}:{scopes}:{records}:{crime_version}:"
        f"{today.isoformat()}"
    )


def _total(counts: dict[str, int]) -> int:
    return sum(counts.values())


def automatic_measure(plan: ProblemPlan, *, today: dt.date | None = None) -> AutomaticMeasure | Unavailable:
    """Returns the plan's before and after counts from the records store (or police.uk), cached for a while."""
    today = today or timezone.localdate()
    key = _cache_key(plan, "measure", today)
    found = cache.get(key)
    if found is None:
        found = _automatic_measure(plan, today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def counted_text(plan: ProblemPlan, scope: categories.EventScope | None, method: str) -> str:
    """Returns, in words, which events the plan's measure counts (its kind of problem, as categories maps it)."""
    kind = plan.get_problem_type_display()
    if scope is None:
        if method == POLICEUK:
            return _("Every police.uk crime type, anti-social behaviour included: the kind of problem is %(kind)s.") % {
                "kind": kind
            }
        return _(
            "Every call, incident and recorded crime: the kind of problem is %(kind)s. Choose a kind in the "
            "scanning stage to count only its events."
        ) % {"kind": kind}
    if method == POLICEUK:
        return _("Only police.uk crime types for %(kind)s: %(types)s.") % {
            "kind": kind,
            "types": ", ".join(scope.policeuk_types),
        }
    parts = []
    crime_types = scope.crime_categories
    if crime_types or scope.extra_offence_codes:
        named = ", ".join([*crime_types, *scope.extra_offence_codes])
        parts.append(_("recorded crimes whose Home Office offence code is in %(types)s") % {"types": named})
    parts.append(
        _("calls and incidents (and crimes without an offence code) whose category names %(words)s")
        % {"words": ", ".join(f"\u201c{w}\u201d" for w in scope.keywords)}
    )
    if scope.flags:
        parts.append(_("calls and incidents flagged %(flags)s") % {"flags": ", ".join(scope.flags)})
    text = _("Only the events of %(kind)s: %(parts)s.") % {"kind": kind, "parts": "; ".join(parts)}
    if scope.exclude_flags:
        text += " " + _("Events flagged %(flags)s are left out.") % {"flags": ", ".join(scope.exclude_flags)}
    return text


@dataclass
class _Source:
    """Where the counts come from: the records store or police.uk, with how each counts a list of areas."""

    method: str
    method_text: str
    count: Callable[[list[str], bool], dict[str, dict[str, int]]]  # (area codes, every kind?) -> counts
    monthly: Callable[[list[str]], TimeSeries | None]
    lsoa_only: bool
    timing: tuple[Period, Period, bool]  # before, after (cut where the data end) and whether after is partial
    coverage_note: str = ""


def _records_coverage(
    span: tuple[dt.date, dt.date] | None, timing: tuple[Period, Period, bool]
) -> tuple[tuple[Period, Period, bool], str] | Unavailable:
    """Returns the periods cut to what the records store holds, with a note; or why it cannot measure."""
    before, after, partial = timing
    if span is None:
        return Unavailable(
            _("The force's records store holds no events yet: import an extract (upstream records import).")
        )
    first, last = span
    if last < after.start:
        return Unavailable(
            _(
                "The records store holds events up to %(last)s, before the response began on %(start)s: import a "
                "newer extract (upstream records import) to measure the after period."
            )
            % {"last": date_format(last), "start": date_format(after.start)}
        )
    notes = []
    if last < after.end:
        after, partial = Period(after.start, last), True
        notes.append(
            _("The records store holds events up to %(last)s, so the after period stops there.")
            % {"last": date_format(last)}
        )
    if first > before.start:
        notes.append(
            _(
                "The records store's events begin on %(first)s, after the before period began (%(start)s): the "
                "before figures leave out the days it does not hold."
            )
            % {"first": date_format(first), "start": date_format(before.start)}
        )
    return (before, after, partial), " ".join(notes)


def _records_source(
    con: Any, tables: dict[str, Any], plan: ProblemPlan, scope: Any, timing: Any, *, today: dt.date
) -> _Source | Unavailable:
    span = measure.event_span(con, tables["events"])
    covered = _records_coverage(span, timing)
    if isinstance(covered, Unavailable):
        return covered
    timing, note = covered
    before, after, _partial = timing

    def count(codes: list[str], every_kind: bool) -> dict[str, dict[str, int]]:
        scoped = measure.events_in_areas(
            tables["events"], tables["locations"], codes, scope=None if every_kind else scope
        )
        return measure.as_counts(con, measure.period_counts(scoped, before=before, after=after))

    def monthly(codes: list[str]) -> TimeSeries | None:
        if span is None:
            return None
        first, last = _first_whole_month(span[0]), _last_whole_month(span[1])
        months_before, months_after = series_months(after.start, today, first=first, last=last)
        scoped = measure.events_in_areas(tables["events"], tables["locations"], codes, scope=scope)
        counted = measure.monthly_counts(con, scoped, [*months_before, *months_after])
        return _series(months_before, months_after, counted)

    text = _(
        "Counted from the force's records store: calls, incidents and recorded crimes at locations in "
        "%(areas)s and the areas inside it, by the day they happened."
    ) % {"areas": plan.area.name}
    return _Source(RECORDS, text, count, monthly, lsoa_only=False, timing=timing, coverage_note=note)


def _policeuk_source(con: Any, plan: ProblemPlan, scope: Any, timing: Any, *, today: dt.date) -> _Source | Unavailable:
    before, after, _partial = timing
    crimes = measure.policeuk_crimes(con, settings.ANALYTICS_DIR)
    if crimes is None:
        return Unavailable(
            _(
                "There is no data to count from: import the force's records (upstream records import) or "
                "police.uk crimes (upstream places import-policeuk), or enter the after figure by hand."
            )
        )
    if scope is not None and not scope.policeuk_types:
        return Unavailable(
            _(
                "Police.uk publishes no crime type for %(kind)s, and the force has no records imported to "
                "count from (upstream records import): enter the before and after figures by hand."
            )
            % {"kind": plan.get_problem_type_display()}
        )
    months = {str(m) for m in con.execute(measure.policeuk_months(crimes))["month"]}
    missing = [m for m in (*before.months(), *after.months()) if m not in months]
    if missing:
        return Unavailable(
            _("Police.uk crimes for %(months)s have not been imported yet, so the periods cannot be compared.")
            % {"months": ", ".join(sorted(set(missing)))}
        )

    def count(codes: list[str], every_kind: bool) -> dict[str, dict[str, int]]:
        counted = measure.policeuk_period_counts(
            crimes, lsoa_codes=codes, before=before, after=after, scope=None if every_kind else scope
        )
        return measure.as_counts(con, counted)

    def monthly(codes: list[str]) -> TimeSeries | None:
        months_before, months_after = series_months(
            after.start, today, first=min(months), last=max(months), covered=months
        )
        counted = measure.policeuk_monthly_counts(
            con, crimes, lsoa_codes=codes, months=[*months_before, *months_after], scope=scope
        )
        return _series(months_before, months_after, counted)

    text = _(
        "The force has no records imported, so this counts police.uk street-level crimes in the "
        "neighbourhoods (LSOAs) of %(areas)s, by whole months: police.uk gives only the month of each crime."
    ) % {"areas": plan.area.name}
    return _Source(POLICEUK, text, count, monthly, lsoa_only=True, timing=timing)


def _automatic_measure(plan: ProblemPlan, today: dt.date) -> AutomaticMeasure | Unavailable:
    timing = periods(plan, today)
    if isinstance(timing, Unavailable):
        return timing
    scope = categories.scope_for(plan.problem_type)
    con = engine.connect("duckdb")
    tables = measure.records_tables(con, settings.ANALYTICS_DIR)
    source = (
        _records_source(con, tables, plan, scope, timing, today=today)
        if tables is not None
        else _policeuk_source(con, plan, scope, timing, today=today)
    )
    if isinstance(source, Unavailable):
        return source
    before, after, partial = source.timing

    def codes_of(areas: list[Area]) -> list[str]:
        return _codes(areas, lsoa_only=source.lsoa_only)

    own = codes_of(plan_areas(plan))
    counts = source.count(own, False)
    if source.method == RECORDS:
        kinds: list[str] = list(measure.MEASURED_TYPES)
        labels = {k: str(v) for k, v in TYPE_LABELS.items()}
    else:
        kinds = sorted({*counts["before"], *counts["after"]})
        labels = {k: k for k in kinds}
    rows = []
    for kind in kinds:
        b, a = counts["before"].get(kind, 0), counts["after"].get(kind, 0)
        if b or a:
            rows.append(Row(_row_key(kind), labels[kind], b, a, change(b, a)))
    b, a = _total(counts["before"]), _total(counts["after"])
    result = AutomaticMeasure(
        method=source.method,
        method_text=source.method_text,
        before=before,
        after=after,
        partial=partial,
        rows=rows,
        total=Row("all", _("All of these"), b, a, change(b, a)),
        counted_text=counted_text(plan, scope, source.method),
        scoped=scope is not None,
        series=source.monthly(own),
        coverage_note=source.coverage_note,
    )
    if scope is not None:
        everything = source.count(own, True)
        result.every_kind = (_total(everything["before"]), _total(everything["after"]))
    if plan.comparison_area:
        compared = source.count(codes_of(_with_descendants([plan.comparison_area])), False)
        result.comparison_name = plan.comparison_area.name
        result.comparison = (_total(compared["before"]), _total(compared["after"]))
    surrounding = _with_descendants(surrounding_areas(plan))
    if surrounding:
        around = source.count(codes_of(surrounding), False)
        result.surrounding_names = [a.name for a in surrounding_areas(plan)]
        result.surrounding = (_total(around["before"]), _total(around["after"]))
    return result


def _row_key(kind: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")


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
    counted_text: str = ""  # which events, by the plan's kind of problem


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
    scope = categories.scope_for(plan.problem_type)
    scoped = measure.events_in_areas(tables["events"], tables["locations"], _codes(plan_areas(plan)), scope=scope)
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
    return ConcentrationView(
        period=period,
        total_events=found.total_events,
        tables=charts,
        area_counts=area_counts,
        counted_text=counted_text(plan, scope, RECORDS),
    )


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
