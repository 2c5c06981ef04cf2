"""Boundaries as shapely geometries: digests, centroids, bounding boxes and a per-process prepared cache.

Boundaries are stored as GeoJSON geometries in longitude/latitude (CRS84), the order GeoJSON uses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from threading import Lock
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

POLYGONAL = ("Polygon", "MultiPolygon")
# Unions of real boundaries are snapped to this grid (about 1 cm) so shared edges dissolve cleanly.
UNION_GRID = 1e-7


@dataclass(frozen=True)
class Footprint:
    """What an area stores besides its boundary: digest, centroid and bounding box."""

    boundary: dict[str, Any]
    boundary_hash: str
    centroid_latitude: float
    centroid_longitude: float
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float


def to_geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """Returns a geometry as a plain GeoJSON dict (lists, not tuples, so it compares equal after storage)."""
    return json.loads(json.dumps(mapping(geometry)))


def digest(boundary: dict[str, Any] | None) -> str:
    """Returns the digest of a GeoJSON geometry, the same for the same coordinates."""
    if not boundary:
        return ""
    canonical = json.dumps(boundary, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def footprint(geometry: BaseGeometry) -> Footprint:
    """Returns the stored form of a polygonal geometry with its centroid and bounding box."""
    boundary = to_geojson(geometry)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    # The centroid of an odd shape can fall outside it; a label or a map marker should sit inside.
    centre = geometry.centroid if geometry.contains(geometry.centroid) else geometry.representative_point()
    return Footprint(
        boundary=boundary,
        boundary_hash=digest(boundary),
        centroid_latitude=round(centre.y, 7),
        centroid_longitude=round(centre.x, 7),
        min_latitude=min_lat,
        max_latitude=max_lat,
        min_longitude=min_lon,
        max_longitude=max_lon,
    )


def union(geometries: list[BaseGeometry]) -> BaseGeometry | None:
    """Returns the union of polygonal geometries (the boundary of a parent drawn from its children)."""
    parts = [g for g in geometries if g is not None and not g.is_empty]
    if not parts:
        return None
    merged = shapely.union_all(parts, grid_size=UNION_GRID)
    return polygonal_part(merged)


def polygonal_part(geometry: BaseGeometry) -> BaseGeometry | None:
    """Returns only the polygons of a geometry (a union or a repair can leave stray lines and points)."""
    if geometry.geom_type in POLYGONAL:
        return geometry
    polygons = [g for g in getattr(geometry, "geoms", []) if g.geom_type in POLYGONAL and not g.is_empty]
    if not polygons:
        return None
    return shapely.union_all(polygons)


class PreparedCache:
    """Prepared boundaries per process, keyed on area id and checked against the boundary digest.

    A boundary changed by another process (an import run while the web server is up) has a new digest,
    so this process prepares it afresh instead of answering from the old shape.
    """

    def __init__(self) -> None:
        self._geometries: dict[int, tuple[str, BaseGeometry]] = {}
        self._lock = Lock()

    def get(self, area_id: int, boundary_hash: str) -> BaseGeometry | None:
        """Returns the prepared boundary of an area, if this process has its current version."""
        found = self._geometries.get(area_id)
        if found is None or found[0] != boundary_hash:
            return None
        return found[1]

    def put(self, area_id: int, boundary_hash: str, boundary: dict[str, Any]) -> BaseGeometry:
        """Prepares a boundary, keeps it, and returns it."""
        geometry = shape(boundary)
        shapely.prepare(geometry)
        with self._lock:
            self._geometries[area_id] = (boundary_hash, geometry)
        return geometry

    def clear(self) -> None:
        """Forgets every prepared boundary."""
        with self._lock:
            self._geometries.clear()

    def __len__(self) -> int:
        return len(self._geometries)


prepared_cache = PreparedCache()
