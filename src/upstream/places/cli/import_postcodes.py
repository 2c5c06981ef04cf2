"""``upstream places import-postcodes FILE``: the ONS Postcode Directory or OS Code-Point Open into the lookup."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

name = "import-postcodes"
help = (  # noqa: A001 - the command-group protocol (core/commands.py) names it help
    "Loads postcodes with their latitude, longitude and area codes from the ONS Postcode Directory (ONSPD, "
    "CSV with a header) or OS Code-Point Open (CSV without a header, eastings and northings): a file, a "
    "folder of CSV files or a ZIP. Importing again updates the postcodes in place."
)


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the command's arguments."""
    parser.add_argument("file", type=Path, help="ONSPD or Code-Point Open: a CSV file, a folder of them, or a ZIP.")


def handle(command: BaseCommand, **options: Any) -> None:
    """Reads the file, writes the postcodes in batches, and says what was skipped and why."""
    from upstream.places.postcodes import PostcodeFileError, import_postcodes

    path: Path = options["file"]
    if not path.exists():
        raise CommandError(f"{path}: no such file or folder.")

    def progress(read: int, written: int) -> None:
        command.stdout.write(f"  {read:,} rows read, {written:,} postcodes written …")
        command.stdout.flush()

    try:
        outcome = import_postcodes(path, progress=progress)
    except PostcodeFileError as exc:
        raise CommandError(f"{path.name}: not an ONSPD or Code-Point Open file: {exc}. Nothing imported.") from exc
    label = {"onspd": "ONS Postcode Directory", "codepoint": "Code-Point Open"}.get(outcome.file_format, "")
    command.stdout.write(
        f"Imported {outcome.written:,} postcodes from {path.name} ({label}); {outcome.read:,} rows read."
    )
    skipped = sum(outcome.bad.values())
    if skipped:
        command.stdout.write(f"Skipped {skipped:,} rows:")
        for reason, count in outcome.bad.most_common():
            command.stdout.write(f"  {count:,} {reason} (e.g. {', '.join(outcome.examples[reason])})")
