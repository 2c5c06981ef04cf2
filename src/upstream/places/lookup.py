"""Finding the neighbourhood that holds a point, and an area's place in the hierarchy.

Places are not personal data and every capability needs these answers (a crime's location, a service's
address, a referral's home), so they take no actor; pages reach areas through ``queries.py``.

A lookup asks the database only for the neighbourhoods whose bounding box holds the point (an indexed
range query), then tests those few with shapely against prepared boundaries kept per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from django.db.models import Q
from shapely.geometry import Point, shape

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


class NeighbourhoodIndex:
    """Every neighbourhood of a force (or of all forces) in memory, to place many points at once.

    For bulk work (a year of crimes, a postcode file) one index answers thousands of points with a single
    spatial-tree query instead of one database query each. It answers as find_neighbourhood does.
    """

    def __init__(self, codes: list[str], boundaries: list[dict[str, Any]]) -> None:
        order = sorted(range(len(codes)), key=codes.__getitem__)
        self.codes = [codes[i] for i in order]
        self._tree = shapely.STRtree([shape(boundaries[i]) for i in order])

    @classmethod
    def load(cls, force: Area | None = None) -> NeighbourhoodIndex:
        """Returns the index of the force's neighbourhoods (at any depth under it), or of all of them."""
        areas = Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD, boundary__isnull=False)
        if force is not None:
            areas = areas.filter(Q(parent=force) | Q(parent__parent=force) | Q(parent__parent__parent=force))
        rows = list(areas.values_list("code", "boundary"))
        return cls([code for code, _b in rows], [boundary for _c, boundary in rows])

    def __len__(self) -> int:
        return len(self.codes)

    def codes_for(self, latitudes: Sequence[float], longitudes: Sequence[float]) -> list[str | None]:
        """Returns the code of the neighbourhood holding each point, or None where none does."""
        found: list[str | None] = [None] * len(latitudes)
        if not len(self.codes) or not len(latitudes):
            return found
        points = shapely.points(np.asarray(longitudes, dtype=float), np.asarray(latitudes, dtype=float))
        point_index, tree_index = self._tree.query(points, predicate="intersects")
        # Pairs come grouped by point; the lowest tree index is the first neighbourhood by code, as
        # find_neighbourhood answers for a point on a shared edge.
        for p, t in sorted(zip(point_index.tolist(), tree_index.tolist(), strict=True)):
            if found[p] is None:
                found[p] = self.codes[t]
        return found
