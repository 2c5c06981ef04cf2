"""``upstream records link``: resolves person records into people, and people into households."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

name = "link"
help = "Resolves who is who (Splink) and builds households; writes people_resolved.csv and households.csv."  # noqa: A001 - the attribute name core/commands.py reads


def add_arguments(parser: CommandParser) -> None:
    """Adds the linkage options."""
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--out", help="Folder for the CSV outputs (default: <data dir>/runs/link).")
    parser.add_argument("--retrain", action="store_true", help="Train the model again with EM and save it as JSON.")
    parser.add_argument("--threshold", type=float, default=0.9, help="Link records at or above this probability.")
    parser.add_argument(
        "--review-band",
        type=float,
        nargs=2,
        default=(0.5, 0.9),
        metavar=("LOW", "HIGH"),
        help="Pairs with a probability in [LOW, HIGH) go to clerical_review.csv (default 0.5 0.9).",
    )


def handle(command: BaseCommand, **options: Any) -> None:
    """Runs the linkage with a progress display and prints what it found."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from upstream.records import services

    low, high = options["review_band"]
    if not 0 <= low <= high <= 1 or not 0 < options["threshold"] <= 1:
        raise CommandError("--threshold and --review-band take probabilities between 0 and 1, LOW no more than HIGH.")
    out = Path(options["out"]) if options["out"] else Path(settings.RUNS_DIR) / "link"
    console = Console(file=command.stdout, highlight=False)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("Linking", total=4)

        def progress(step: str) -> None:
            bar.update(task, description=step, advance=1)

        # The run is recorded (and audited) like one started from the web, and applies every reviewer's
        # decision so far, so a decided pair is never put in the queue again.
        run = services.create_command_line_run(engine=options["engine"])
        try:
            summary = services.execute_link_run(
                run,
                out=out,
                retrain=options["retrain"],
                threshold=options["threshold"],
                band=(low, high),
                progress=progress,
            )
        except services.RunRefusedError as exc:
            raise CommandError(str(exc)) from exc
    command.stdout.write(
        f"{summary.records:,} person records resolved to {summary.people:,} people "
        f"in {summary.households:,} households."
    )
    if summary.decisions:
        command.stdout.write(f"{summary.decisions:,} reviewers' decisions applied.")
    command.stdout.write(f"{summary.clerical_pairs:,} uncertain pairs for clerical review.")
    if summary.retrained:
        command.stdout.write("The model was trained again and saved beside the code (linkage/model_v2.json).")
    command.stdout.write(f"Wrote people_resolved.csv, households.csv, clerical_review.csv and links.csv to {out}.")
