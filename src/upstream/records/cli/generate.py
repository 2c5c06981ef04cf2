"""``upstream records generate``: writes a synthetic force's extract and its ground truth."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

name = "generate"
help = "Writes a synthetic police extract (events, people, locations, involvements, relationships) and truth/."  # noqa: A001 - the attribute name core/commands.py reads


def add_arguments(parser: CommandParser) -> None:
    """Adds the generator's options."""
    parser.add_argument("--people", type=int, required=True, help="How many real people live in the force area.")
    parser.add_argument("--years", type=int, default=5, help="How many years of events (default 5).")
    parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same extract.")
    parser.add_argument("--out", required=True, help="Folder to write the extract into.")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv", dest="fmt")


def handle(command: BaseCommand, **options: Any) -> None:
    """Generates the extract and prints the row counts."""
    from upstream_analytics.generator import generate, write

    if options["people"] < 1 or options["years"] < 1:
        raise CommandError("--people and --years must be at least 1.")
    started = time.perf_counter()
    extract = generate(options["people"], options["years"], options["seed"])
    counts = write(extract, Path(options["out"]), fmt=options["fmt"])
    for table, count in counts.items():
        command.stdout.write(f"{table}: {count:,} rows")
    command.stdout.write(f"Wrote {options['out']} (truth in truth/) in {time.perf_counter() - started:.1f}s.")
