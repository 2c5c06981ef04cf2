"""Writing areas: loading boundary files under a force, and saving generated areas (the demo force).

Places are not personal data, so these writes need no audit event; a boundary load is one transaction,
so a failure part-way leaves the areas as they were.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from upstream.core.policy import require
from upstream.places.boundaries import BoundaryFile, BoundaryFileError
from upstream.places.geometry import footprint, union
from upstream.places.models import Area, AreaLevel

Progress = Callable[[int, int], None]  # (done, total)
BATCH = 500
LSOA_NAME = re.compile(r"^(?P<place>.+) \d{3}[A-Z]$")  # ONS LSOA names: "Calderdale 001A"
LA_CODE = re.compile(r"^(E06|E07|E08|E09|W06|S12|N09)\d{6}$")

MIN_H3_RESOLUTION, MAX_H3_RESOLUTION = 5, 10  # about 250 km² to 0.015 km² a hexagon

LEVEL_ORDER = [AreaLevel.FORCE, AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD, AreaLevel.NEIGHBOURHOOD]


class ImportRefusedError(BoundaryFileError):
    """A boundary file that conflicts with the areas already loaded; nothing was loaded."""


@dataclass
class AreaRecord:
    """An area to save: its code, names, level, parent's code and boundary."""

    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: BaseGeometry | None = None
    name_cy: str = ""
    boundary_derived: bool = False


@dataclass
class SaveOutcome:
    """What a save did, counted per level."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def add(self, other: SaveOutcome) -> None:
        """Adds another outcome's counts to this one."""
        self.created.update(other.created)
        self.updated.update(other.updated)
        self.unchanged.update(other.unchanged)

    def lines(self) -> list[str]:
        """Returns one line per level that was touched, largest level first."""
        lines = []
        for level in LEVEL_ORDER:
            counts = (self.created[level], self.updated[level], self.unchanged[level])
            if any(counts):
                lines.append(
                    f"{AreaLevel(level).label}: {counts[0]} created, {counts[1]} updated, {counts[2]} unchanged"
                )
        return lines


@dataclass
class ImportSummary(SaveOutcome):
    """What a boundary import did: counts per level, the force, and any repaired features."""

    force: Area | None = None
    local_authority: Area | None = None
    repaired: list[str] = field(default_factory=list)
    parents: Counter[str] = field(default_factory=Counter)  # features placed under each level of parent


def force_code(name: str) -> str:
    """Returns the code of a force area from its name ("West Yorkshire" → "force:west-yorkshire")."""
    slug = slugify(name)
    if not slug:
        raise BoundaryFileError(f"The force name {name!r} has no letters or digits: give one like 'West Yorkshire'.")
    return f"force:{slug}"


def save_areas(records: Iterable[AreaRecord], *, progress: Progress | None = None) -> SaveOutcome:
    """Creates or updates areas by code (parents must exist or come earlier), and returns what changed."""
    records = list(records)
    outcome = SaveOutcome()
    # Parents are saved before their children, so a file may hold several levels.
    records.sort(key=lambda r: LEVEL_ORDER.index(AreaLevel(r.level)))
    total = len(records)
    done = 0
    for level in LEVEL_ORDER:
        batch = [r for r in records if r.level == level]
        if not batch:
            continue
        _save_level(batch, outcome)
        done += len(batch)
        if progress:
            progress(done, total)
    return outcome


def _save_level(records: list[AreaRecord], outcome: SaveOutcome) -> None:
    codes = [r.code for r in records]
    # Boundaries are compared by digest, so the (large) stored ones need not be read back.
    existing = Area.objects.defer("boundary").in_bulk(codes, field_name="code")
    parent_codes = {r.parent_code for r in records if r.parent_code}
    parents = Area.objects.in_bulk(list(parent_codes), field_name="code") if parent_codes else {}
    conflicts = [
        f"Area {r.code} exists already as a {existing[r.code].get_level_display().lower()}, not a "
        f"{AreaLevel(r.level).label.lower()}."
        for r in records
        if r.code in existing and existing[r.code].level != r.level
    ]
    missing = sorted(parent_codes - set(parents))
    if missing:
        conflicts.append(f"Parent area(s) {', '.join(missing)} do not exist: load them first.")
    if conflicts:
        raise ImportRefusedError("Nothing was loaded: the file conflicts with the areas already loaded.", conflicts)

    to_create: list[Area] = []
    to_update: list[Area] = []
    to_rename: list[Area] = []
    for record in records:
        values = _values_for(record, parents)
        area = existing.get(record.code)
        if area is None:
            to_create.append(Area(code=record.code, level=record.level, **values))
            outcome.created[record.level] += 1
        elif _apply(area, values):
            (to_update if "boundary" in values else to_rename).append(area)
            outcome.updated[record.level] += 1
        else:
            outcome.unchanged[record.level] += 1
    Area.objects.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        Area.objects.bulk_update(to_update, SAVED_FIELDS, batch_size=BATCH // 5)
    if to_rename:
        # Without a new boundary only the names and parent change; the deferred boundary is never read.
        Area.objects.bulk_update(to_rename, ["name", "name_cy", "parent"], batch_size=BATCH)


SAVED_FIELDS = [
    "name",
    "name_cy",
    "parent",
    "boundary",
    "boundary_hash",
    "boundary_derived",
    "centroid_latitude",
    "centroid_longitude",
    "min_latitude",
    "max_latitude",
    "min_longitude",
    "max_longitude",
]


def _values_for(record: AreaRecord, parents: dict[str, Area]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": record.name,
        "name_cy": record.name_cy,
        "parent_id": parents[record.parent_code].pk if record.parent_code else None,
    }
    if record.geometry is None:
        return values  # a record without a boundary keeps the one stored (a derived one is refreshed apart)
    fp = footprint(record.geometry)
    values.update(
        boundary=fp.boundary,
        boundary_hash=fp.boundary_hash,
        boundary_derived=record.boundary_derived,
        centroid_latitude=fp.centroid_latitude,
        centroid_longitude=fp.centroid_longitude,
        min_latitude=fp.min_latitude,
        max_latitude=fp.max_latitude,
        min_longitude=fp.min_longitude,
        max_longitude=fp.max_longitude,
    )
    return values


def _apply(area: Area, values: dict[str, Any]) -> bool:
    """Sets the values that differ on an existing area; returns whether any did."""
    changed = False
    for name, value in values.items():
        # The boundary is compared through its digest, which changes with it.
        if name != "boundary" and getattr(area, name) != value:
            changed = True
            setattr(area, name, value)
    if changed and "boundary" in values:
        area.boundary = values["boundary"]
    return changed


def ensure_force_area(*, name: str) -> tuple[Area, bool]:
    """Returns the force area with that name, creating it (with no boundary yet) if it is new."""
    code = force_code(name)
    area = Area.objects.filter(code=code).first()
    if area is not None:
        if area.level != AreaLevel.FORCE:
            raise ImportRefusedError(f"Area {code} exists already and is not a force area.")
        return area, False
    area = Area.objects.create(code=code, name=name.strip(), level=AreaLevel.FORCE, boundary_derived=True)
    return area, True


def refresh_derived_boundary(area: Area) -> bool:
    """Sets a derived boundary to the union of the area's children's; returns whether it changed."""
    if not area.boundary_derived:
        return False
    boundaries = Area.objects.filter(parent=area, boundary__isnull=False).values_list("boundary", flat=True)
    merged = union([shape(b) for b in boundaries if b])
    if merged is None:
        return False
    fp = footprint(merged)
    if fp.boundary_hash == area.boundary_hash:
        return False
    area.boundary = fp.boundary
    area.boundary_hash = fp.boundary_hash
    area.centroid_latitude = fp.centroid_latitude
    area.centroid_longitude = fp.centroid_longitude
    area.min_latitude = fp.min_latitude
    area.max_latitude = fp.max_latitude
    area.min_longitude = fp.min_longitude
    area.max_longitude = fp.max_longitude
    area.save()
    return True


def local_authority_from_file_name(stem: str) -> str | None:
    """Returns the local authority code a file is named after (E08000033.geojson), if it is one."""
    return stem if LA_CODE.match(stem) else None


def place_name_from_lsoa_names(names: Iterable[str]) -> str | None:
    """Returns the place every ONS LSOA name shares ("Calderdale" from "Calderdale 001A"), if there is one."""
    places = set()
    for name in names:
        match = LSOA_NAME.match(name)
        if not match:
            return None
        places.add(match["place"])
    return places.pop() if len(places) == 1 else None


def import_boundaries(
    *,
    boundary_file: BoundaryFile,
    level: str,
    force_name: str,
    actor: Any = None,
    parent_code: str | None = None,
    local_authority_code: str | None = None,
    local_authority_name: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Loads checked boundaries under a force in one transaction, placing each under its parent area.

    ``actor`` is None when an operator runs the command line; a signed-in user must be allowed to import.
    """
    if actor is not None:
        require(actor, "places:boundary:import")
    if level == AreaLevel.LOCAL_AUTHORITY and local_authority_code:
        raise ImportRefusedError("--local-authority-code is for files of wards or LSOAs, not of local authorities.")
    summary = ImportSummary(repaired=[f.code for f in boundary_file.repaired])
    with transaction.atomic():
        force, created = ensure_force_area(name=force_name)
        summary.force = force
        (summary.created if created else summary.unchanged)[AreaLevel.FORCE] += 1
        la: Area | None = None
        if local_authority_code:
            la = _ensure_local_authority(
                force=force,
                code=local_authority_code,
                name=local_authority_name
                or (place_name_from_lsoa_names(f.name for f in boundary_file.features) if level == "lsoa" else None),
                summary=summary,
            )
            summary.local_authority = la
        explicit_parent = None
        if parent_code:
            explicit_parent = Area.objects.filter(code=parent_code).first()
            if explicit_parent is None:
                raise ImportRefusedError(f"The parent area {parent_code} does not exist: load it first.")
        parent_codes = _parents_for(boundary_file, level=level, force=force, la=la, explicit=explicit_parent)
        parent_levels = dict(Area.objects.filter(code__in=set(parent_codes.values())).values_list("code", "level"))
        summary.parents.update(parent_levels[code] for code in parent_codes.values())
        records = [
            AreaRecord(
                code=f.code,
                name=f.name,
                name_cy=f.name_cy,
                level=level,
                parent_code=parent_codes[f.code],
                geometry=f.geometry,
            )
            for f in boundary_file.features
        ]
        outcome = SaveOutcome()
        for start in range(0, len(records), BATCH):
            outcome.add(save_areas(records[start : start + BATCH]))
            if progress:
                progress(min(start + BATCH, len(records)), len(records))
        summary.add(outcome)
        if level == AreaLevel.WARD:
            _rehome_neighbourhoods(force=force, la=la)
        # Derived boundaries are refreshed from the bottom up: the local authorities, then the force.
        touched = {parent_codes[f.code] for f in boundary_file.features} | ({la.code} if la else set())
        for area in Area.objects.filter(code__in=touched, level=AreaLevel.LOCAL_AUTHORITY):
            refresh_derived_boundary(area)
        force.refresh_from_db()
        refresh_derived_boundary(force)
    return summary


def _ensure_local_authority(*, force: Area, code: str, name: str | None, summary: ImportSummary) -> Area:
    la = Area.objects.filter(code=code).first()
    if la is None:
        summary.created[AreaLevel.LOCAL_AUTHORITY] += 1
        return Area.objects.create(
            code=code, name=name or code, level=AreaLevel.LOCAL_AUTHORITY, parent=force, boundary_derived=True
        )
    if la.level != AreaLevel.LOCAL_AUTHORITY:
        raise ImportRefusedError(f"Area {code} exists already as a {la.get_level_display().lower()}.")
    changed = False
    # A name learnt later (from LSOA names, or given) replaces the placeholder code the area started with.
    if name and la.name in {la.code, ""} and name != la.name:
        la.name = name
        changed = True
    if la.parent_id != force.pk:
        la.parent = force
        changed = True
    if changed:
        la.save()
        summary.updated[AreaLevel.LOCAL_AUTHORITY] += 1
    return la


def _parents_for(
    boundary_file: BoundaryFile, *, level: str, force: Area, la: Area | None, explicit: Area | None
) -> dict[str, str]:
    features = boundary_file.features
    if explicit is not None:
        return {f.code: explicit.code for f in features}
    if level == AreaLevel.LOCAL_AUTHORITY:
        return {f.code: force.code for f in features}
    fallback = la or force
    if level == AreaLevel.WARD:
        if la is not None:
            return {f.code: la.code for f in features}
        candidates = Area.objects.filter(parent=force, level=AreaLevel.LOCAL_AUTHORITY, boundary__isnull=False)
    else:
        wards = Area.objects.filter(level=AreaLevel.WARD, boundary__isnull=False)
        candidates = (
            wards.filter(parent=la)
            if la is not None
            else wards.filter(parent__parent=force) | wards.filter(parent=force)
        )
    points = [f.geometry.representative_point() for f in features]
    found = _containing(points, list(candidates.order_by("code").values_list("code", "boundary")))
    parents = {f.code: found[i] or fallback.code for i, f in enumerate(features)}
    if level == AreaLevel.NEIGHBOURHOOD and la is None:
        # Not in any ward: try the force's local authorities before falling back to the force itself.
        orphans = [i for i, f in enumerate(features) if parents[f.code] == fallback.code]
        if orphans:
            las = Area.objects.filter(parent=force, level=AreaLevel.LOCAL_AUTHORITY, boundary__isnull=False)
            la_boundaries = list(las.order_by("code").values_list("code", "boundary"))
            in_la = _containing([points[i] for i in orphans], la_boundaries)
            for j, i in enumerate(orphans):
                parents[features[i].code] = in_la[j] or fallback.code
    return parents


def _containing(points: list[BaseGeometry], candidates: list[tuple[str, Any]]) -> list[str | None]:
    """Returns, for each point, the code of the first candidate (by code) whose boundary covers it."""
    found: list[str | None] = [None] * len(points)
    if not points or not candidates:
        return found
    tree = shapely.STRtree([shape(boundary) for _code, boundary in candidates])
    point_index, tree_index = tree.query(np.array(points, dtype=object), predicate="intersects")
    for p, t in sorted(zip(point_index.tolist(), tree_index.tolist(), strict=True)):
        if found[p] is None:
            found[p] = candidates[t][0]
    return found


def _rehome_neighbourhoods(*, force: Area, la: Area | None) -> None:
    """Moves neighbourhoods loaded before their wards from the local authority (or force) into the ward."""
    holders = [la] if la is not None else [force, *Area.objects.filter(parent=force, level=AreaLevel.LOCAL_AUTHORITY)]
    orphans = list(
        Area.objects.filter(parent__in=holders, level=AreaLevel.NEIGHBOURHOOD, boundary__isnull=False).only(
            "id", "code", "boundary", "parent_id"
        )
    )
    if not orphans:
        return
    wards = Area.objects.filter(level=AreaLevel.WARD, parent__in=holders, boundary__isnull=False)
    codes = list(wards.order_by("code").values_list("code", "boundary"))
    found = _containing([shape(o.boundary).representative_point() for o in orphans], codes)
    ids = dict(wards.values_list("code", "id"))
    moved = []
    for orphan, ward_code in zip(orphans, found, strict=True):
        if ward_code is not None:
            orphan.parent_id = ids[ward_code]
            moved.append(orphan)
    Area.objects.bulk_update(moved, ["parent"], batch_size=BATCH)


# Analyses and priority areas ---------------------------------------------------------------------------------


def start_analysis(
    *,
    actor: Any,
    force: Area,
    level: str,
    first_month: str,
    last_month: str,
    harm_weights: dict[str, float] | None = None,
    need_weights: dict[str, float] | None = None,
    officers: int | None = None,
    floor: int = 2,
    permutations: int = 999,
    seed: int | None = None,
    h3_resolution: int | None = None,
    again_of: Any = None,
) -> Any:
    """Returns a new analysis run for the force after queueing it to run in the background."""
    from upstream.core import audit
    from upstream.places import policies, tasks
    from upstream.places.models import AnalysisRun
    from upstream_analytics.places.allocation import DEFAULT_WEIGHTS

    require(actor, policies.ANALYSIS_RUN)
    if force.level != AreaLevel.FORCE:
        raise ValueError("an analysis runs over a force area")
    if first_month > last_month:
        raise ValueError(f"the period starts ({first_month}) after it ends ({last_month})")
    if h3_resolution is not None and not MIN_H3_RESOLUTION <= h3_resolution <= MAX_H3_RESOLUTION:
        raise ValueError(f"the H3 resolution must be {MIN_H3_RESOLUTION} to {MAX_H3_RESOLUTION}")
    with transaction.atomic():
        run = AnalysisRun.objects.create(
            force=force,
            level=level,
            first_month=first_month,
            last_month=last_month,
            harm_weights={k: float(v) for k, v in (harm_weights or {}).items()},
            need_weights=dict(need_weights or DEFAULT_WEIGHTS),
            officers=officers,
            floor=floor,
            permutations=permutations,
            h3_resolution=h3_resolution,
            again_of=again_of,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            message="Waiting for a worker to start it",
            **({"seed": seed} if seed is not None else {}),
        )
        detail: dict[str, Any] = {"force": force.code, "level": level, "period": [first_month, last_month]}
        if again_of is not None:
            detail["again_of"] = again_of.pk
        audit.record(actor=actor, tag=audit.AuditTag.PLACES_ANALYSIS_START, obj=run, detail=detail)
        # Queued once the row is committed, so a worker never looks for a run that is not there yet.
        transaction.on_commit(lambda: tasks.run_analysis.enqueue(run.pk))
    return run


def run_again(*, actor: Any, run: Any) -> Any:
    """Returns a new run with the same inputs as a finished or failed one, queued in the background."""
    from upstream.places import policies

    require(actor, policies.ANALYSIS_RUN)
    if run.is_live:
        raise ValueError("this analysis has not finished yet")
    return start_analysis(
        actor=actor,
        force=run.force,
        level=run.level,
        first_month=run.first_month,
        last_month=run.last_month,
        harm_weights=run.harm_weights,
        need_weights=run.need_weights,
        officers=run.officers,
        floor=run.floor,
        permutations=run.permutations,
        seed=run.seed,
        h3_resolution=run.h3_resolution,
        again_of=run,
    )


STALE_ERROR = (
    "The worker running this analysis stopped answering: nothing was heard from it after {last} UTC, "
    "{minutes} minutes before it was marked failed. It may have been stopped or run out of memory. "
    "Run the analysis again; if it stops again, tell the support team the run number."
)


def fail_stale_runs(*, now: Any = None) -> list[int]:
    """Marks as failed the running analyses whose worker has stopped answering, and returns their ids.

    Safe to call from any page or command at any time: a run is only touched while it is still running, so a
    worker that finishes at the same moment keeps its result. Places runs hold no personal data, and the run
    keeps the reason, so this needs no audit event.
    """
    from upstream.places.models import AnalysisRun, RunStatus
    from upstream.places.tasks import stale_seconds

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds())
    # A run from before heartbeats existed, or one that died before its first beat, goes by when it started.
    silent = (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )
    failed = []
    running = AnalysisRun.objects.filter(silent, status=RunStatus.RUNNING)
    for run in running.only("pk", "heartbeat_at", "started_at", "created_at"):
        last = run.heartbeat_at or run.started_at or run.created_at
        marked = AnalysisRun.objects.filter(silent, pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            message="Stopped: the worker running it went away",
            error=STALE_ERROR.format(
                last=last.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
                minutes=int((now - last).total_seconds() // 60),
            ),
            finished_at=now,
        )
        if marked:
            failed.append(run.pk)
    return failed


def save_priority_set(
    *,
    actor: Any,
    force: Area,
    name: str,
    reason: str,
    areas: list[Area],
    run: Any = None,
) -> Any:
    """Returns a saved set of priority areas with its reason, audited, for later before/after evaluation."""
    from upstream.core import audit
    from upstream.places import policies
    from upstream.places.models import PrioritySet

    require(actor, policies.PRIORITY_CREATE)
    if not areas:
        raise ValueError("choose at least one area")
    if not reason.strip():
        raise ValueError("say why these areas are priorities")
    with transaction.atomic():
        chosen = PrioritySet.objects.create(
            name=name.strip(),
            force=force,
            reason=reason.strip(),
            run=run,
            baseline_first_month=run.first_month if run else "",
            baseline_last_month=run.last_month if run else "",
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        chosen.areas.set(areas)
        audit.record(
            actor=actor,
            tag=audit.AuditTag.PLACES_PRIORITY_CREATE,
            obj=chosen,
            detail={"force": force.code, "areas": sorted(a.code for a in areas), "run": run.pk if run else None},
        )
    return chosen
