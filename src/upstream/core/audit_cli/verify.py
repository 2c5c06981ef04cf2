"""``upstream audit verify``: checks every link of the audit chain and names the first broken one."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from upstream.core.audit_chain import CHUNK_SIZE, verify_chain

name = "verify"
help = "Checks the whole audit chain (sequence, links, hashes); exits 1 and names the first broken link."  # noqa: A001 - the subcommand convention of core/commands.py


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the options of audit verify."""
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=CHUNK_SIZE,
        help="How many events to read at a time (memory use stays flat whatever the size of the log).",
    )


def _events(count: int) -> str:
    return "1 event" if count == 1 else f"{count} events"


def handle(command: BaseCommand, **options: Any) -> None:
    """Checks the chain and reports the count, or the first broken link with exit status 1."""
    if options["chunk_size"] < 1:
        raise CommandError("--chunk-size must be at least 1.")
    report = verify_chain(chunk_size=options["chunk_size"])
    if report.first_break is not None:
        verb = "is" if report.checked == 1 else "are"
        raise CommandError(
            f"The audit chain is broken at {report.first_break.describe()}. "
            f"{_events(report.checked)} before it {verb} intact. Keep the database as it is and tell your "
            "data protection officer: this is evidence that the log was altered outside Upstream."
        )
    command.stdout.write(f"The audit chain is intact: {_events(report.checked)} checked.")
