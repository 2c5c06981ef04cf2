"""``upstream records import DIR``: loads a POLE extract into the analytics store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

name = "import"
help = "Imports a POLE extract folder (CSV or Parquet) into the records store; bad rows go to rejects.csv."  # noqa: A001 - the attribute name core/commands.py reads


def add_arguments(parser: CommandParser) -> None:
    """Adds the extract folder argument."""
    parser.add_argument("extract", help="Folder holding events, people, locations, involvements (and relationships).")


def handle(command: BaseCommand, **options: Any) -> None:
    """Imports the extract with a progress bar and prints the summary."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from upstream_analytics.records.importer import ExtractError, import_extract

    console = Console(file=command.stdout, highlight=False)
    steps = 17  # reading, checking and writing the tables, then the switch
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("Importing", total=steps)

        def progress(step: str) -> None:
            bar.update(task, description=step, advance=1)

        try:
            summary = import_extract(Path(options["extract"]), Path(settings.ANALYTICS_DIR), progress=progress)
        except ExtractError as exc:
            raise CommandError(str(exc)) from exc
    command.stdout.write(f"Imported {options['extract']} as store version {summary.version}.")
    command.stdout.write(
        f"{'table':<14}{'read':>10}{'rejected':>10}{'new':>10}{'updated':>10}{'unchanged':>11}{'in store':>10}"
    )
    for table, t in summary.tables.items():
        command.stdout.write(
            f"{table:<14}{t.read:>10,}{t.rejected:>10,}{t.new:>10,}{t.updated:>10,}{t.unchanged:>11,}{t.total:>10,}"
        )
    if summary.rejected:
        command.stdout.write(f"{summary.rejected:,} rows rejected, with reasons, in {summary.rejects_path}")
    if not summary.changed:
        command.stdout.write("Nothing changed: the store already held this extract.")
