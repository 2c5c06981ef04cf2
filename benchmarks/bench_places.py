"""Places analysis: profile, concentration, hotspots and typology for one force and for England and Wales.

- One force: West Yorkshire's 1,388 real LSOA boundaries (/work/shared/data/geo) and real IoD2019, with a
  year of crime generated in police.uk's shape (each LSOA's rate drawn once, types in July 2017's mix).
- England and Wales: ~33,000 LSOAs as a 182 x 182 grid of squares, ~6 million crimes over 12 months.

The crimes go through the real store (Parquet, one file per force-month) and the real pipeline on DuckDB;
generating the data is not timed. Set BENCH_PLACES_RUNS (default 3) and BENCH_PLACES_ROWS to change sizes.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from shapely.geometry import box

from upstream_analytics.engine import connect
from upstream_analytics.places import deprivation, pipeline
from upstream_analytics.places.pipeline import AnalysisRequest
from upstream_analytics.places.policeuk import ASB, CRIME_SCHEMA
from upstream_analytics.places.store import CrimeStore, write_deprivation

SHARED = Path(os.environ.get("UPSTREAM_SHARED_DATA", "/work/shared/data"))
WEST_YORKSHIRE = ("E08000032", "E08000033", "E08000034", "E08000035", "E08000036")
MONTHS = [f"2023-{m:02d}" for m in range(1, 13)]
STEPS = ("profile", "concentration", "hotspots", "typology")
# July 2017 in West Yorkshire, by police.uk type, rounded: the mix every generated month follows.
TYPE_MIX = {
    "Violence and sexual offences": 0.30,
    ASB: 0.21,
    "Criminal damage and arson": 0.09,
    "Other theft": 0.07,
    "Burglary": 0.07,
    "Vehicle crime": 0.06,
    "Public order": 0.07,
    "Shoplifting": 0.05,
    "Drugs": 0.02,
    "Other crime": 0.02,
    "Robbery": 0.01,
    "Bicycle theft": 0.01,
    "Theft from the person": 0.01,
    "Possession of weapons": 0.01,
}


def _string_column(values: np.ndarray, index: np.ndarray) -> pa.Array:
    # Dictionary-encode then decode: far quicker than building millions of Python strings.
    return pa.DictionaryArray.from_arrays(pa.array(index, pa.int32()), pa.array(values)).cast(pa.string())


def write_crimes(store: CrimeStore, codes: list[str], rows: int, force: str, seed: int) -> int:
    """Writes a year of generated police.uk crimes over the given LSOAs into the store; returns the rows."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0.0, 0.8, len(codes))  # crime is concentrated: a few LSOAs carry much of it
    weights /= weights.sum()
    types = np.array(list(TYPE_MIX))
    mix = np.array(list(TYPE_MIX.values()))
    mix /= mix.sum()
    code_array = np.array([*codes, ""])  # the last entry is "no location"
    store.versions.mkdir(parents=True, exist_ok=True)
    staging = store.versions / "bench"
    staging.mkdir(exist_ok=True)
    per_month = rows // len(MONTHS)
    key = force.lower().replace(" ", "-")
    for month in MONTHS:
        lsoa = rng.choice(len(codes), size=per_month, p=weights)
        unlocated = rng.random(per_month) < 0.05
        lsoa = np.where(unlocated, len(codes), lsoa)
        kind = rng.choice(len(types), size=per_month, p=mix)
        lsoa_col = _string_column(code_array, lsoa)
        lsoa_col = pa.compute.if_else(pa.array(unlocated), pa.scalar(None, pa.string()), lsoa_col)
        n = per_month
        table = pa.table(
            {
                "crime_id": pa.array([None] * n, pa.string()),
                "month": pa.array([month] * n, pa.string()),
                "reported_by": pa.array([force] * n, pa.string()),
                "reported_by_key": pa.array([key] * n, pa.string()),
                "falls_within": pa.array([force] * n, pa.string()),
                "force_key": pa.array([key] * n, pa.string()),
                "longitude": pa.array(rng.uniform(-3, 0, n)),
                "latitude": pa.array(rng.uniform(51, 54, n)),
                "location": pa.array(["On or near a street"] * n, pa.string()),
                "lsoa_code": lsoa_col,
                "lsoa_name": pa.array([None] * n, pa.string()),
                "crime_type": _string_column(types, kind),
                "outcome": pa.array([None] * n, pa.string()),
                "context": pa.array([None] * n, pa.string()),
                "source_file": pa.array(["generated"] * n, pa.string()),
            },
            schema=CRIME_SCHEMA,
        )
        pq.write_table(table, staging / f"{key}__{month}.parquet")
    store.pointer.write_text("bench")
    return per_month * len(MONTHS)


def west_yorkshire(tmp: Path) -> tuple[pd.DataFrame, dict[str, object]]:
    """Returns West Yorkshire's real LSOAs (codes, names) and boundaries."""
    codes, names, geometries = [], [], {}
    for lad in WEST_YORKSHIRE:
        with (SHARED / "geo" / "lsoa11_by_lad" / f"{lad}.geojson").open() as handle:
            for feature in json.load(handle)["features"]:
                code = feature["properties"]["LSOA11CD"]
                codes.append(code)
                names.append(feature["properties"]["LSOA11NM"])
                geometries[code] = feature["geometry"]
    write_deprivation(
        tmp,
        deprivation.combine(
            deprivation.read_domains(SHARED / "imd" / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"),
            deprivation.read_population(SHARED / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"),
        ),
    )
    return pd.DataFrame({"area_code": codes, "area_name": names}), geometries


def grid(tmp: Path, side: int, seed: int) -> tuple[pd.DataFrame, dict[str, object]]:
    """Returns side x side generated LSOAs (square polygons) with generated deprivation and population."""
    codes = [f"G{i:03d}{j:03d}" for i in range(side) for j in range(side)]
    geometries = {c: box(int(c[1:4]), int(c[4:7]), int(c[1:4]) + 1, int(c[4:7]) + 1) for c in codes}
    rng = np.random.default_rng(seed)
    n = len(codes)
    ranks = rng.permutation(n) + 1
    frame = pd.DataFrame({"lsoa_code": codes, "lsoa_name": codes, "lad_code": "G", "lad_name": "Grid"})
    for key in deprivation.DOMAIN_PREFIXES:
        frame[f"{key}_rank"] = ranks if key == "imd" else rng.permutation(n) + 1
        frame[f"{key}_decile"] = (frame[f"{key}_rank"] - 1) * 10 // n + 1
    frame["n_ranked"] = n
    frame["population"] = rng.integers(1000, 3000, n)
    frame["children_0_15"] = (frame["population"] * rng.uniform(0.1, 0.3, n)).astype(int)
    frame["aged_16_59"] = frame["population"] // 2
    frame["aged_60_plus"] = frame["population"] // 4
    write_deprivation(tmp, frame)
    return pd.DataFrame({"area_code": codes, "area_name": codes}), geometries


def measure(  # noqa: PLR0917 - one call per size, read top to bottom
    name: str, areas: pd.DataFrame, geometries: dict[str, object], tmp: Path, rows: int, force: str
) -> dict:
    """Returns the figures for one size: median seconds over several runs and the per-step times."""
    stored = write_crimes(CrimeStore(tmp), areas["area_code"].tolist(), rows, force, seed=1)
    harm = deprivation.read_harm_weights(SHARED / "cchi" / "cchi_weights_by_category.csv")
    runs = int(os.environ.get("BENCH_PLACES_RUNS", "3"))
    seconds, steps = [], []
    for run_number in range(runs):
        request = AnalysisRequest(
            force_name=force,
            force_key=force.lower().replace(" ", "-"),
            first_month=MONTHS[0],
            last_month=MONTHS[-1],
            level="lsoa",
            areas=areas,
            lsoa_lookup=pd.DataFrame({"lsoa_code": areas["area_code"], "area_code": areas["area_code"]}),
            geometries=geometries,
            out_dir=tmp / f"out-{run_number}",
            analytics_dir=tmp,
            harm_weights=harm,
            steps=STEPS,
        )
        started = time.perf_counter()
        manifest = pipeline.run(connect("duckdb"), request)
        seconds.append(time.perf_counter() - started)
        steps.append(manifest["timings_seconds"])
    median = statistics.median(seconds)
    by_step = {s: round(statistics.median(t[s] for t in steps), 2) for s in STEPS}
    return {
        "benchmark": name,
        "size": f"{len(areas):,} LSOAs, {stored:,} crimes (12 months)",
        "median_seconds": round(median, 2),
        "runs": runs,
        "steps_median_seconds": ", ".join(f"{k} {v}" for k, v in by_step.items()),
        "engine": "duckdb",
    }


def run_benchmarks() -> list[dict]:
    """Returns the figures for one force and for England and Wales."""
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-places-") as folder:
        tmp = Path(folder) / "force"
        tmp.mkdir()
        areas, geometries = west_yorkshire(tmp)
        figures.append(
            measure(
                "places: one force (West Yorkshire, real boundaries)", areas, geometries, tmp, 340_000, "West Yorkshire"
            )
        )
    with tempfile.TemporaryDirectory(prefix="bench-places-") as folder:
        tmp = Path(folder) / "national"
        tmp.mkdir()
        areas, geometries = grid(tmp, 182, seed=2)
        rows = int(os.environ.get("BENCH_PLACES_ROWS", "6000000"))
        figures.append(
            measure("places: England and Wales (grid polygons)", areas, geometries, tmp, rows, "England and Wales")
        )
    return figures


def run() -> list[dict]:
    """Returns the benchmark figures (the runner's entry point)."""
    return run_benchmarks()
