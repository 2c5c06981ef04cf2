"""The gap analysis: where the directory's services are, set against where people looked and were turned away.

Coverage counts active services by need and area (local authority and ward), client group, hours (evenings
and weekends, from the schedules) and language spoken. Demand comes from the search log (every public
search, without personal data) and from referrals declined for capacity or eligibility, read through the
referrals package's own query function. Declines are counts of people's referrals, so counts of 1 to 4 are
suppressed wherever they are shown, as the referral statistics do for anything leaving an organisation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from upstream.core.policy import require
from upstream.directory.models import Address, Language, Schedule, SearchLog, Service, ServiceStatus
from upstream.directory.vocab import CLIENT_GROUPS, NEED_CATEGORIES
from upstream.gaps import policies
from upstream.places.models import Area, AreaLevel
from upstream.referrals import statistics as referral_statistics
from upstream.referrals.models import DeclineReason

EVENING = dt.time(18, 0)  # open after six in the evening
TERM_MIN_COUNT = 3  # a search's words are listed only when at least this many searches used them
TERM_LIMIT = 20
DEFAULT_DAYS = 365
WORD = re.compile(r"\w+", re.UNICODE)
# Words that name a need when a search gave words but no need filter.
NEED_WORDS: dict[str, frozenset[str]] = {
    "domestic-abuse": frozenset({"domestic", "abuse", "violence", "refuge", "idva", "coercive", "trais"}),
    "substance-misuse": frozenset({"drug", "drugs", "alcohol", "drinking", "addiction", "recovery", "needle"}),
    "mental-health": frozenset({"mental", "anxiety", "depression", "counselling", "counseling", "wellbeing"}),
    "youth-diversion": frozenset({"youth", "mentoring", "mentor", "activities", "club", "teenager"}),
    "victim-support": frozenset({"victim", "victims", "crime", "burglary", "fraud", "hate"}),
    "housing": frozenset({"housing", "homeless", "homelessness", "rent", "eviction", "shelter", "tai"}),
    "debt": frozenset({"debt", "money", "benefits", "budget", "arrears", "loan"}),
    "food": frozenset({"food", "foodbank", "meal", "meals", "pantry", "bwyd"}),
    "parenting": frozenset({"parenting", "parent", "parents", "family", "families", "children"}),
    "education-employment": frozenset({"job", "jobs", "work", "employment", "training", "education", "cv"}),
}


@dataclass(frozen=True)
class Filters:
    """What the commissioner narrowed the analysis to."""

    area_code: str = ""
    need: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class AreaInfo:
    """One local authority or ward, with its parent."""

    id: int
    code: str
    name: str
    level: str
    parent_id: int | None


@dataclass
class Places:
    """The local authorities and wards, and how neighbourhoods and wards roll up into them."""

    areas: dict[int, AreaInfo]
    by_code: dict[str, AreaInfo]
    authorities: list[AreaInfo]
    wards_of: dict[int, list[AreaInfo]]

    def roll_up(self, area_id: int | None) -> set[int]:
        """Returns the authority and ward ids an area lies in or covers (a force covers every one)."""
        if area_id is None or area_id not in self.areas:
            return set()
        area = self.areas[area_id]
        if area.level == AreaLevel.FORCE:
            return {a.id for a in self.authorities} | {w.id for ws in self.wards_of.values() for w in ws}
        if area.level == AreaLevel.LOCAL_AUTHORITY:
            return {area.id} | {w.id for w in self.wards_of.get(area.id, [])}
        result: set[int] = set()
        current: AreaInfo | None = area
        while current is not None:
            if current.level in (AreaLevel.WARD, AreaLevel.LOCAL_AUTHORITY):
                result.add(current.id)
            current = self.areas.get(current.parent_id) if current.parent_id else None
        return result

    def columns(self, selected: AreaInfo | None) -> list[AreaInfo]:
        """Returns the areas to compare: the authorities, an authority's wards, or one ward."""
        if selected is None:
            return self.authorities
        if selected.level == AreaLevel.LOCAL_AUTHORITY:
            return self.wards_of.get(selected.id, [])
        return [selected]


def load_places() -> Places:
    """Returns every local authority, ward and neighbourhood, for rolling services and demand up."""
    rows = Area.objects.filter(
        level__in=[AreaLevel.FORCE, AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD, AreaLevel.NEIGHBOURHOOD]
    ).values_list("id", "code", "name", "level", "parent_id")
    areas = {r[0]: AreaInfo(*r) for r in rows}
    authorities = sorted((a for a in areas.values() if a.level == AreaLevel.LOCAL_AUTHORITY), key=lambda a: a.name)
    wards_of: dict[int, list[AreaInfo]] = defaultdict(list)
    for a in sorted(areas.values(), key=lambda a: a.name):
        if a.level == AreaLevel.WARD and a.parent_id is not None:
            wards_of[a.parent_id].append(a)
    return Places(areas, {a.code: a for a in areas.values()}, authorities, dict(wards_of))


@dataclass
class ServiceFacts:
    """What the analysis needs to know of one active service."""

    needs: list[str]
    groups: list[str]
    languages: set[str] = field(default_factory=set)
    areas: set[int] = field(default_factory=set)
    anywhere: bool = False  # no place and no service area: phone or online for anyone
    evenings: bool = False
    weekends: bool = False


def service_facts(places: Places) -> list[ServiceFacts]:
    """Returns what the analysis needs of every active service: needs, groups, languages, areas and hours."""
    active = Service.objects.filter(status=ServiceStatus.ACTIVE)
    services = {
        sid: ServiceFacts(needs=list(needs or []), groups=list(groups or []))
        for sid, needs, groups in active.values_list("id", "need_categories", "client_groups")
    }
    had_place: set[Any] = set()
    for sid, location_area, service_area in active.values_list(
        "id", "service_at_locations__location__area_id", "service_areas__area_id"
    ):
        for area_id in (location_area, service_area):
            if area_id is not None:
                services[sid].areas |= places.roll_up(area_id)
                had_place.add(sid)
    for sid, facts in services.items():
        facts.anywhere = sid not in had_place
    for sid, code in Language.objects.filter(service__status=ServiceStatus.ACTIVE).values_list("service_id", "code"):
        if code and sid in services:
            services[sid].languages.add(code.split("-")[0].lower())
    _add_hours(services)
    return list(services.values())


def _add_hours(services: dict[Any, ServiceFacts]) -> None:
    """Marks the services open in the evening (after six) or at the weekend, from their weekly schedules."""
    schedules = Schedule.objects.filter(closed=False).filter(
        Q(service__status=ServiceStatus.ACTIVE) | Q(service_at_location__service__status=ServiceStatus.ACTIVE)
    )
    for sid, sal_sid, byday, freq, opens, closes in schedules.values_list(
        "service_id", "service_at_location__service_id", "byday", "freq", "opens_at", "closes_at"
    ):
        facts = services.get(sid or sal_sid)
        if facts is None:
            continue
        # "1SA" (the first Saturday of a month) is still a Saturday; no day at all means every day.
        days = {d.strip().upper()[-2:] for d in (byday or "").split(",") if d.strip()}
        if (freq or "WEEKLY").upper() in {"WEEKLY", "DAILY", "MONTHLY"} and (not days or days & {"SA", "SU"}):
            facts.weekends = True
        if closes is not None and (closes > EVENING or (opens is not None and closes < opens)):
            facts.evenings = True


@dataclass
class CoverageRow:
    """One need: how many services meet it, overall and in each area or group compared."""

    need: str
    label: str
    total: int
    anywhere: int
    cells: list[int]


@dataclass
class DemandRow:
    """One need: how often people looked for it, how often they found nothing, and declined referrals."""

    need: str
    label: str
    searches: int
    found_nothing: int
    declined_capacity: int
    declined_eligibility: int
    declined_capacity_shown: str = ""
    declined_eligibility_shown: str = ""


@dataclass
class Report:
    """Everything the gap analysis page and its CSV show."""

    filters: Filters
    selected_area: AreaInfo | None
    authorities: list[AreaInfo]
    wards_of: dict[int, list[AreaInfo]]
    area_columns: list[AreaInfo]
    by_area: list[CoverageRow]
    group_columns: list[tuple[str, str]]
    by_group: list[CoverageRow]
    hours_columns: list[tuple[str, str]]
    by_hours: list[CoverageRow]
    language_columns: list[tuple[str, str]]
    by_language: list[CoverageRow]
    demand: list[DemandRow]
    demand_by_area: list[tuple[AreaInfo, int, int]]  # area, searches, found nothing
    unplaced_searches: tuple[int, int]  # searches with no area we could place
    declines_by_area: list[tuple[AreaInfo, str, str]]  # area, capacity, eligibility (suppressed)
    zero_terms: list[tuple[str, int]]
    search_total: int
    zero_total: int
    decline_total_shown: str
    referrals_visible: bool


def needs_of_search(filters: dict[str, Any], text: str) -> set[str]:
    """Returns the needs a search asked for: its need filter, or else the needs its words name."""
    chosen = {str(n) for n in (filters.get("needs") or []) if str(n) in NEED_CATEGORIES}
    if chosen:
        return chosen
    words = {w.lower() for w in WORD.findall(text or "")}
    return {need for need, names in NEED_WORDS.items() if words & names}


def _outward_areas(places: Places) -> dict[str, set[int]]:
    """Returns, for each postcode district our addresses use ("AV1"), the authorities and wards it lies in."""
    result: dict[str, set[int]] = defaultdict(set)
    for postcode, area_id in Address.objects.exclude(postal_code="").values_list("postal_code", "location__area_id"):
        outward = str(postcode).strip().upper().split(" ")[0]
        if outward and area_id is not None:
            result[outward] |= places.roll_up(area_id)
    return dict(result)


def _period(filters: Filters) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    date_to = filters.date_to or today
    date_from = filters.date_from or (date_to - dt.timedelta(days=DEFAULT_DAYS))
    return date_from, date_to


def _suppress(counts: list[int]) -> list[str]:
    labelled = [(str(i), c) for i, c in enumerate(counts)]
    table = referral_statistics.Table("gaps", "", labelled)
    shown = dict(referral_statistics.suppressed_rows(table))
    return [shown[str(i)] for i in range(len(counts))]


def _suppress_one(count: int) -> str:
    return referral_statistics.SUPPRESSED if 0 < count < referral_statistics.SMALL_COUNT else str(count)


@dataclass
class _Searches:
    """The search log over the period, counted by need and by area."""

    by_need: Counter[str] = field(default_factory=Counter)
    zero_by_need: Counter[str] = field(default_factory=Counter)
    by_area: Counter[int] = field(default_factory=Counter)
    zero_by_area: Counter[int] = field(default_factory=Counter)
    zero_words: Counter[str] = field(default_factory=Counter)
    unplaced: list[int] = field(default_factory=lambda: [0, 0])
    total: int = 0
    zero_total: int = 0

    def add(self, needs: set[str], where: set[int], text: str, count: int) -> None:
        """Counts one search."""
        found_nothing = count == 0
        self.total += 1
        self.zero_total += found_nothing
        for need in needs:
            self.by_need[need] += 1
            self.zero_by_need[need] += found_nothing
        if not where:
            self.unplaced[0] += 1
            self.unplaced[1] += found_nothing
        for area_id in where:
            self.by_area[area_id] += 1
            self.zero_by_area[area_id] += found_nothing
        if found_nothing and text.strip():
            self.zero_words[" ".join(w.lower() for w in WORD.findall(text))[:80]] += 1


def _count_searches(places: Places, selected: AreaInfo | None, need: str, period: tuple[dt.date, dt.date]) -> _Searches:
    """Counts the searches of the period, placed by their area filter or else their postcode district."""
    outward = _outward_areas(places)
    counted = _Searches()
    logs = SearchLog.objects.filter(created_at__date__gte=period[0], created_at__date__lte=period[1])
    for text, raw_filters, area_code, count in logs.values_list("text", "filters", "area_code", "result_count"):
        log_filters = raw_filters if isinstance(raw_filters, dict) else {}
        search_needs = needs_of_search(log_filters, text)
        if need and need not in search_needs:
            continue
        code = str(log_filters.get("area_code") or "")
        where = places.roll_up(places.by_code[code].id) if code in places.by_code else outward.get(area_code, set())
        if selected is not None and selected.id not in where:
            continue
        counted.add(search_needs, where, text, count)
    return counted


def _count_declines(
    actor: Any, places: Places, selected: AreaInfo | None, need: str, period: tuple[dt.date, dt.date]
) -> tuple[Counter[tuple[str, str]], Counter[tuple[int, str]], int]:
    """Counts declines for capacity or eligibility by (need, reason) and (area, reason), and in all."""
    by_need: Counter[tuple[str, str]] = Counter()
    by_area: Counter[tuple[int, str]] = Counter()
    total = 0
    for d in referral_statistics.declines_for_gap_analysis(actor, date_from=period[0], date_to=period[1]):
        where = places.roll_up(d.area_id)
        if (selected is not None and selected.id not in where) or (need and d.need != need):
            continue
        by_need[(d.need, d.reason)] += d.count
        for area_id in where:
            by_area[(area_id, d.reason)] += d.count
        total += d.count
    return by_need, by_area, total


def compute(actor: Any, filters: Filters) -> Report:
    """Returns the gap analysis for the filters: coverage against demand, by need, area, group, hours, language."""
    require(actor, policies.GAPS_VIEW)
    places = load_places()
    selected = places.by_code.get(filters.area_code)
    if selected is not None and selected.level not in (AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD):
        selected = None
    needs = [(k, str(v)) for k, v in NEED_CATEGORIES.items() if not filters.need or k == filters.need]
    # In an area: the services placed there, plus those open to anyone anywhere (phone, online).
    in_scope = [f for f in service_facts(places) if selected is None or selected.id in f.areas or f.anywhere]
    columns = places.columns(selected)

    def rows(test: Any, keys: list[Any]) -> list[CoverageRow]:
        result = []
        for need, label in needs:
            meeting = [f for f in in_scope if need in f.needs]
            cells = [sum(1 for f in meeting if test(f, key)) for key in keys]
            result.append(CoverageRow(need, label, len(meeting), sum(f.anywhere for f in meeting), cells))
        return result

    group_columns = [(k, str(v)) for k, v in CLIENT_GROUPS.items()]
    hours_columns = [("evenings", _("Evenings (after 6pm)")), ("weekends", _("Weekends"))]
    spoken = Counter(code for f in in_scope for code in f.languages)
    language_codes = ["en", "cy", *[c for c, _n in spoken.most_common() if c not in ("en", "cy")][:6]]

    period = _period(filters)
    searches = _count_searches(places, selected, filters.need, period)
    referrals_visible = _may_see_declines(actor)
    declined, area_declined, decline_total = (
        _count_declines(actor, places, selected, filters.need, period)
        if referrals_visible
        else (Counter(), Counter(), 0)
    )
    demand = [
        DemandRow(
            need,
            label,
            searches.by_need[need],
            searches.zero_by_need[need],
            declined[(need, DeclineReason.NO_CAPACITY)],
            declined[(need, DeclineReason.NOT_ELIGIBLE)],
        )
        for need, label in needs
    ]
    for attribute in ("declined_capacity", "declined_eligibility"):
        for r, shown in zip(demand, _suppress([getattr(r, attribute) for r in demand]), strict=True):
            setattr(r, f"{attribute}_shown", shown)
    capacity = _suppress([area_declined[(a.id, DeclineReason.NO_CAPACITY)] for a in columns])
    eligibility = _suppress([area_declined[(a.id, DeclineReason.NOT_ELIGIBLE)] for a in columns])
    return Report(
        filters=Filters(filters.area_code if selected else "", filters.need, period[0], period[1]),
        selected_area=selected,
        authorities=places.authorities,
        wards_of=places.wards_of,
        area_columns=columns,
        by_area=rows(lambda f, area: area.id in f.areas, columns),
        group_columns=group_columns,
        by_group=rows(lambda f, group: group in f.groups, [g for g, _l in group_columns]),
        hours_columns=hours_columns,
        by_hours=rows(getattr, [k for k, _l in hours_columns]),
        language_columns=[(c, _language_name(c)) for c in language_codes],
        by_language=rows(lambda f, code: code in f.languages, language_codes),
        demand=demand,
        demand_by_area=[(a, searches.by_area[a.id], searches.zero_by_area[a.id]) for a in columns],
        unplaced_searches=(searches.unplaced[0], searches.unplaced[1]),
        declines_by_area=list(zip(columns, capacity, eligibility, strict=True)),
        zero_terms=[(t, n) for t, n in searches.zero_words.most_common(TERM_LIMIT) if n >= TERM_MIN_COUNT],
        search_total=searches.total,
        zero_total=searches.zero_total,
        decline_total_shown=_suppress_one(decline_total),
        referrals_visible=referrals_visible,
    )


def _may_see_declines(actor: Any) -> bool:
    from upstream.core.policy import can
    from upstream.referrals import policies as referral_policies

    return can(actor, referral_policies.DECLINE_COUNTS_VIEW)


def _language_name(code: str) -> str:
    from babel import Locale

    return str(Locale("en").languages.get(code, code))


def area_choices(report: Report) -> Iterable[tuple[str, str, list[tuple[str, str]]]]:
    """Returns the authorities, each with its wards, for the area filter."""
    for authority in report.authorities:
        yield authority.code, authority.name, [(w.code, w.name) for w in report.wards_of.get(authority.id, [])]
