"""Every read of the directory. Its records describe services, not people, so anyone may read them."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from upstream.directory.models import (
    Address,
    Attribute,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from upstream.directory.search import backend
from upstream.directory.search.base import SearchQuery, _distances, haversine_km
from upstream.places.postcodes import Postcode

POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")


def normalise_postcode(postcode: str) -> str:
    """Returns a UK postcode in upper case with one space before the inward code ("CF10 1AA")."""
    compact = re.sub(r"\s+", "", str(postcode)).upper()[:8]
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact  # noqa: PLR2004 - inward code length


def postcode_point(postcode: str) -> tuple[float, float] | None:
    """Returns a postcode's latitude and longitude, or None for one we do not know.

    The postcode table (ONSPD, Code-Point Open or the demo's) first, else our services' addresses with it.
    """
    normal = normalise_postcode(postcode)
    if not POSTCODE.match(normal):
        return None
    # One plain statement: compiling the two ORM queries this was (the postcode table's row, as
    # places.postcodes.point_of reads it, then the addresses' average) cost more CPU than running them.
    # Exact match on the normalised form: it uses the index (imports keep postcodes as given, upper case).
    with connection.cursor() as cursor:
        cursor.execute(_POSTCODE_POINT_SQL, [normal, normal])
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return float(row[0]), float(row[1])


# The postcode table's point first; else the average of our services' located addresses with the postcode.
_POSTCODE_POINT_SQL = (
    "SELECT lat, lon FROM ("  # noqa: S608 - the table names are the models'; the postcode is a parameter
    f"SELECT 0 AS k, latitude AS lat, longitude AS lon FROM {Postcode._meta.db_table} WHERE postcode = %s "
    f"UNION ALL SELECT 1 AS k, AVG(l.latitude) AS lat, AVG(l.longitude) AS lon FROM {Address._meta.db_table} a "
    f"JOIN {Location._meta.db_table} l ON l.id = a.location_id WHERE a.postal_code = %s AND l.latitude IS NOT NULL"
    ") p ORDER BY k LIMIT 1"
)


def _ranked_ids(text: str) -> list[uuid.UUID]:
    words = SearchQuery(text=text).words()
    if not words:
        return []
    matches, _ = backend().text_matches(words, 2000)
    return [service_id for service_id, _score in matches]


def api_services(
    *,
    text: str = "",
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after: dt.datetime | None = None,
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
) -> QuerySet[Service] | list[Service]:
    """Returns services for the HSDS API: best text match first, or nearest first, or by name."""
    qs = Service.objects.select_related("organization").order_by("name", "pk")
    if taxonomy_term_id:
        qs = qs.filter(id__in=Attribute.objects.filter(taxonomy_term_id=taxonomy_term_id).values("link_id"))
    if taxonomy_id:
        qs = qs.filter(id__in=Attribute.objects.filter(taxonomy_term__taxonomy_detail_id=taxonomy_id).values("link_id"))
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if modified_after:
        qs = qs.filter(last_modified__gte=modified_after)
    order: list[uuid.UUID] | None = None
    if text.strip():
        order = _ranked_ids(text)
        qs = qs.filter(id__in=order)
    if near is not None:
        ids = list(qs.values_list("id", flat=True))
        distances = _distances(ids, near, radius_km)
        ids = [i for i in ids if i in distances] if radius_km else ids
        order = sorted(ids, key=lambda i: distances.get(i, float("inf")))
    if order is None:
        return qs
    by_id = qs.in_bulk(order)
    return [by_id[i] for i in order if i in by_id]


def api_service_at_locations(**filters: Any) -> list[ServiceAtLocation] | QuerySet[ServiceAtLocation]:
    """Returns services at locations for the HSDS API, in the order of their services (then nearest)."""
    near = filters.get("near")
    services = api_services(**filters)
    if isinstance(services, QuerySet) and near is None:
        return (
            ServiceAtLocation.objects.filter(service__in=services)
            .select_related("location")
            .order_by("service__name", "pk")
        )
    service_ids = [s.id for s in services]
    rows = ServiceAtLocation.objects.filter(service_id__in=service_ids).select_related("location")
    rank = {sid: i for i, sid in enumerate(service_ids)}
    records = sorted(
        rows,
        key=lambda sal: (rank[sal.service_id] if sal.service_id in rank else 0, _distance(sal, near)),  # noqa: SIM401 - service_id may be None, which mypy will not let .get take
    )
    radius = filters.get("radius_km")
    if near is not None and radius:
        records = [sal for sal in records if _distance(sal, near) <= radius]
    return records


def _distance(sal: ServiceAtLocation, near: tuple[float, float] | None) -> float:
    if near is None or sal.location is None or sal.location.latitude is None or sal.location.longitude is None:
        return float("inf") if near is not None else 0.0
    return haversine_km(near[0], near[1], sal.location.latitude, sal.location.longitude)


def public_service(service_id: uuid.UUID) -> Service | None:
    """Returns an active or temporarily closed service for its public page, with what the page shows."""
    return (
        Service.objects.select_related("organization")
        .exclude(status=ServiceStatus.DEFUNCT)
        .filter(pk=service_id)
        .first()
    )


def service_schedules(service: Service) -> list[Schedule]:
    """Returns the schedules of a service and of its places."""
    return list(Schedule.objects.filter(service=service)) + list(
        Schedule.objects.filter(service_at_location__service=service)
    )
