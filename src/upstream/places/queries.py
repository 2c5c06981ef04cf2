"""Reading areas for pages and the API, always for an actor and through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from upstream.core.policy import require, scoped
from upstream.places.models import AnalysisRun, Area, AreaLevel, PrioritySet, RunStatus
from upstream.places.policies import ANALYSIS_VIEW, AREA_VIEW

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


def analysis_runs(*, actor: Any, force: Area | None = None) -> QuerySet[AnalysisRun]:
    """Returns the analysis runs the actor may see, newest first (optionally of one force)."""
    runs = scoped(actor, ANALYSIS_VIEW, AnalysisRun.objects.select_related("force", "created_by"))
    if force is not None:
        runs = runs.filter(force=force)
    return runs.defer("force__boundary").order_by("-created_at", "-pk")


def analysis_run(*, actor: Any, run_id: int) -> AnalysisRun:
    """Returns one analysis run, or raises Http404 (PermissionDenied if the actor may not see runs)."""
    require(actor, ANALYSIS_VIEW)
    run = analysis_runs(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise Http404("No such analysis run")
    return run


def latest_run_for(*, actor: Any, force: Area, level: str) -> AnalysisRun | None:
    """Returns the newest finished run of a force at a level, or None."""
    return finished_runs_for(actor=actor, force=force, level=level).first()


def finished_runs_for(*, actor: Any, force: Area, level: str) -> QuerySet[AnalysisRun]:
    """Returns the finished runs of a force at a level, newest first: an area's history of analyses."""
    return analysis_runs(actor=actor, force=force).filter(level=level, status=RunStatus.SUCCEEDED)


def areas_of_run(*, actor: Any, run: AnalysisRun, codes: list[str] | None = None) -> QuerySet[Area]:
    """Returns the areas at a run's level the actor may see, optionally only the codes given (the run's areas)."""
    found = scoped(actor, VIEW, Area.objects.filter(level=run.level))
    if codes is not None:
        found = found.filter(code__in=codes)
    return found


def priority_sets(*, actor: Any) -> QuerySet[PrioritySet]:
    """Returns the saved sets of priority areas the actor may see, newest first."""
    return scoped(actor, ANALYSIS_VIEW, PrioritySet.objects.select_related("force", "run", "created_by")).defer(
        "force__boundary"
    )


def priority_set(*, actor: Any, set_id: int) -> PrioritySet:
    """Returns one saved set of priority areas, or raises Http404."""
    require(actor, ANALYSIS_VIEW)
    found = priority_sets(actor=actor).filter(pk=set_id).first()
    if found is None:
        raise Http404("No such set of priority areas")
    return found


def priority_sets_with(*, actor: Any, area: Area) -> QuerySet[PrioritySet]:
    """Returns the saved priority sets that include an area."""
    return priority_sets(actor=actor).filter(areas=area)
