"""Triggers and repeat-demand lists on a synthetic force: every rule and list, DuckDB and Spark local mode.

Tiers are named by events, as in bench_records (about 0.67 events per person). To time the rules alone, the people
are resolved to the generator's true person ids, and households and person facts are built from them with the
linkage's own functions (Splink's time is bench_records' figure, which includes the person facts). Set
UPSTREAM_BENCH_TRIGGERS_TIERS=10k,100k,1m and UPSTREAM_BENCH_TRIGGERS_SPARK=100k (or empty) to choose; by default
10k and 100k on DuckDB, 100k on Spark. DuckDB runs UPSTREAM_BENCH_TRIGGERS_RUNS times (3) and reports the median
wall and CPU seconds (the CPU figure shows the work when the shared machine's load makes wall time wander); Spark
runs once. Accuracy of the 4+ list against the generator's truth is reported beside the time.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import ibis
import pandas as pd

from upstream_analytics import engine as engines
from upstream_analytics.generator import generate, write
from upstream_analytics.linkage import facts, households, standardise
from upstream_analytics.records.importer import import_extract
from upstream_analytics.records.store import RecordsStore
from upstream_analytics.triggers import accuracy, pipeline, ruleset

TIERS = {"10k": 15_000, "100k": 150_000, "1m": 1_500_000}
AS_OF = dt.date(2025, 12, 31)  # the generator's last day, so its ACE truth matches the window


def prepare(people: int, work: Path) -> tuple[Path, Path, Path, dict[str, int]]:
    """Returns (analytics dir, link dir, truth dir, row counts) of a generated, imported and resolved force."""
    shutil.rmtree(work, ignore_errors=True)
    extract_dir, store, link = work / "extract", work / "store", work / "link"
    extract = generate(people, 5, seed=1)
    counts = write(extract, extract_dir, fmt="parquet")
    import_extract(extract_dir, store)
    resolved = extract.person_truth.rename(columns={"true_person_id": "resolved_person_id"})[
        ["person_id", "resolved_person_id"]
    ]
    link.mkdir(parents=True)
    resolved.to_csv(link / "people_resolved.csv", index=False)
    con = engines.connect("duckdb")
    folder = RecordsStore(store).current_dir()
    tables = {n: engines.read_parquet(con, folder / f"{n}.parquet") for n in pipeline.STORE_TABLES}
    homes = households.build_households(
        ibis.memtable(resolved),
        tables["people"],
        standardise.standardise_locations(tables["locations"]),
        tables["involvements"],
        tables["events"],
        tables["relationships"],
    )
    con.execute(homes).to_csv(link / "households.csv", index=False)
    facts.write(con, facts.person_facts(tables["people"], ibis.memtable(resolved), tables["locations"]), link)
    return store, link, extract_dir / "truth", counts


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _time(store: Path, link: Path, out: Path, engine: str) -> tuple[float, float, pipeline.Outputs, float]:
    """Returns the wall and CPU seconds of one run (CPU: every thread of this process; Spark's JVM not counted).

    The last value is the machine's one-minute load average when the run ended: on a shared machine the wall
    time says as much about the others' work as about this one.
    """
    rules = ruleset.load(None, None).rules
    started, cpu = time.perf_counter(), _cpu()
    outputs = pipeline.run_from_store(store, link, out, rules, as_of=AS_OF, engine=engine)
    return time.perf_counter() - started, _cpu() - cpu, outputs, os.getloadavg()[0]


def run() -> list[dict]:
    """Returns the seconds of a full trigger run per tier and engine, with the 4+ list's accuracy."""
    tiers = [t for t in os.environ.get("UPSTREAM_BENCH_TRIGGERS_TIERS", "10k,100k").split(",") if t]
    spark = [t for t in os.environ.get("UPSTREAM_BENCH_TRIGGERS_SPARK", "100k").split(",") if t]
    runs = int(os.environ.get("UPSTREAM_BENCH_TRIGGERS_RUNS", "3"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-triggers-") as tmp:
        for tier in tiers:
            work = Path(tmp) / tier
            store, link, truth, counts = prepare(TIERS[tier], work)
            for engine in ["duckdb", *(["spark"] if tier in spark else [])]:
                times = [
                    _time(store, link, work / f"out-{engine}", engine) for _ in range(runs if engine == "duckdb" else 1)
                ]
                seconds = statistics.median(t[0] for t in times)
                cpu = statistics.median(t[1] for t in times)
                outputs = times[-1][2]
                resolved = pd.read_csv(link / "people_resolved.csv", dtype=str)
                score = accuracy.referral_list(outputs.triggers, resolved, truth, 4)
                rows.append(
                    {
                        "benchmark": f"triggers run ({engine})",
                        "size": f"{tier}: {counts['events']:,} events, {counts['involvements']:,} involvements",
                        "runs": len(times),
                        "median_seconds": round(seconds, 2),
                        "median_cpu_seconds": round(cpu, 2),
                        "wall_seconds_each": [round(t[0], 1) for t in times],
                        "load_average_each": [round(t[3], 1) for t in times],
                        "children_4plus": score.predicted,
                        "precision_4plus": round(score.precision, 3),
                        "recall_4plus": round(score.recall, 3),
                        "step_seconds": {k: round(v, 2) for k, v in outputs.seconds.items()},
                    }
                )
    return rows
