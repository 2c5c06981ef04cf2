"""``upstream triggers run``: applies the rule set to the records store and writes the trigger and demand lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

name = "run"
help = "Finds children living with ACEs, repeat victims, frequent callers and missing people, repeat locations."  # noqa: A001 - the attribute name core/commands.py reads


def add_arguments(parser: CommandParser) -> None:
    """Adds the run options."""
    parser.add_argument("--as-of", help="Last day of the look-back window, YYYY-MM-DD (default: today).")
    parser.add_argument("--rules", help="A rule set YAML file (default: the shipped rule set).")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--out", help="Folder for the CSV outputs (default: <data dir>/runs/triggers).")
    parser.add_argument("--link", help="Folder of the linkage outputs (default: <data dir>/runs/link).")


def handle(command: BaseCommand, **options: Any) -> None:
    """Runs the rules and prints what they found, and which rule set ran."""
    from upstream_analytics.records.store import StoreEmptyError
    from upstream_analytics.triggers import ruleset
    from upstream_analytics.triggers.pipeline import NotLinkedError, level, run_from_store

    try:
        as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else dt.date.today()  # noqa: DTZ011 - a calendar day in the force's own time
    except ValueError as exc:
        raise CommandError("--as-of takes a date as YYYY-MM-DD, for example 2025-12-31.") from exc
    runs = Path(settings.RUNS_DIR)
    out = Path(options["out"]) if options["out"] else runs / "triggers"
    link = Path(options["link"]) if options["link"] else runs / "link"
    loaded = ruleset.load(Path(options["rules"]) if options["rules"] else None, Path(settings.DATA_DIR) / "triggers")
    if loaded.refused is not None:
        command.stderr.write(f"Rule set refused: {loaded.refused}")
    command.stdout.write(f"Running the {loaded.ran}, as of {as_of:%Y-%m-%d}.")
    try:
        outputs = run_from_store(
            Path(settings.ANALYTICS_DIR), link, out, loaded.rules, as_of=as_of, engine=options["engine"]
        )
    except (StoreEmptyError, NotLinkedError) as exc:
        raise CommandError(str(exc)) from exc
    levels = outputs.triggers["ace_count"].map(lambda n: level(int(n), loaded.rules))
    command.stdout.write(
        f"{int((levels == 'referral').sum()):,} children at the referral threshold "
        f"({loaded.rules.number('referral_threshold')}+ ACEs), {int((levels == 'emerging').sum()):,} emerging."
    )
    command.stdout.write(
        f"{len(outputs.repeat_victims):,} repeat victimisations, {len(outputs.frequent_callers):,} frequent callers, "
        f"{len(outputs.frequent_missing):,} frequently missing people, "
        f"{len(outputs.repeat_locations):,} repeat locations."
    )
    command.stdout.write(f"Wrote triggers.csv and the lists to {out}.")
