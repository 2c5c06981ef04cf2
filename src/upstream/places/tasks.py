"""Places analyses in the background (django-tasks, database backend: docs/adr/0007).

A run is queued by ``services.start_analysis``; the worker calls the same pipeline as
``upstream places analyse`` and writes its progress to the run after each step, so the run's page can
show how far it has got. Results go to ``RUNS_DIR/places/<run id>/`` beside the run's manifest.

While a run runs, a thread of the worker touches its ``heartbeat_at`` every ``PLACES_RUN_HEARTBEAT_SECONDS``
(30 s). A worker that dies (killed, out of memory, the machine restarted) stops the heartbeat, and
``services.fail_stale_runs`` marks a running run not heard from for ``PLACES_RUN_STALE_SECONDS`` (300 s) as
failed, so nobody waits for it for ever and it can be run again.
"""

from __future__ import annotations

import csv
import json
import threading
import time
from pathlib import Path
from typing import Any, Self

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks import task

from upstream.places.models import AnalysisRun, RunStatus

RUNS_SUBDIR = "places"
HEARTBEAT_SECONDS = 30.0
# Ten missed heartbeats: long enough that a busy machine or a database blip never fails a live run, short
# enough that a user does not wait long on a run nobody is working on.
STALE_SECONDS = 300.0


def heartbeat_seconds() -> float:
    """Returns how often a running analysis tells the database it is alive."""
    return float(getattr(settings, "PLACES_RUN_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS))


def stale_seconds() -> float:
    """Returns how long a running analysis may go unheard before it counts as left by a dead worker."""
    return float(getattr(settings, "PLACES_RUN_STALE_SECONDS", STALE_SECONDS))


class Heartbeat:
    """Touches a running analysis's ``heartbeat_at`` from a thread of its own until the run ends.

    A thread, because one step (hotspot permutations on every LSOA in England, say) can take longer than a
    heartbeat, and the steps themselves cannot stop to say they are alive.
    """

    def __init__(self, run_id: int, interval: float) -> None:
        """Prepares a heartbeat for one run, every ``interval`` seconds."""
        self.run_id = run_id
        self.interval = interval
        self.beats = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"places-run-{run_id}-heartbeat", daemon=True)

    def __enter__(self) -> Self:
        """Starts the heartbeat."""
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stops the heartbeat (a missed beat at the end does no harm, so the wait is short)."""
        self._stop.set()
        self._thread.join(timeout=max(1.0, self.interval))

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    touched = AnalysisRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    continue  # a missed beat; only many in a row make the run stale
                self.beats += touched
        finally:
            connections.close_all()  # this thread's own connections


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
        "h3_resolution": run.h3_resolution,
    }


def _write_harm_weights(out: Path, weights: dict[str, float]) -> Path:
    path = out / "harm_weights.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["crime_type", "cchi_days"])
        for crime_type, days in sorted(weights.items()):
            writer.writerow([crime_type, days])
    return path


def execute_run(run: AnalysisRun) -> AnalysisRun:
    """Runs one queued analysis to the end, keeping its progress, timings, outputs or error on the run."""
    from upstream_analytics.places.pipeline import STEPS

    run.output_dir = f"{RUNS_SUBDIR}/{run.pk}"
    out = run_folder(run)
    out.mkdir(parents=True, exist_ok=True)
    steps = len(STEPS) if run.officers is not None else len(STEPS) - 1
    run.status, run.started_at, run.step, run.steps = RunStatus.RUNNING, timezone.now(), 0, steps + 1
    run.heartbeat_at = run.started_at
    run.message = "Reading the force's areas and boundaries"
    run.save(update_fields=["output_dir", "status", "started_at", "heartbeat_at", "step", "steps", "message"])
    started = time.monotonic()

    def progress(message: str) -> None:
        run.step += 1
        run.message = message[:300]
        AnalysisRun.objects.filter(pk=run.pk).update(step=run.step, message=run.message, heartbeat_at=timezone.now())

    with Heartbeat(run.pk, heartbeat_seconds()):
        return _execute(run, out, progress, started)


def _execute(run: AnalysisRun, out: Path, progress: Any, started: float) -> AnalysisRun:
    from upstream.places.cli.analyse import build_request
    from upstream_analytics.engine import connect
    from upstream_analytics.places.pipeline import AnalysisInputError
    from upstream_analytics.places.pipeline import run as run_pipeline

    try:
        request = build_request(_options(run, out), [])
        if run.harm_weights:
            request.harm_weights = dict(run.harm_weights)
            request.harm_weights_path = _write_harm_weights(out, run.harm_weights)
        progress("Areas read")
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
