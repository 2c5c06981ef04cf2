"""`upstream directory import-hsds PATH`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

name = "import-hsds"
help = (  # noqa: A001 - the command-group protocol names it help
    "Imports Open Referral HSDS 3.0 JSON (a file or a folder) or an HSDS tabular CSV package; re-running updates by id."
)


def add_arguments(parser: CommandParser) -> None:
    """Adds the path argument."""
    parser.add_argument("path", help="an HSDS JSON file, a folder of them, or a folder of HSDS CSV tables")


def handle(command: BaseCommand, **options: Any) -> None:
    """Imports the data and prints what was created, updated and rejected (with each reason)."""
    from upstream.directory.services import import_hsds

    path = Path(options["path"])
    if not path.exists():
        raise CommandError(f"{path} does not exist: give an HSDS JSON file or a folder of HSDS files.")
    summary = import_hsds(actor=None, path=path, actor_label="command line")
    for where, reason in summary.rejected:
        command.stderr.write(f"Rejected {where}: {reason}")
    for warning in summary.warnings:
        command.stdout.write(f"Note: {warning}")
    for skipped in summary.skipped:
        command.stdout.write(f"Skipped {skipped}")
    command.stdout.write(
        f"Imported {summary.created} new and updated {summary.updated} records; rejected {len(summary.rejected)}."
    )
    if summary.rejected:
        raise CommandError(
            f"{len(summary.rejected)} records were rejected (listed above); the rest were stored. "
            "Correct them and import again: re-importing updates by id."
        )
