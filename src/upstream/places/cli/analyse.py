"""``upstream places analyse --force NAME --from YYYY-MM --to YYYY-MM --level lsoa|ward --out DIR``.

Reads the force's areas and boundaries (places.Area) and hands plain data to the analytics, which write
area_indicators.csv, concentration.json, hotspots.csv, change.csv, typology.csv (+ typology.json),
allocation.csv and manifest.json into DIR.
"""

from __future__ import annotations

import csv
import time
from argparse import ArgumentParser
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.text import slugify

from upstream.places.cli.import_policeuk import month_argument
from upstream_analytics.engine import EngineName, connect
from upstream_analytics.places.allocation import parse_weights
from upstream_analytics.places.deprivation import DeprivationFileError, read_harm_weights
from upstream_analytics.places.hotspots import PERMUTATIONS, SEED, as_geometry
from upstream_analytics.places.pipeline import STEPS, AnalysisInputError, AnalysisRequest, run
from upstream_analytics.places.policeuk import force_key

name = "analyse"
help = (  # noqa: A001 - the command-group protocol (core/commands.py) names it help
    "Analyses one force's police.uk crime for a period at LSOA or ward level: area profile, concentration "
    "(Gini, Lorenz, top shares), hotspots (Gi*, local Moran's I), change, typology of need and allocation."
)
LEVELS = ("lsoa", "ward")


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the command's arguments."""
    parser.add_argument("--force", required=True, metavar="NAME", help='The force area, e.g. "West Yorkshire".')
    parser.add_argument("--from", dest="first_month", required=True, type=month_argument, metavar="YYYY-MM")
    parser.add_argument("--to", dest="last_month", required=True, type=month_argument, metavar="YYYY-MM")
    parser.add_argument("--level", required=True, choices=LEVELS, help="Analyse by LSOA (neighbourhood) or ward.")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="Folder for the results.")
    parser.add_argument(
        "--harm-weights",
        type=Path,
        metavar="FILE",
        help="CSV of Cambridge Crime Harm Index days by police.uk crime type (columns crime_type, cchi_days). "
        "Not shipped with Upstream: see docs/places-analysis.md.",
    )
    parser.add_argument(
        "--officers", type=int, metavar="N", help="Officers to allocate by need (no allocation if absent)."
    )
    parser.add_argument("--floor", type=int, default=2, metavar="N", help="Fewest officers per team (default 2).")
    parser.add_argument(
        "--need-weights",
        metavar="harm=0.5,demand=0.3,vulnerability=0.2",
        help="Weights of the need index (defaults shown).",
    )
    parser.add_argument(
        "--current", type=Path, metavar="FILE", help="CSV of the current allocation (unit_code, officers)."
    )
    parser.add_argument(
        "--policeuk-force",
        metavar="NAME",
        help='The force as police.uk names it in "Falls within", when it differs from --force.',
    )
    parser.add_argument("--engine", choices=[e.value for e in EngineName], default=EngineName.DUCKDB.value)
    parser.add_argument("--permutations", type=int, default=PERMUTATIONS, help="For the hotspot tests (default 999).")
    parser.add_argument(
        "--h3",
        dest="h3_resolution",
        type=int,
        nargs="?",
        const=8,
        metavar="RESOLUTION",
        help="Also find hotspots on points, in H3 hexagons (resolution 8, about 0.7 km², unless given).",
    )
    parser.add_argument("--seed", type=int, default=SEED, help="For permutations and clustering (fixed by default).")


def find_force(name: str) -> Any:
    """Returns the force area called NAME, or raises a CommandError saying how to load it."""
    from upstream.places.models import Area, AreaLevel

    force = (
        Area.objects.filter(level=AreaLevel.FORCE)
        .filter(Q(code=f"force:{slugify(name)}") | Q(name__iexact=name.strip()))
        .defer("boundary")
        .first()
    )
    if force is None:
        known = ", ".join(Area.objects.filter(level=AreaLevel.FORCE).order_by("name").values_list("name", flat=True))
        raise CommandError(
            f"No force area called {name!r}"
            + (f" (known: {known})." if known else ".")
            + " Load its boundaries with `upstream places import-boundaries FILE --level lsoa --force NAME`."
        )
    return force


def force_tree(force: Any) -> tuple[dict[int, dict[str, Any]], list[int]]:
    """Returns every area by id (without boundaries) and the ids of the force's descendants."""
    from upstream.places.models import Area

    rows = {row["id"]: row for row in Area.objects.values("id", "parent_id", "level", "code", "name").order_by("id")}
    children: dict[int | None, list[int]] = defaultdict(list)
    for row in rows.values():
        children[row["parent_id"]].append(row["id"])
    found, queue = [], list(children[force.pk])
    while queue:
        area_id = queue.pop()
        found.append(area_id)
        queue.extend(children[area_id])
    return rows, found


def boundaries(ids: list[int]) -> dict[str, Any]:
    """Returns code -> GeoJSON geometry for the areas given."""
    from upstream.places.models import Area

    return dict(Area.objects.filter(pk__in=ids, boundary__isnull=False).values_list("code", "boundary"))


def ward_of_lsoas(
    rows: dict[int, dict[str, Any]], lsoa_ids: list[int], ward_ids: list[int]
) -> tuple[dict[str, str], int]:
    """Returns LSOA code -> ward code (by the area tree, else by boundary) and how many LSOAs fell in no ward."""
    wards = set(ward_ids)
    mapping: dict[str, str] = {}
    unplaced = []
    for lsoa_id in lsoa_ids:
        parent = rows[lsoa_id]["parent_id"]
        while parent is not None and parent not in wards:
            parent = rows[parent]["parent_id"]
        if parent is None:
            unplaced.append(lsoa_id)
        else:
            mapping[rows[lsoa_id]["code"]] = rows[parent]["code"]
    if unplaced and wards:
        from shapely.strtree import STRtree

        ward_shapes = boundaries(list(wards))
        codes = sorted(ward_shapes)
        tree = STRtree([as_geometry(ward_shapes[c]) for c in codes])
        for code, shape in boundaries(unplaced).items():
            hits = tree.query(as_geometry(shape).representative_point(), predicate="within")
            if len(hits):
                mapping[code] = codes[int(hits[0])]
    placed = {rows[i]["code"] for i in lsoa_ids} & set(mapping)
    return mapping, len(lsoa_ids) - len(placed)


def neighbourhood_teams(rows: dict[int, dict[str, Any]], area_ids: list[int]) -> dict[str, tuple[str, str]]:
    """Returns area code -> (team id, team name) for the areas covered by neighbourhood teams."""
    from upstream.accounts.models import Team

    covered: dict[int, tuple[str, str]] = {}
    for team in Team.objects.filter(is_neighbourhood_team=True).prefetch_related("areas").order_by("pk"):
        for area in team.areas.all():
            covered.setdefault(area.pk, (f"team:{team.pk}", team.name))
    found = {}
    for area_id in area_ids:
        current: int | None = area_id
        while current is not None:
            if current in covered:
                found[rows[area_id]["code"]] = covered[current]
                break
            current = rows[current]["parent_id"]
    return found


def read_current(path: Path) -> dict[str, int]:
    """Returns the current allocation (unit code -> officers) from a CSV with unit_code and officers."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"unit_code", "officers"} <= set(reader.fieldnames):
                raise CommandError(f"{path.name}: the current allocation needs columns unit_code and officers.")
            return {row["unit_code"].strip(): int(row["officers"]) for row in reader}
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path.name}: cannot read the current allocation ({exc}).") from exc


def build_request(options: dict[str, Any], notes: list[str]) -> AnalysisRequest:  # noqa: C901, PLR0912, PLR0915 - one check per option, in order
    """Returns the analysis request: the force's areas, lookup, boundaries and options as plain data."""
    first, last, level = options["first_month"], options["last_month"], options["level"]
    if first > last:
        raise CommandError(f"--from {first} is after --to {last}.")
    force = find_force(options["force"])
    rows, descendants = force_tree(force)
    lsoa_ids = [i for i in descendants if rows[i]["level"] == "lsoa"]
    ward_ids = [i for i in descendants if rows[i]["level"] == "ward"]
    level_ids = lsoa_ids if level == "lsoa" else ward_ids
    if not level_ids:
        raise CommandError(
            f"{force.name} has no {'LSOAs' if level == 'lsoa' else 'wards'}: load them with "
            f"`upstream places import-boundaries FILE --level {level} --force {force.name!r}`."
        )
    areas = pd.DataFrame(
        {"area_code": [rows[i]["code"] for i in level_ids], "area_name": [rows[i]["name"] for i in level_ids]}
    ).sort_values("area_code")
    ward_map, unplaced = ward_of_lsoas(rows, lsoa_ids, ward_ids) if ward_ids else ({}, len(lsoa_ids))
    if level == "lsoa":
        lookup = pd.DataFrame({"lsoa_code": areas["area_code"], "area_code": areas["area_code"]})
    else:
        if not lsoa_ids:
            raise CommandError(
                f"{force.name} has wards but no LSOAs; police.uk places crimes by LSOA, so load the LSOAs too."
            )
        lookup = pd.DataFrame({"lsoa_code": list(ward_map), "area_code": list(ward_map.values())})
        if unplaced:
            notes.append(f"{unplaced} LSOAs lie in no ward; their crimes count as outside the force's wards.")
    teams = neighbourhood_teams(rows, level_ids)
    if teams:
        units = pd.DataFrame(
            {
                "area_code": areas["area_code"],
                "unit_code": [teams.get(c, ("team:none", "No neighbourhood team"))[0] for c in areas["area_code"]],
                "unit_name": [teams.get(c, ("team:none", "No neighbourhood team"))[1] for c in areas["area_code"]],
            }
        )
        basis = "neighbourhood team"
        if len(teams) < len(areas):
            notes.append(f"{len(areas) - len(teams)} areas have no neighbourhood team; they are allocated together.")
    elif ward_ids:
        names = {rows[i]["code"]: rows[i]["name"] for i in ward_ids}
        unit_of = (lambda c: c) if level == "ward" else ward_map.get
        codes = [unit_of(c) or "ward:none" for c in areas["area_code"]]
        units = pd.DataFrame(
            {"area_code": areas["area_code"], "unit_code": codes, "unit_name": [names.get(c, "No ward") for c in codes]}
        )
        basis = "ward"
        if options.get("officers") is not None:
            notes.append("No neighbourhood teams cover this force's areas: officers are allocated by ward instead.")
    else:
        units = None
        basis = "area"
        if options.get("officers") is not None:
            notes.append("No neighbourhood teams and no wards: officers are allocated by area instead.")
    harm_path = options.get("harm_weights")
    harm = None
    if harm_path is not None:
        try:
            harm = read_harm_weights(harm_path)
        except (OSError, DeprivationFileError) as exc:
            raise CommandError(f"{harm_path}: cannot read the harm weights ({exc}).") from exc
    try:
        need_weights = parse_weights(options.get("need_weights"))
    except ValueError as exc:
        raise CommandError(f"--need-weights: {exc}.") from exc
    if options.get("officers") is not None and options["officers"] < 0:
        raise CommandError("--officers must be 0 or more.")
    current = read_current(options["current"]) if options.get("current") else None
    return AnalysisRequest(
        force_name=force.name,
        force_key=force_key(options.get("policeuk_force") or force.name),
        first_month=first,
        last_month=last,
        level=level,
        areas=areas.reset_index(drop=True),
        lsoa_lookup=lookup,
        geometries=boundaries(level_ids),
        out_dir=options["out"],
        analytics_dir=Path(settings.ANALYTICS_DIR),
        harm_weights=harm,
        harm_weights_path=harm_path,
        officers=options.get("officers"),
        floor=options.get("floor", 2),
        need_weights=need_weights,
        allocation_units=units,
        allocation_basis=basis,
        current_allocation=current,
        permutations=options.get("permutations", PERMUTATIONS),
        seed=options.get("seed", SEED),
        h3_resolution=options.get("h3_resolution"),
        notes=notes,
    )


def handle(command: BaseCommand, **options: Any) -> None:
    """Runs the analysis and prints each step as it starts, the headline figures and where results are."""
    started = time.time()
    notes: list[str] = []
    command.stdout.write("Reading the force's areas and boundaries")
    request = build_request(options, notes)
    command.stdout.write(f"  {len(request.areas):,} {request.level} areas of {request.force_name}.")
    total = len(STEPS) if request.officers is not None else len(STEPS) - 1
    step = {"n": 0}

    def progress(message: str) -> None:
        step["n"] += 1
        command.stdout.write(f"[{step['n']}/{total}] {message}  ({time.time() - started:.1f} s)")

    try:
        manifest = run(connect(options.get("engine", "duckdb")), request, progress)
    except AnalysisInputError as exc:
        raise CommandError(str(exc)) from exc
    out = Path(request.out_dir)
    command.stdout.write(f"Done in {manifest['seconds']:.1f} s. Results in {out}:")
    for file in manifest["outputs"].values():
        command.stdout.write(f"  {file}")
    command.stdout.write("  manifest.json (inputs, parameters, versions)")
    for note in manifest["notes"]:
        command.stdout.write(f"Note: {note}")
