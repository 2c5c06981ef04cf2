"""Finding the neighbourhood that holds a point, and an area's place in the hierarchy.

Places are not personal data and every capability needs these answers (a crime's location, a service's
address, a referral's home), so they take no actor; pages reach areas through ``queries.py``.

A lookup asks the database only for the neighbourhoods whose bounding box holds the point (an indexed
range query), then tests those few with shapely against prepared boundaries kept per process.
"""

from __future__ import annotations

import shapely
from shapely.geometry import Point

from upstream.places.geometry import prepared_cache
from upstream.places.models import Area, AreaLevel


def find_neighbourhood(latitude: float, longitude: float) -> Area | None:
    """Returns the neighbourhood (LSOA-level area) containing the point, or None if no loaded one does."""
    candidates = list(
        Area.objects.filter(
            level=AreaLevel.NEIGHBOURHOOD,
            min_latitude__lte=latitude,
            max_latitude__gte=latitude,
            min_longitude__lte=longitude,
            max_longitude__gte=longitude,
        )
        .order_by("code")
        .defer("boundary")
    )
    if not candidates:
        return None
    point = Point(longitude, latitude)
    missing = [a.pk for a in candidates if prepared_cache.get(a.pk, a.boundary_hash) is None]
    if missing:
        # Only boundaries this process has not prepared yet are read, in one query.
        for pk, boundary_hash, boundary in Area.objects.filter(pk__in=missing).values_list(
            "pk", "boundary_hash", "boundary"
        ):
            if boundary:
                prepared_cache.put(pk, boundary_hash, boundary)
    for area in candidates:
        geometry = prepared_cache.get(area.pk, area.boundary_hash)
        # "covers", not "contains": a point exactly on a boundary line still belongs to a neighbourhood
        # (the first by code, as the candidates are ordered).
        if geometry is not None and shapely.covers(geometry, point):
            return area
    return None


def area_path(area: Area) -> list[Area]:
    """Returns the area's ancestors and the area itself, largest first (force > LA > ward > neighbourhood)."""
    path = [area]
    seen = {area.pk}
    current = area
    while current.parent_id is not None and current.parent_id not in seen:
        current = Area.objects.only("id", "code", "name", "name_cy", "level", "parent_id").get(pk=current.parent_id)
        seen.add(current.pk)
        path.append(current)
    return list(reversed(path))


def force_of(area: Area) -> Area | None:
    """Returns the force area an area lies in (itself for a force area), or None if it has none."""
    top = area_path(area)[0]
    return top if top.level == AreaLevel.FORCE else None
