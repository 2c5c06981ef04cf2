"""Places analyses in the background (django-tasks, database backend: docs/adr/0007).

A run is queued by ``services.start_analysis``; the worker calls the same pipeline as
``upstream places analyse`` and writes its progress to the run after each step, so the run's page can
show how far it has got. Results go to ``RUNS_DIR/places/<run id>/`` beside the run's manifest.
"""

from __future__ import annotations

import contextlib
import csv
import json
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import task

from upstream.places.models import AnalysisRun, RunStatus

RUNS_SUBDIR = "places"


def run_folder(run: AnalysisRun) -> Path:
    """Returns the folder holding a run's results."""
    return Path(settings.RUNS_DIR) / (run.output_dir or f"{RUNS_SUBDIR}/{run.pk}")


def _options(run: AnalysisRun, out: Path) -> dict[str, Any]:
    return {
        "force": run.force.name,
        "first_month": run.first_month,
        "last_month": run.last_month,
        "level": run.level,
        "out": out,
        "harm_weights": None,  # given as a dict below, and written into the run's folder for the manifest
        "officers": run.officers,
        "floor": run.floor,
        "need_weights": ",".join(f"{k}={v}" for k, v in run.need_weights.items()) or None,
        "permutations": run.permutations,
        "seed": run.seed,
    }


def _write_harm_weights(out: Path, weights: dict[str, float]) -> Path:
    path = out / "harm_weights.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["crime_type", "cchi_days"])
        for crime_type, days in sorted(weights.items()):
            writer.writerow([crime_type, days])
    return path


@contextlib.contextmanager
def quiet_engine_deprecations() -> Iterator[None]:
    """Hides DuckDB 2's deprecation notice raised through Ibis 12 (theirs, not ours) while an analysis runs."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="fetch_arrow_table", category=DeprecationWarning)
        yield


def execute_run(run: AnalysisRun) -> AnalysisRun:
    """Runs one queued analysis to the end, keeping its progress, timings, outputs or error on the run."""
    from upstream.places.cli.analyse import build_request
    from upstream_analytics.engine import connect
    from upstream_analytics.places.pipeline import STEPS, AnalysisInputError
    from upstream_analytics.places.pipeline import run as run_pipeline

    run.output_dir = f"{RUNS_SUBDIR}/{run.pk}"
    out = run_folder(run)
    out.mkdir(parents=True, exist_ok=True)
    steps = len(STEPS) if run.officers is not None else len(STEPS) - 1
    run.status, run.started_at, run.step, run.steps = RunStatus.RUNNING, timezone.now(), 0, steps + 1
    run.message = "Reading the force's areas and boundaries"
    run.save(update_fields=["output_dir", "status", "started_at", "step", "steps", "message"])
    started = time.monotonic()

    def progress(message: str) -> None:
        run.step += 1
        run.message = message[:300]
        AnalysisRun.objects.filter(pk=run.pk).update(step=run.step, message=run.message)

    try:
        request = build_request(_options(run, out), [])
        if run.harm_weights:
            request.harm_weights = dict(run.harm_weights)
            request.harm_weights_path = _write_harm_weights(out, run.harm_weights)
        progress("Areas read")
        with quiet_engine_deprecations():
            manifest = run_pipeline(connect("duckdb"), request, progress)
    except (CommandError, AnalysisInputError, ValueError) as exc:
        run.status, run.error = RunStatus.FAILED, str(exc)
        run.message = "The analysis could not run"
    except Exception as exc:
        run.status, run.error, run.message = RunStatus.FAILED, f"{type(exc).__name__}: {exc}", "The analysis failed"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "message", "finished_at"])
        raise
    else:
        run.status, run.manifest = RunStatus.SUCCEEDED, manifest
        run.summary = json.loads((out / "concentration.json").read_text())
        run.step, run.message = run.steps, f"Finished in {time.monotonic() - started:.1f} s"
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "message", "finished_at", "manifest", "summary", "step"])
    return run


@task()
def run_analysis(run_id: int) -> str:
    """Runs a queued places analysis and returns its final status."""
    run = AnalysisRun.objects.select_related("force").get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return str(run.status)  # already run (a task delivered twice does the work once)
    return str(execute_run(run).status)
