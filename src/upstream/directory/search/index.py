"""Keeps the search table (SearchEntry, SearchPlace) in step with services: see services.refresh_services_index."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

from upstream.directory.models import Service, ServiceAtLocation, ServiceStatus, ServiceText
from upstream.directory.search.base import unit_vector
from upstream.directory.search.models import SearchEntry, SearchPlace
from upstream.directory.search.week import open_week


def rebuild_entries(services: Iterable[Service], texts: Iterable[ServiceText]) -> int:
    """Replaces the search rows of the services; returns how many services have one."""
    services = list(services)
    ids = [s.pk for s in services]
    text_ids = {t.service_id: t.pk for t in texts}
    points: dict[uuid.UUID, list[tuple[float, float]]] = defaultdict(list)
    rows = ServiceAtLocation.objects.filter(
        service_id__in=ids, location__latitude__isnull=False, location__longitude__isnull=False
    ).values_list("service_id", "location__latitude", "location__longitude")
    for owner, lat, lon in rows.order_by("pk"):
        if (lat, lon) not in points[owner]:
            points[owner].append((lat, lon))
    entries, places = [], []
    for service in services:
        mine = points[service.pk]
        lat, lon = mine[0] if mine else (None, None)
        x, y, z = unit_vector(lat, lon) if lat is not None and lon is not None else (None, None, None)
        entry = SearchEntry(
            id=text_ids[service.pk],
            service_id=service.pk,
            active=service.status == ServiceStatus.ACTIVE,
            name=service.name,
            filter_tokens=service.filter_tokens,
            minimum_age=service.minimum_age,
            maximum_age=service.maximum_age,
            eligibility_sex=service.eligibility_sex,
            is_free=service.is_free,
            open_on_bank_holidays=service.open_on_bank_holidays,
            week=open_week(service.opening_rules),
            latitude=lat,
            longitude=lon,
            x=x,
            y=y,
            z=z,
            more_places=len(mine) > 1,
        )
        entries.append(entry)
        if len(mine) > 1:
            for p_lat, p_lon in mine:
                px, py, pz = unit_vector(p_lat, p_lon)
                places.append(SearchPlace(entry=entry, latitude=p_lat, longitude=p_lon, x=px, y=py, z=pz))
    SearchEntry.objects.filter(service_id__in=ids).delete()
    SearchEntry.objects.bulk_create(entries, batch_size=1000)
    SearchPlace.objects.bulk_create(places, batch_size=1000)
    return len(entries)
