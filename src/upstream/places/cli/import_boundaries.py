"""``upstream places import-boundaries FILE --level lsoa|ward|local_authority --force NAME``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from upstream.places.boundaries import BoundaryFileError, read_boundary_file
from upstream.places.models import AreaLevel
from upstream.places.services import import_boundaries, local_authority_from_file_name

name = "import-boundaries"
help = (  # noqa: A001 - the command-group protocol (core/commands.py) names it help
    "Loads ONS boundaries (a GeoJSON FeatureCollection of LSOAs, wards or local authorities) under a force "
    "area, created if new. The whole file is checked first; a bad file is refused and nothing is loaded."
)
LEVELS = [AreaLevel.NEIGHBOURHOOD.value, AreaLevel.WARD.value, AreaLevel.LOCAL_AUTHORITY.value]
PROGRESS_FROM = 200  # features: smaller files load in a blink and need no bar


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the command's arguments."""
    parser.add_argument("file", type=Path, help="A GeoJSON FeatureCollection in longitude/latitude (CRS84).")
    parser.add_argument("--level", required=True, choices=LEVELS, help="What the features are.")
    parser.add_argument("--force", required=True, metavar="NAME", help='The force area, e.g. "West Yorkshire".')
    parser.add_argument(
        "--parent", metavar="CODE", help="Put every feature directly under this existing area (an override)."
    )
    parser.add_argument(
        "--local-authority-code",
        metavar="CODE",
        help="The local authority the file's wards or LSOAs lie in, created under the force if new. "
        "Default: the file's name when it is a local authority code (E08000033.geojson).",
    )
    parser.add_argument(
        "--local-authority-name",
        metavar="NAME",
        help="The local authority's name, when it is created. Default: the place in the LSOA names "
        "(Calderdale from 'Calderdale 001A'), else the code until a later file names it.",
    )
    parser.add_argument(
        "--no-local-authority",
        action="store_true",
        help="Do not take a local authority from the file's name; place features by their boundaries.",
    )
    parser.add_argument("--code-field", metavar="PROPERTY", help="The property holding each feature's code.")
    parser.add_argument("--name-field", metavar="PROPERTY", help="The property holding each feature's name.")
    parser.add_argument(
        "--repair",
        action="store_true",
        help="Repair invalid geometries (shapely make_valid) instead of refusing the file; repaired features "
        "are listed.",
    )


def handle(command: BaseCommand, **options: Any) -> None:
    """Checks the file, loads it in one transaction, and prints what was created and updated."""
    path: Path = options["file"]
    level: str = options["level"]
    la_code = options.get("local_authority_code")
    if options.get("parent") and la_code:
        raise CommandError("Give either --parent or --local-authority-code, not both.")
    guess_la = not (la_code or options.get("parent") or options.get("no_local_authority"))
    if guess_la and level != AreaLevel.LOCAL_AUTHORITY:
        la_code = local_authority_from_file_name(path.stem)
    try:
        boundary_file = read_boundary_file(
            path,
            level=level,
            code_field=options.get("code_field"),
            name_field=options.get("name_field"),
            repair=options.get("repair", False),
        )
        total = len(boundary_file.features)
        command.stdout.write(
            f"{path.name}: {total} features checked (code {boundary_file.code_field}, name {boundary_file.name_field})."
        )
        console = Console(file=command.stdout, force_terminal=False, soft_wrap=True)
        show_bar = total >= PROGRESS_FROM and console.is_terminal
        with Progress(
            TextColumn("Loading"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not show_bar,
        ) as bar:
            task = bar.add_task("load", total=total)

            def report(done: int, _total: int) -> None:
                bar.update(task, completed=done)
                if not show_bar and total >= PROGRESS_FROM:
                    command.stdout.write(f"  {done} of {total} loaded")

            summary = import_boundaries(
                boundary_file=boundary_file,
                level=level,
                force_name=options["force"],
                parent_code=options.get("parent"),
                local_authority_code=la_code,
                local_authority_name=options.get("local_authority_name"),
                progress=report,
            )
    except BoundaryFileError as exc:
        raise CommandError(f"{path.name}: {exc.message()}") from exc
    force = summary.force
    command.stdout.write(f"Loaded under {force.name} ({force.code})." if force else "Loaded.")
    if summary.local_authority is not None:
        command.stdout.write(f"Local authority: {summary.local_authority.name} ({summary.local_authority.code}).")
    for line in summary.lines():
        command.stdout.write(f"  {line}")
    placed = ", ".join(f"{count} under a {AreaLevel(lvl).label.lower()}" for lvl, count in summary.parents.items())
    command.stdout.write(f"Parents: {placed}.")
    if summary.repaired:
        command.stdout.write(f"Repaired with --repair: {', '.join(summary.repaired)}.")
