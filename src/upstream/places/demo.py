"""The demo force's places: Avonmere, a fictional force area whose 300 neighbourhoods tile it exactly.

Three local authorities, thirty wards and three hundred neighbourhoods, with no gaps or overlaps.

How it is made, deterministically from the seed:

1. An irregular outline (a wobbly ellipse about 35 km by 28 km) is placed in south-west England.
2. Points on a jittered 0.9 km lattice inside it are sampled, exactly 300, with more near the city centre
   (towns are denser than the countryside, so city neighbourhoods come out smaller, as real LSOAs do).
3. Each point's Voronoi cell, clipped to the outline, is a neighbourhood.
4. Neighbourhoods are grown into three local authorities, then each into ten wards, by balanced region
   growing over the cells' shared edges, so every ward and authority is in one piece.

Codes start with Z, which no ONS code uses, so demo areas never collide with real ones: Z01000001… for
neighbourhoods, Z05000001… for wards, Z06000001… for local authorities; the force area is force:avonmere.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

from upstream.places.models import AreaLevel

order = 10
label = "Places: the Avonmere force area"

FORCE_NAME = "Avonmere"
FORCE_CODE = "force:avonmere"
CENTRE = (51.13, -2.86)  # latitude, longitude: the Somerset Levels, far from the real data's forces
KM_PER_DEGREE_LATITUDE = 111.32
NEIGHBOURHOODS = 300
WARDS_PER_AUTHORITY = 10
GRID = 1e-6  # degrees (about 10 cm): every polygon is snapped to it, so shared edges match exactly
LOCAL_AUTHORITIES = (
    # (code, name, where its seed lies)
    ("Z06000001", "Avonmere City", "centre"),
    ("Z06000002", "North Vale", "north"),
    ("Z06000003", "Southmarsh", "south"),
)
WARD_NAMES = (
    "Ashcombe", "Barrow Hill", "Blackwater", "Brackenfield", "Castle Mead", "Chapel End", "Coldharbour Marsh",
    "Copperfield", "Dunmere", "Eastbrook", "Elmstead", "Fennick", "Foxhollow", "Gorsey Bank", "Greyfriars",
    "Hallow Down", "Harrowby", "Heronsgate", "Hollins Vale", "Kestle Moor", "Kingsmere", "Lark Rise",
    "Longmarsh", "Lower Wickham", "Mardle", "Netherby", "Oakhanger", "Old Quay", "Orchard Way", "Pennywell",
    "Quarry Bank", "Ravensford", "Redcliffe Green", "Saltings", "Tanners Row", "Upper Combe", "Wetherley",
    "Whitmarsh", "Willowbank", "Wrenfield", "Yarrow Cross", "Avon Reach", "Bramble Leigh", "Cinderford Rise",
)  # fmt: skip


@dataclass(frozen=True)
class DemoArea:
    """One generated area."""

    code: str
    name: str
    level: str
    parent_code: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class DemoGeography:
    """The generated force: its outline and every area under it, largest first."""

    outline: BaseGeometry
    areas: tuple[DemoArea, ...]

    def at(self, level: str) -> list[DemoArea]:
        """Returns the areas at one level."""
        return [a for a in self.areas if a.level == level]


def _to_degrees(geometry: BaseGeometry) -> BaseGeometry:
    """Returns a geometry drawn in kilometres about CENTRE, in longitude/latitude."""
    latitude, longitude = CENTRE
    km_per_degree_longitude = KM_PER_DEGREE_LATITUDE * math.cos(math.radians(latitude))

    def convert(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [longitude + xy[:, 0] / km_per_degree_longitude, latitude + xy[:, 1] / KM_PER_DEGREE_LATITUDE]
        )

    return shapely.transform(geometry, convert)


def _outline(rng: random.Random) -> Polygon:
    """Returns a wobbly ellipse in kilometres: a force boundary that follows no straight line."""
    harmonics = [(k, rng.uniform(0.02, 0.07), rng.uniform(0, 2 * math.pi)) for k in range(2, 6)]
    points = []
    for step in range(120):
        theta = 2 * math.pi * step / 120
        radius = 14.0 * (1 + sum(a * math.cos(k * theta + phase) for k, a, phase in harmonics))
        points.append((1.25 * radius * math.cos(theta), radius * math.sin(theta)))
    return Polygon(points)


def _seed_points(rng: random.Random, outline: Polygon, city: tuple[float, float]) -> list[tuple[float, float]]:
    """Returns exactly NEIGHBOURHOODS points inside the outline, denser near the city."""
    min_x, min_y, max_x, max_y = outline.bounds
    spacing = 0.9
    shrunk = outline.buffer(-0.3)  # keeps points off the edge, where clipped cells would be slivers
    candidates = []
    y = min_y
    while y <= max_y:
        x = min_x
        while x <= max_x:
            point = (x + rng.uniform(-0.3, 0.3) * spacing, y + rng.uniform(-0.3, 0.3) * spacing)
            if shrunk.contains(Point(point)):
                candidates.append(point)
            x += spacing
        y += spacing
    # Weighted sampling without replacement (Efraimidis–Spirakis): the key u^(1/w) favours heavy points.
    keyed = []
    for point in candidates:
        distance = math.dist(point, city)
        weight = 1 + 8 * math.exp(-((distance / 4.5) ** 2))
        keyed.append((rng.random() ** (1 / weight), point))
    keyed.sort(reverse=True)
    return [point for _key, point in keyed[:NEIGHBOURHOODS]]


def _adjacency(cells: list[BaseGeometry]) -> list[set[int]]:
    """Returns, for each cell, the cells sharing an edge with it (a shared corner is not enough)."""
    tree = shapely.STRtree(cells)
    neighbours: list[set[int]] = [set() for _ in cells]
    left, right = tree.query(cells, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j and cells[i].intersection(cells[j]).length > GRID:
            neighbours[i].add(j)
            neighbours[j].add(i)
    return neighbours


def _grow(
    seeds: list[int], nodes: set[int], neighbours: list[set[int]], points: list[tuple[float, float]]
) -> dict[int, int]:
    """Returns each node's region (the index of its seed), grown over shared edges with balanced sizes.

    The smallest region always takes the next step, adding the unclaimed neighbour nearest its seed, so
    regions come out about the same size, and each is in one piece.
    """
    owner = {seed: region for region, seed in enumerate(seeds)}
    sizes = [1] * len(seeds)
    frontiers: list[list[tuple[float, int]]] = [[] for _ in seeds]

    def push(region: int, node: int) -> None:
        for other in sorted(neighbours[node]):
            if other in nodes and other not in owner:
                heapq.heappush(frontiers[region], (math.dist(points[other], points[seeds[region]]), other))

    for region, seed in enumerate(seeds):
        push(region, seed)
    while len(owner) < len(nodes):
        active = [r for r in range(len(seeds)) if frontiers[r]]
        if not active:
            break
        region = min(active, key=lambda r: (sizes[r], r))
        _distance, node = heapq.heappop(frontiers[region])
        if node in owner:
            continue
        owner[node] = region
        sizes[region] += 1
        push(region, node)
    for node in sorted(nodes - set(owner)):
        # Cut off from every region (an island left by the outline): join the nearest seed's region.
        owner[node] = min(range(len(seeds)), key=lambda r: math.dist(points[node], points[seeds[r]]))
    return owner


def _nearest(start: int, count: int, neighbours: list[set[int]], points: list[tuple[float, float]]) -> set[int]:
    """Returns the count nodes nearest a start along shared edges (Dijkstra): a compact piece in one part."""
    distances = {start: 0.0}
    queue = [(0.0, start)]
    taken: set[int] = set()
    while queue and len(taken) < count:
        distance, node = heapq.heappop(queue)
        if node in taken:
            continue
        taken.add(node)
        for other in sorted(neighbours[node]):
            step = distance + math.dist(points[node], points[other])
            if step < distances.get(other, math.inf):
                distances[other] = step
                heapq.heappush(queue, (step, other))
    return taken


def _farthest_seeds(rng: random.Random, nodes: list[int], points: list[tuple[float, float]], count: int) -> list[int]:
    """Returns count nodes spread far apart (farthest-point sampling from a random start)."""
    chosen = [rng.choice(nodes)]
    while len(chosen) < count:
        chosen.append(max(nodes, key=lambda n: (min(math.dist(points[n], points[c]) for c in chosen), -n)))
    return chosen


def generate(seed: int = 2026) -> DemoGeography:
    """Returns the demo force's geography for a seed: the same seed always gives the same areas."""
    rng = random.Random(f"upstream-demo-places:{seed}")  # noqa: S311 - fictional geography, not a secret
    outline_km = _outline(rng)
    city = (rng.uniform(-3, 3), rng.uniform(-2, 2))
    points = _seed_points(rng, outline_km, city)

    outline = shapely.set_precision(_to_degrees(outline_km), GRID)
    voronoi = shapely.voronoi_polygons(MultiPoint(points), extend_to=outline_km.buffer(5), ordered=True)
    cells = [
        _polygonal(shapely.intersection(_to_degrees(cell), outline, grid_size=GRID))
        for cell in shapely.get_parts(voronoi)
    ]
    neighbours = _adjacency(cells)
    everything = set(range(len(cells)))

    # Local authorities: a compact city in the middle (the third of the neighbourhoods nearest its centre
    # along shared edges), then North Vale and Southmarsh grown from the far north and the far south.
    centre_seed = min(everything, key=lambda n: (math.dist(points[n], city), n))
    city_nodes = _nearest(centre_seed, NEIGHBOURHOODS // len(LOCAL_AUTHORITIES), neighbours, points)
    rest = everything - city_nodes
    by_y = sorted(rest, key=lambda n: (points[n][1], n))
    halves = _grow([by_y[-1], by_y[0]], rest, neighbours, points)
    la_of = dict.fromkeys(city_nodes, 0) | {n: 1 + half for n, half in halves.items()}

    ward_names = rng.sample(WARD_NAMES, len(LOCAL_AUTHORITIES) * WARDS_PER_AUTHORITY)
    ward_number = 0
    neighbourhood_number = 0
    la_areas = []
    ward_areas = []
    neighbourhood_areas = []
    for la_index, (la_code, la_name, _where) in enumerate(LOCAL_AUTHORITIES):
        members = sorted(n for n in everything if la_of[n] == la_index)
        ward_seeds = _farthest_seeds(rng, members, points, WARDS_PER_AUTHORITY)
        ward_of = _grow(ward_seeds, set(members), neighbours, points)
        la_areas.append(
            DemoArea(la_code, la_name, AreaLevel.LOCAL_AUTHORITY, FORCE_CODE, _union([cells[n] for n in members]))
        )
        # ONS numbers areas north to south; so do we, for wards and for neighbourhoods within each ward.
        wards = [sorted(n for n in members if ward_of[n] == w) for w in range(WARDS_PER_AUTHORITY)]
        wards.sort(key=lambda ns: -max(points[n][1] for n in ns))
        msoa = 0
        for ward_nodes in wards:
            ward_number += 1
            ward_code = f"Z05{ward_number:06d}"
            ward_areas.append(
                DemoArea(
                    ward_code,
                    ward_names[ward_number - 1],
                    AreaLevel.WARD,
                    la_code,
                    _union([cells[n] for n in ward_nodes]),
                )
            )
            ordered = sorted(ward_nodes, key=lambda n: (-points[n][1], points[n][0]))
            for index, node in enumerate(ordered):
                if index % 5 == 0:
                    msoa += 1  # five neighbourhoods to a middle-layer area, as ONS groups them
                neighbourhood_number += 1
                neighbourhood_areas.append(
                    DemoArea(
                        f"Z01{neighbourhood_number:06d}",
                        f"{la_name} {msoa:03d}{'ABCDE'[index % 5]}",
                        AreaLevel.NEIGHBOURHOOD,
                        ward_code,
                        cells[node],
                    )
                )
    force = DemoArea(FORCE_CODE, FORCE_NAME, AreaLevel.FORCE, "", outline)
    return DemoGeography(outline=outline, areas=(force, *la_areas, *ward_areas, *neighbourhood_areas))


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"]
    return shapely.multipolygons(polygons) if len(polygons) > 1 else polygons[0]


def _union(cells: list[BaseGeometry]) -> BaseGeometry:
    return _polygonal(shapely.union_all(cells, grid_size=GRID))


def build(context: Any) -> dict[str, int]:
    """Saves the Avonmere force area and everything under it (unchanged areas are left alone)."""
    from upstream.places.models import Area
    from upstream.places.services import AreaRecord, save_areas

    geography = generate(context.seed)
    records = [
        AreaRecord(
            code=a.code,
            name=a.name,
            level=a.level,
            parent_code=a.parent_code or None,
            geometry=a.geometry,
        )
        for a in geography.areas
    ]
    outcome = save_areas(records, progress=context.progress_callback("Places"))
    context.force = Area.objects.get(code=FORCE_CODE)
    context.data["geography"] = geography
    return {
        "areas created": sum(outcome.created.values()),
        "areas updated": sum(outcome.updated.values()),
        "areas unchanged": sum(outcome.unchanged.values()),
        **_demo_analysis(context, geography),
    }


# The demo's crime covers fifteen months, so a three-month period has a previous period and a year ago.
DEMO_LAST_MONTH = "2025-09"
DEMO_MONTHS = 15
DEMO_PERIOD = ("2025-07", DEMO_LAST_MONTH)
# Invented for the demo, NOT the Cambridge Crime Harm Index (which Upstream does not ship): days of harm per
# crime, roughly ordered as sentencing would order them, so the demo's harm layer has something to show.
DEMO_HARM_WEIGHTS = {
    "Violence and sexual offences": 150.0,
    "Robbery": 300.0,
    "Burglary": 200.0,
    "Possession of weapons": 250.0,
    "Criminal damage and arson": 10.0,
    "Public order": 8.0,
    "Drugs": 4.0,
    "Vehicle crime": 5.0,
    "Theft from the person": 3.0,
    "Bicycle theft": 2.0,
    "Shoplifting": 1.0,
    "Other theft": 2.0,
    "Other crime": 10.0,
}
DEMO_HARM_NOTE = (
    "Demo data: the crime is generated, and the harm weights are invented for the demo (not the Cambridge "
    "Crime Harm Index)."
)


def _demo_deprivation(profiles: dict[str, dict[str, Any]], analytics_dir: Any) -> None:
    """Adds the demo neighbourhoods' deprivation to the store, keeping every real row already imported."""
    import pandas as pd

    from upstream.places.demo_crime import N_RANKED
    from upstream_analytics.places.store import read_deprivation, write_deprivation

    existing = read_deprivation(analytics_dir)
    rows = []
    for code, p in sorted(profiles.items()):
        decile = min(10, 1 + (p["imd_rank"] - 1) * 10 // N_RANKED)
        row: dict[str, Any] = {"lsoa_code": code, "lsoa_name": code, "lad_code": "", "lad_name": FORCE_NAME}
        for key in ("imd", "income", "employment", "education", "health", "crime", "housing", "living_environment"):
            row[f"{key}_rank"], row[f"{key}_decile"] = p["imd_rank"], decile
        row.update(
            n_ranked=N_RANKED,
            population=p["population"],
            children_0_15=p["children_0_15"],
            aged_16_59=round(p["population"] * 0.58),
            aged_60_plus=p["population"] - p["children_0_15"] - round(p["population"] * 0.58),
        )
        rows.append(row)
    demo = pd.DataFrame(rows)
    if existing is not None:
        demo = demo.astype({c: existing[c].dtype for c in demo.columns if c in existing.columns})
        existing = existing[~existing["lsoa_code"].str.startswith("Z0")]
        demo = pd.concat([existing, demo], ignore_index=True)
    write_deprivation(analytics_dir, demo)


def _demo_analysis(context: Any, geography: DemoGeography) -> dict[str, int]:
    """Imports generated police.uk crime and deprivation for Avonmere and runs one analysis on it."""
    import tempfile
    from io import StringIO
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    from upstream.places.demo_crime import crime_rows, months_back, neighbourhood_profiles, write_policeuk_files
    from upstream.places.models import AnalysisRun, RunStatus
    from upstream.places.tasks import execute_run

    force = context.force
    done = AnalysisRun.objects.filter(force=force, status=RunStatus.SUCCEEDED, level="lsoa").first()
    if done is not None:
        return {"analysis runs unchanged": 1}
    profiles = neighbourhood_profiles(geography, context.seed)
    rows = crime_rows(geography, profiles, months_back(DEMO_LAST_MONTH, DEMO_MONTHS), context.seed)
    with tempfile.TemporaryDirectory(prefix="upstream-demo-policeuk-") as folder:
        paths = write_policeuk_files(rows, Path(folder))
        call_command("places", "import-policeuk", *map(str, paths), stdout=StringIO())
    _demo_deprivation(profiles, Path(settings.ANALYTICS_DIR))
    run = AnalysisRun.objects.create(
        force=force,
        level="lsoa",
        first_month=DEMO_PERIOD[0],
        last_month=DEMO_PERIOD[1],
        harm_weights=DEMO_HARM_WEIGHTS,
        need_weights={"harm": 0.5, "demand": 0.3, "vulnerability": 0.2},
        officers=120,
        floor=2,
        message="Queued by the demo",
    )
    execute_run(run)
    if run.status != RunStatus.SUCCEEDED:
        raise RuntimeError(f"The demo analysis failed: {run.error}")
    run.manifest["notes"] = [DEMO_HARM_NOTE, *run.manifest.get("notes", [])]
    run.save(update_fields=["manifest"])
    return {"police.uk rows generated": len(rows), "analysis runs created": 1}
