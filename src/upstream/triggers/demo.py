"""The demo's trigger queue: a run of the rules on the demo force's records, with a few decisions already made.

The rules need an imported and linked records store. If the demo data folder has none, this step makes a
small one: the synthetic force generator (``upstream records generate``) for the demo seed, with every
address moved into one of Avonmere's neighbourhoods (so triggers and lists fall in the demo's areas and
teams), imported and linked as `upstream records import` and `upstream records link` would. It then runs
the rules as of the generator's last day into Avonmere Police's queue, and the demo analyst reviews one
trigger, assigns one to the neighbourhood team covering the child's address and dismisses one with a
reason, so every state of the queue is on show.

Running it again changes nothing: a finished run as of that day means the queue is already there. Linking
takes a minute or two; `upstream demo --without-records` leaves this step out.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

order = 80
label = "Triggers: records, a run of the rules and the queue"

AS_OF = dt.date(2025, 12, 31)  # the generator's last day (its END_DATE is fixed), so a seed gives one answer
PEOPLE = 1500
YEARS = 3


def _store_ready() -> bool:
    from upstream_analytics.records.store import RecordsStore

    link = Path(settings.RUNS_DIR) / "link"
    return (
        RecordsStore(Path(settings.ANALYTICS_DIR)).current_version() is not None
        and (link / "people_resolved.csv").exists()
        and (link / "households.csv").exists()
    )


def _build_store(context: Any) -> None:
    """Generates, imports and links a small synthetic extract whose addresses lie in Avonmere."""
    from upstream.places.models import Area, AreaLevel
    from upstream_analytics.generator import generate, write
    from upstream_analytics.linkage.pipeline import run_link
    from upstream_analytics.records.importer import import_extract

    report = context.progress_callback("Records for the triggers")
    report(0, 3)
    extract = generate(PEOPLE, YEARS, context.seed)
    neighbourhoods = list(Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD, code__startswith="Z").order_by("code"))
    if neighbourhoods:
        rng = context.random("triggers-areas")
        codes = sorted(set(extract.locations["area_code"]))
        mapping = {code: rng.choice(neighbourhoods) for code in codes}
        locations = extract.locations.copy()
        locations["area_code"] = locations["area_code"].map(lambda c: mapping[c].code)
        jitter = [rng.uniform(-0.002, 0.002) for _ in range(len(locations) * 2)]
        locations["latitude"] = [
            round((mapping[c].centroid_latitude or 0) + jitter[2 * i], 5)
            for i, c in enumerate(extract.locations["area_code"])
        ]
        locations["longitude"] = [
            round((mapping[c].centroid_longitude or 0) + jitter[2 * i + 1], 5)
            for i, c in enumerate(extract.locations["area_code"])
        ]
        extract.locations = locations
    with tempfile.TemporaryDirectory(prefix="upstream-demo-records-") as folder:
        write(extract, Path(folder), fmt="parquet")
        report(1, 3)
        import_extract(Path(folder), Path(settings.ANALYTICS_DIR))
    report(2, 3)
    run_link(Path(settings.ANALYTICS_DIR), Path(settings.RUNS_DIR) / "link")
    report(3, 3)


def build(context: Any) -> dict[str, int]:
    """Fills Avonmere Police's trigger queue from the demo records, with a few decisions; idempotent."""
    from upstream.core.roles import Role
    from upstream.triggers import services
    from upstream.triggers.models import RunStatus, Trigger, TriggerRun, TriggerStatus

    if not context.with_records:
        return {"left out (--without-records)": 1}
    police = context.organisations["police"]
    if TriggerRun.objects.filter(organisation=police, as_of=AS_OF, status=RunStatus.FINISHED).exists():
        return {"runs already there": 1}
    counts = {"records stores made": 0}
    if not _store_ready():
        _build_store(context)
        counts["records stores made"] = 1
    run = services.create_command_line_run(organisation=police, as_of=AS_OF, engine="duckdb")
    TriggerRun.objects.filter(pk=run.pk).update(started_by_label="upstream demo")
    run.refresh_from_db()
    result = services.execute_run(run)
    counts.update({"children at 4+ ACEs": result.referral, "emerging": result.emerging})
    analyst = context.users.get(Role.ANALYST)
    waiting = list(Trigger.objects.filter(organisation=police, status=TriggerStatus.NEW).order_by("-ace_count", "pk"))
    if analyst is not None and len(waiting) >= 4:  # noqa: PLR2004 - one of each decision, and one left new
        services.review_trigger(actor=analyst, trigger=waiting[1], expected_version=waiting[1].version, note="Read")
        team = services.suggested_team(waiting[2])
        if team is not None:
            services.assign_trigger(
                actor=analyst,
                trigger=waiting[2],
                expected_version=waiting[2].version,
                team=team,
                note="For a visit by the neighbourhood team",
            )
        services.dismiss_trigger(
            actor=analyst,
            trigger=waiting[3],
            expected_version=waiting[3].version,
            reason="Already known to children's social care, with a plan in place",
        )
        counts["decisions made"] = 3 if team is not None else 2
    return counts
