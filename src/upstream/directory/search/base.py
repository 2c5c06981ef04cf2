"""One search query object, and what every database's backend shares.

A backend answers only the text part (which services match the words, and a score); everything else is one
SQL query over ``SearchEntry`` (search/models.py), the same on every database: filters on its columns,
distance as the chord between unit vectors (a bounding box on the indexed latitude and longitude first),
"open at" as one character of the week's 15-minute slots (search/week.py), and the sort, count and page
cut in SQL. Only services whose slot says "ask the rules" have their opening rules read in Python.
"""

# ruff: noqa: S608 - the SQL is assembled from fixed fragments; every value is passed as a parameter

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from upstream.directory.hours import is_bank_holiday, is_open
from upstream.directory.models import Location, Service, ServiceAtLocation
from upstream.directory.search.models import CHECK
from upstream.directory.search.week import BASE as WEEK_BASE
from upstream.directory.search.week import slot_at

MAX_TEXT = 200  # longer queries are cut: nobody types more, and it bounds the work
TEXT_LIST_DEFERRED = ("opening_rules", "filter_tokens", "accreditations", "licenses", "assurer_email", "wait_time")
ORGANIZATION_DEFERRED = ("description", "logo", "tax_id", "tax_status", "legal_status", "uri")
CANDIDATES = 2000
LIST_DEFERRED = ("opening_rules", "filter_tokens", "accreditations", "licenses", "assurer_email", "wait_time")
ORGANIZATION_DEFERRED = ("description", "logo", "tax_id", "tax_status", "legal_status", "uri")
CANDIDATES = 200  # rows read for a page: enough for ten pages, or to skip services shut by their rules
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
    # Only these services (empty: any). Referrals' picker keeps to the services that take referrals, so the
    # count and the pages are of those alone.
    service_ids: tuple[uuid.UUID, ...] = ()
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
        data["service_ids"] = len(self.service_ids)
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
    """Finds services: one SQL query over the search table, joined to this database's text index.

    Subclasses give the text part (``text_source``: SQL yielding ``text_id, score`` for the words), how to
    test that a string holds another (``contains``) and the character-code function (``char_code``).
    Everything else is shared: the filters are columns of ``SearchEntry``, distance is the chord between
    unit vectors (exact, and plain arithmetic), "open now" is one character of the week, and the database
    sorts, counts and cuts the page.
    """

    vendor = ""
    contains = "instr({column}, %s) > 0"
    char_code = "unicode"
    # Ends a subquery so the database computes its columns once instead of folding it into the outer query
    # (which would repeat the distance in the WHERE and the SELECT).
    fence = "OFFSET 0"

    def text_source(self, words: list[str], *, ranked: bool = True) -> tuple[str, list[Any], list[str]]:
        """Returns SQL yielding (text_id, score) for the words, its parameters, and any words it corrected."""
        raise NotImplementedError

    def text_matches(self, words: list[str], limit: int) -> tuple[list[tuple[uuid.UUID, float]], list[str]]:
        """Returns (service id, score) best first for the words, and any words it corrected."""
        sql, params, corrected = self.text_source(words)
        full = (
            f"SELECT s.service_id, t.score FROM ({sql}) t JOIN directory_servicetext s ON s.id = t.text_id "
            "ORDER BY t.score DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(full, [*params, limit])
            rows = cursor.fetchall()
        return [(_uuid(sid), float(score)) for sid, score in rows], corrected

    def search(self, query: SearchQuery) -> SearchPage:
        """Returns one page of services matching the query, nearest or best first."""
        words = query.words()
        corrected: list[str] = []
        source, source_params = "", []
        if words:
            # Near a point, distance orders the results: the text score would only break ties, so it is not computed.
            source, source_params, corrected = self.text_source(words, ranked=query.near is None)
        plan = _Plan(self, query, source, source_params)
        wanted = query.page * query.per_page
        limit = max(CANDIDATES, wanted)
        while True:
            rows = plan.rows(limit)
            total = int(rows[0][4]) if rows else 0
            shut = plan.shut_among(rows)
            kept = [row for row in rows if _uuid(row[0]) not in shut] if shut else rows
            if len(kept) >= wanted or len(rows) >= total:
                break
            limit *= 4  # some services were shut by their rules: read further down to fill the page
        total -= plan.shut_count(rows, shut)
        start = (query.page - 1) * query.per_page
        page_rows = kept[start : start + query.per_page]
        page_ids = [_uuid(row[0]) for row in page_rows]
        # The page's services in one query, without the columns only search and the index need.
        services = (
            Service.objects.select_related("organization")
            .defer(*LIST_DEFERRED, *(f"organization__{name}" for name in ORGANIZATION_DEFERRED))
            .in_bulk(page_ids)
        )
        hits = [
            SearchHit(services[service_id], chord_km(row[1]), float(row[2] or 0.0))
            for service_id, row in zip(page_ids, page_rows, strict=True)
            if service_id in services
        ]
        return SearchPage(hits, total, query.page, query.per_page, corrected)


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    """Returns a point on the unit sphere (x, y, z) for a latitude and longitude."""
    lat, lon = math.radians(latitude), math.radians(longitude)
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


def chord_km(chord_squared: float | None) -> float | None:
    """Returns the great-circle distance in km for a squared chord on the unit sphere."""
    if chord_squared is None:
        return None
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(max(0.0, chord_squared)) / 2))


class _Plan:
    """The SQL of one search: built once, run for a page (and, rarely, again for rules to ask)."""

    def __init__(self, backend: SearchBackend, query: SearchQuery, source: str, source_params: list[Any]) -> None:
        self.where: list[str] = ["e.active = %s"]
        self.params: list[Any] = [True]
        self.fence = backend.fence
        self.radius: tuple[str, list[Any]] | None = None  # the radius test on the distance, "c2 <= r²"
        self.local: dt.datetime | None = None
        self._filters(backend, query)
        self.distance, self.distance_params = "NULL", []
        if query.near is not None:
            self._near(query.near, query.radius_km)
        self.flag, self.flag_params = "1", []
        if query.open_at is not None:
            self._open(backend, query.open_at)
        if source:
            # The text index drives: only the services its words match are read from the search table.
            self.source = f"({source}) t {text_join(backend)}"
            self.source_params = source_params
            self.score = "t.score"
        else:
            self.source, self.source_params, self.score = "directory_searchentry e", [], "0.0"
        # The order is of the inner query's columns (rows()).
        if query.near is not None:
            self.order = "x IS NULL, c2, score DESC, name, service_id"
        elif source:
            self.order = "score DESC, name, service_id"
        else:
            self.order = "name, service_id"

    def _filters(self, backend: SearchBackend, query: SearchQuery) -> None:
        """Adds the needs, groups, attendance, language, age, sex, cost and area tests."""
        contains = backend.contains.format(column="e.filter_tokens")
        if query.needs:
            self.where.append("(" + " OR ".join([contains] * len(query.needs)) + ")")
            self.params += [f"|need:{need}|" for need in query.needs]
        for kind, value in (("group", query.client_group), ("attend", query.attendance), ("lang", query.language)):
            if value:
                self.where.append(contains)
                self.params.append(f"|{kind}:{value.lower() if kind == 'lang' else value}|")
        if query.age is not None:
            self.where.append("(e.minimum_age IS NULL OR e.minimum_age <= %s)")
            self.where.append("(e.maximum_age IS NULL OR e.maximum_age >= %s)")
            self.params += [query.age, query.age]
        if query.sex:
            self.where.append("e.eligibility_sex IN ('', %s)")
            self.params.append(query.sex)
        if query.free_only:
            self.where.append("e.is_free = %s")
            self.params.append(True)
        if query.area_code:
            sql, params = _in_area(query.area_code)
            self.where.append(f"e.service_id IN ({sql})")
            self.params += list(params)
        if query.service_ids:
            # Through the ORM, so each id is written as this database stores a UUID.
            sql, params = Service.objects.filter(pk__in=query.service_ids).values("id").query.sql_with_params()
            self.where.append(f"e.service_id IN ({sql})")
            self.params += list(params)

    def _near(self, near: tuple[float, float], radius_km: float | None) -> None:
        """Adds the distance (to the nearest place) and, with a radius, the box and the radius tests."""
        x, y, z = unit_vector(*near)
        chord2 = "(({t}.x - %s) * ({t}.x - %s) + ({t}.y - %s) * ({t}.y - %s) + ({t}.z - %s) * ({t}.z - %s))"
        point = [x, x, y, y, z, z]
        self.distance = (
            "(CASE WHEN e.more_places THEN (SELECT MIN("
            + chord2.format(t="p")
            + ") FROM directory_searchplace p WHERE p.entry_id = e.id) ELSE "
            + chord2.format(t="e")
            + " END)"
        )
        self.distance_params = point + point
        if radius_km:
            (lat_low, lat_high), (lon_low, lon_high) = _bounding_box(near, radius_km)
            # The box first: the indexed columns rule out most rows before any arithmetic.
            self.where.append("(e.more_places OR (e.latitude BETWEEN %s AND %s AND e.longitude BETWEEN %s AND %s))")
            self.params += [lat_low, lat_high, lon_low, lon_high]
            chord = 2 * math.sin(min(math.pi / 2, radius_km / (2 * EARTH_RADIUS_KM)))
            self.radius = ("c2 <= %s", [chord * chord])

    def _open(self, backend: SearchBackend, open_at: dt.datetime) -> None:
        """Adds the test of the week's quarter hour, and of bank holidays on one."""
        local = timezone.localtime(open_at) if timezone.is_aware(open_at) else open_at
        self.local = local
        slot = slot_at(local)
        self.flag = f"(({backend.char_code}(substr(e.week, %s, 1)) - {WEEK_BASE}) / %s %% 3)"
        self.flag_params = [slot // 4 + 1, 3 ** (slot % 4)]
        self.where.append(f"{self.flag} <> 0")
        self.params += self.flag_params
        if is_bank_holiday(local.date()):
            self.where.append("e.open_on_bank_holidays = %s")
            self.params.append(True)

    def rows(self, limit: int) -> list[tuple[Any, ...]]:
        """Returns (service id, squared chord, score, open flag, total, CHECK total) for the best `limit` services.

        The inner query computes each matching service's distance, score and open flag once; the outer one
        keeps those within the radius, counts them and cuts the page.
        """
        inner = (
            f"SELECT e.service_id AS service_id, e.x AS x, e.name AS name, {self.distance} AS c2, "
            f"{self.score} AS score, {self.flag} AS flag FROM {self.source} WHERE {' AND '.join(self.where)} "
            f"{self.fence}"
        )
        radius, radius_params = self.radius or ("1 = 1", [])
        sql = (
            "SELECT service_id, c2, score, flag, COUNT(*) OVER () AS total, "
            f"SUM(CASE WHEN flag = %s THEN 1 ELSE 0 END) OVER () AS checks FROM ({inner}) s "
            f"WHERE {radius} ORDER BY {self.order} LIMIT %s"
        )
        params = [
            CHECK,
            *self.distance_params,
            *self.flag_params,
            *self.source_params,
            *self.params,
            *radius_params,
            limit,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _where_all(self) -> tuple[str, list[Any]]:
        """Returns every test, the radius included, as one WHERE clause over the search table and its params."""
        where, params = list(self.where), list(self.params)
        if self.radius is not None:
            where.append(f"{self.distance} <= %s")
            params += [*self.distance_params, *self.radius[1]]
        return " AND ".join(where), params

    def shut_among(self, rows: list[tuple[Any, ...]]) -> set[uuid.UUID]:
        """Returns the services, of those whose quarter hour says CHECK, that their opening rules say are shut."""
        if self.local is None:
            return set()
        ask = [_uuid(row[0]) for row in rows if row[3] == CHECK]
        return set(ask) - _open_among(ask, self.local)

    def shut_count(self, rows: list[tuple[Any, ...]], shut: set[uuid.UUID]) -> int:
        """Returns how many services the count must lose: those shut by their rules, read or not yet read."""
        checks = int(rows[0][5] or 0) if rows else 0
        if self.local is None or checks <= sum(1 for row in rows if row[3] == CHECK):
            return len(shut)  # every service to ask was among the rows read
        where, params = self._where_all()
        sql = f"SELECT e.service_id FROM {self.source} WHERE {where} AND {self.flag} = %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.source_params, *params, *self.flag_params, CHECK])
            ask = [_uuid(row[0]) for row in cursor.fetchall()]
        return len(set(ask) - _open_among(ask, self.local))


def text_join(backend: SearchBackend) -> str:
    """Returns the join from the text matches to their search rows, with the text index first.

    SQLite's CROSS JOIN fixes that order, so each match's row is read by its primary key. PostgreSQL picks
    its own plan (a hash join over the table for broad words): reading each match's row by key in a LATERAL
    subquery was tried and cost the same server CPU on issue 3's search.
    """
    if backend.vendor == "sqlite":
        return "CROSS JOIN directory_searchentry e ON e.id = t.text_id"
    return "JOIN directory_searchentry e ON e.id = t.text_id"


def _in_area(code: str) -> tuple[str, tuple[Any, ...]]:
    """Returns SQL for the ids of services with a place in the area (at any level below it) or serving it."""
    in_area = Q(service_at_locations__location__area__code=code)
    in_area |= Q(service_at_locations__location__area__parent__code=code)
    in_area |= Q(service_at_locations__location__area__parent__parent__code=code)
    in_area |= Q(service_areas__area__code=code)
    return Service.objects.filter(in_area).values("id").query.sql_with_params()


def _open_among(ids: list[uuid.UUID], local: dt.datetime) -> set[uuid.UUID]:
    """Returns the services, of those given, that their opening rules say are open at the local time."""
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), OPEN_BATCH):
        rows = list(
            Service.objects.filter(id__in=ids[start : start + OPEN_BATCH]).values_list(
                "id", "opening_rules", "open_on_bank_holidays"
            )
        )
        found |= open_services(rows, local)
    return found


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


def location_ids_near(near: tuple[float, float], radius_km: float) -> list[uuid.UUID]:
    """Returns the locations within the radius of a point."""
    box = _bounding_box(near, radius_km)
    rows = Location.objects.filter(latitude__range=box[0], longitude__range=box[1]).values_list(
        "id", "latitude", "longitude"
    )
    return [i for i, lat, lon in rows if haversine_km(near[0], near[1], lat, lon) <= radius_km]
