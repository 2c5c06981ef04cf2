"""`upstream directory export-hsds OUTDIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

name = "export-hsds"
help = "Writes the directory as HSDS 3.0 JSON (services, organizations, taxonomies, our profile) into a folder."  # noqa: A001 - the command-group protocol names it help


def add_arguments(parser: CommandParser) -> None:
    """Adds the output folder argument."""
    parser.add_argument("outdir", help="folder to write into (created if missing)")


def handle(command: BaseCommand, **options: Any) -> None:
    """Writes the export and says where."""
    from upstream.directory.services import export_hsds

    outdir = Path(options["outdir"])
    if outdir.exists() and not outdir.is_dir():
        raise CommandError(f"{outdir} is a file: give a folder to write the export into.")
    counts = export_hsds(actor=None, outdir=outdir, actor_label="command line")
    command.stdout.write(
        f"Wrote {counts['services']} services, {counts['organizations']} organizations and "
        f"{counts['taxonomy_terms']} taxonomy terms to {outdir}."
    )
