"""One search query object, and what every database's backend shares.

A backend answers only the text part (which services match the words, best first); filters on needs,
eligibility, cost, language and attendance run on the denormalised ``filter_tokens`` column the same way
everywhere, and distance and "open at" are computed in Python on the few candidates that remain.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from upstream.directory.hours import is_open
from upstream.directory.models import Location, Service, ServiceAtLocation, ServiceStatus

MAX_TEXT = 200  # longer queries are cut: nobody types more, and it bounds the work
TEXT_CANDIDATES = 2000
FEW_MATCHES = 300
OPEN_BATCH = 5000  # ids per query, well under SQLite's limit on parameters
EARTH_RADIUS_KM = 6371.0088
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchQuery:
    """Everything a person can search the directory by."""

    text: str = ""
    needs: tuple[str, ...] = ()
    area_code: str = ""
    near: tuple[float, float] | None = None  # latitude, longitude
    radius_km: float | None = None
    age: int | None = None
    sex: str = ""
    client_group: str = ""
    free_only: bool = False
    language: str = ""
    open_at: dt.datetime | None = None
    attendance: str = ""
    page: int = 1
    per_page: int = 20

    def words(self) -> list[str]:
        """Returns the query's words, lowercased, without punctuation or search syntax."""
        return [w.lower() for w in WORD.findall(self.text[:MAX_TEXT])][:12]

    def filters_for_log(self) -> dict[str, Any]:
        """Returns the filters to log: no point, so a home address never reaches the search log."""
        data = asdict(self)
        data.pop("text")
        data.pop("near")
        data["near"] = self.near is not None
        data["open_at"] = self.open_at.isoformat() if self.open_at else None
        data["needs"] = list(self.needs)
        return {k: v for k, v in data.items() if v not in (None, "", (), [], False) or k == "near"}


@dataclass
class SearchHit:
    """One service found, with its distance from the point searched near (if any)."""

    service: Service
    distance_km: float | None = None
    score: float = 0.0


@dataclass
class SearchPage:
    """One page of results and the count of all."""

    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    corrected: list[str] = field(default_factory=list)

    @property
    def total_pages(self) -> int:
        """Returns how many pages the results fill."""
        return max(1, math.ceil(self.total / self.per_page))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Returns the great-circle distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def filter_tokens_for(service: Service, languages: list[str]) -> str:
    """Returns the "|kind:value|" string every backend filters on (needs, groups, sex, languages, modes)."""
    tokens = [f"need:{n}" for n in service.need_categories]
    tokens += [f"group:{g}" for g in service.client_groups]
    tokens += [f"attend:{a}" for a in service.attendance_modes]
    tokens += [f"lang:{code.lower()}" for code in languages if code]
    return "|" + "|".join(sorted(set(tokens))) + "|"


class SearchBackend:
    """Finds services; subclasses answer the text part for one database."""

    vendor = ""

    def text_matches(self, words: list[str], limit: int) -> tuple[list[tuple[uuid.UUID, float]], list[str]]:
        """Returns (service id, score) best first for the words, and any words it corrected."""
        raise NotImplementedError

    def search(self, query: SearchQuery) -> SearchPage:
        """Returns one page of services matching the query, nearest or best first."""
        scores: dict[uuid.UUID, float] = {}
        corrected: list[str] = []
        words = query.words()
        if words:
            matches, corrected = self.text_matches(words, TEXT_CANDIDATES)
            scores = dict(matches)
            if not scores:
                return SearchPage([], 0, query.page, query.per_page, corrected)
        qs = apply_filters(Service.objects.filter(status=ServiceStatus.ACTIVE), query)
        # A few text matches are passed to the database; many are intersected here, which is cheaper than
        # sending thousands of ids back in a query.
        if scores and len(scores) <= FEW_MATCHES:
            qs = qs.filter(id__in=list(scores))
        if query.near is not None and query.radius_km:
            box = _bounding_box(query.near, query.radius_km)
            qs = qs.filter(
                service_at_locations__location__latitude__range=box[0],
                service_at_locations__location__longitude__range=box[1],
            )
        distances = _nearest(qs, query.near, query.radius_km, scores or None) if query.near is not None else {}
        if query.near is not None and query.radius_km:
            ids = list(distances)
        else:
            ids = list(dict.fromkeys(i for i in qs.values_list("id", flat=True) if not scores or i in scores))
        # Opening rules are read last, for the few candidates left: decoding them is the costly part.
        if query.open_at is not None:
            ids = _open_at(ids, query.open_at)
        if query.near is not None:
            ids.sort(key=lambda i: (distances.get(i, math.inf), -scores.get(i, 0)))
        elif scores:
            ids.sort(key=lambda i: -scores[i])
        total = len(ids)
        start = (query.page - 1) * query.per_page
        page_ids = ids[start : start + query.per_page]
        services = Service.objects.select_related("organization").in_bulk(page_ids)
        hits = [SearchHit(services[i], distances.get(i), scores.get(i, 0.0)) for i in page_ids if i in services]
        return SearchPage(hits, total, query.page, query.per_page, corrected)


def _nearest(
    qs: QuerySet[Service], near: tuple[float, float], radius_km: float | None, only: dict[uuid.UUID, float] | None
) -> dict[uuid.UUID, float]:
    """Returns each service's distance to its nearest located place (within the radius, if one is given)."""
    best: dict[uuid.UUID, float] = {}
    rows = qs.values_list("id", "service_at_locations__location__latitude", "service_at_locations__location__longitude")
    for service_id, lat, lon in rows:
        if lat is None or lon is None or (only is not None and service_id not in only):
            continue
        d = haversine_km(near[0], near[1], lat, lon)
        if (radius_km is None or d <= radius_km) and d < best.get(service_id, math.inf):
            best[service_id] = d
    return best


def apply_filters(qs: QuerySet[Service], query: SearchQuery) -> QuerySet[Service]:
    """Returns the services narrowed by needs, eligibility, cost, language, attendance and area."""
    if query.needs:
        any_need = Q()
        for need in query.needs:
            any_need |= Q(filter_tokens__contains=f"|need:{need}|")
        qs = qs.filter(any_need)
    if query.client_group:
        qs = qs.filter(filter_tokens__contains=f"|group:{query.client_group}|")
    if query.attendance:
        qs = qs.filter(filter_tokens__contains=f"|attend:{query.attendance}|")
    if query.language:
        qs = qs.filter(filter_tokens__contains=f"|lang:{query.language.lower()}|")
    if query.age is not None:
        qs = qs.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.age))
        qs = qs.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.age))
    if query.sex:
        qs = qs.filter(eligibility_sex__in=["", query.sex])
    if query.free_only:
        qs = qs.filter(is_free=True)
    if query.area_code:
        in_area = Q(service_at_locations__location__area__code=query.area_code)
        in_area |= Q(service_at_locations__location__area__parent__code=query.area_code)
        in_area |= Q(service_at_locations__location__area__parent__parent__code=query.area_code)
        in_area |= Q(service_areas__area__code=query.area_code)
        qs = qs.filter(in_area).distinct()
    return qs


def _bounding_box(near: tuple[float, float], radius_km: float) -> tuple[tuple[float, float], tuple[float, float]]:
    lat, lon = near
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = dlat / max(0.01, math.cos(math.radians(lat)))
    return (lat - dlat, lat + dlat), (lon - dlon, lon + dlon)


def _distances(ids: list[uuid.UUID], near: tuple[float, float], radius_km: float | None) -> dict[uuid.UUID, float]:
    """Returns each service's nearest location distance (within the radius, if one is given)."""
    best: dict[uuid.UUID, float] = {}
    rows = (
        ServiceAtLocation.objects.filter(service_id__in=ids, location__latitude__isnull=False)
        .values_list("service_id", "location__latitude", "location__longitude")
        .iterator(chunk_size=2000)
    )
    for service_id, lat, lon in rows:
        d = haversine_km(near[0], near[1], lat, lon)
        if (radius_km is None or d <= radius_km) and d < best.get(service_id, math.inf):
            best[service_id] = d
    return best


SCHEDULE_FIELDS = (
    "valid_from",
    "valid_to",
    "dtstart",
    "until",
    "count",
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "opens_at",
    "closes_at",
    "closed",
)
_DATES = ("valid_from", "valid_to", "dtstart", "until")
_TIMES = ("opens_at", "closes_at")


class Rule:
    """One schedule as "open now" reads it, rebuilt from Service.opening_rules."""

    __slots__ = SCHEDULE_FIELDS

    def __init__(self, data: dict[str, Any]) -> None:
        for name in SCHEDULE_FIELDS:
            value = data.get(name)
            if value and name in _DATES:
                value = dt.date.fromisoformat(value)
            elif value and name in _TIMES:
                value = dt.time.fromisoformat(value)
            setattr(self, name, value)


def rule_to_json(row: dict[str, Any]) -> dict[str, Any]:
    """Returns a schedule's fields as JSON for Service.opening_rules, leaving out what is empty."""
    return {
        k: (v.isoformat() if isinstance(v, (dt.date, dt.time)) else v)
        for k, v in row.items()
        if v not in (None, "", False)
    }


def open_services(rows: list[tuple[uuid.UUID, list[dict[str, Any]], bool]], at: dt.datetime) -> set[uuid.UUID]:
    """Returns the ids of the services open at the moment (UK local time), from their opening rules."""
    local = timezone.localtime(at) if timezone.is_aware(at) else at
    return {
        service_id
        for service_id, rules, bank_holidays_too in rows
        if is_open([Rule(r) for r in rules], local, open_on_bank_holidays=bank_holidays_too)
    }


def _open_at(ids: list[uuid.UUID], at: dt.datetime) -> list[uuid.UUID]:
    """Returns the services, of those given, open at the moment (UK local time)."""
    if not ids:
        return []
    open_now: set[uuid.UUID] = set()
    for start in range(0, len(ids), OPEN_BATCH):
        batch = ids[start : start + OPEN_BATCH]
        rows = list(Service.objects.filter(id__in=batch).values_list("id", "opening_rules", "open_on_bank_holidays"))
        open_now |= open_services(rows, at)
    return [i for i in ids if i in open_now]


def location_ids_near(near: tuple[float, float], radius_km: float) -> list[uuid.UUID]:
    """Returns the locations within the radius of a point."""
    box = _bounding_box(near, radius_km)
    rows = Location.objects.filter(latitude__range=box[0], longitude__range=box[1]).values_list(
        "id", "latitude", "longitude"
    )
    return [i for i, lat, lon in rows if haversine_km(near[0], near[1], lat, lon) <= radius_km]
