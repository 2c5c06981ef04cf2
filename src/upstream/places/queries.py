"""Reading areas for pages and the API, always for an actor and through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from upstream.core.policy import require, scoped
from upstream.places.models import Area, AreaLevel
from upstream.places.policies import AREA_VIEW

VIEW = AREA_VIEW


def force_areas(*, actor: Any) -> QuerySet[Area]:
    """Returns the force areas the actor may see, with how many areas each holds directly."""
    return (
        scoped(actor, VIEW, Area.objects.filter(level=AreaLevel.FORCE))
        .defer("boundary")
        .annotate(child_count=Count("children"))
        .order_by("name")
    )


def area_by_code(*, actor: Any, code: str) -> Area:
    """Returns one area by its code, or raises Http404 (PermissionDenied if the actor may not see areas)."""
    require(actor, VIEW)
    area = scoped(actor, VIEW, Area.objects.filter(code=code)).first()
    if area is None:
        raise Http404("No such area")
    return area


def children_of(*, actor: Any, area: Area) -> QuerySet[Area]:
    """Returns the areas directly under an area, by code."""
    return scoped(actor, VIEW, Area.objects.filter(parent=area)).defer("boundary").order_by("code")


def area_geojson(*, actor: Any, area: Area) -> dict[str, Any]:
    """Returns a GeoJSON FeatureCollection of the area and its children, each with code, name and level."""
    require(actor, VIEW, area)
    features = [_feature(area, role="area")]
    children = scoped(actor, VIEW, Area.objects.filter(parent=area, boundary__isnull=False)).order_by("code")
    features.extend(_feature(child, role="child") for child in children)
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"] is not None]}


def _feature(area: Area, *, role: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": area.code,
        "properties": {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "role": role,  # the area itself, or one of its children
        },
        "geometry": area.boundary,
    }
