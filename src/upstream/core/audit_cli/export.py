"""``upstream audit export``: writes audit events as JSON lines; the export is itself audited."""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from contextlib import ExitStack
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from django.utils import timezone

from upstream.core import audit
from upstream.core.audit_chain import event_as_json, iter_events

name = "export"
help = "Writes audit events from --since (and to --until, inclusive) as JSON lines, to stdout or --output."  # noqa: A001 - the subcommand convention of core/commands.py


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the options of audit export."""
    parser.add_argument("--since", required=True, help="First day to export, YYYY-MM-DD (local time).")
    parser.add_argument("--until", help="Last day to export, YYYY-MM-DD, inclusive (default: up to now).")
    parser.add_argument("--output", help="File to write (default: standard output). An existing file is replaced.")
    parser.add_argument(
        "--purpose",
        default="",
        help="Why the log is being exported (recorded in the audit log with the export).",
    )


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option} must be a date written YYYY-MM-DD, for example 2026-01-31; got {value!r}."
        ) from None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def handle(command: BaseCommand, **options: Any) -> None:
    """Writes the chosen events as JSON lines, after auditing the export itself."""
    since_day = _day(options["since"], "--since")
    until_day = _day(options["until"], "--until") if options["until"] else None
    if until_day is not None and until_day < since_day:
        raise CommandError("--until is before --since: give the earlier date as --since.")
    since = _start_of(since_day)
    until = _start_of(until_day + timedelta(days=1)) if until_day is not None else None
    destination = options["output"] or "stdout"
    if options["output"]:
        folder = Path(options["output"]).expanduser().resolve().parent
        if not folder.is_dir():
            raise CommandError(f"Cannot write {options['output']}: the folder {folder} does not exist.")

    # The export is a disclosure of the log itself, so it is recorded before a single line leaves.
    with transaction.atomic():
        audit.record(
            actor=None,
            actor_label=f"command line ({getpass.getuser()})",
            tag=audit.AuditTag.CORE_AUDIT_EXPORT,
            object_type="core.auditevent",
            purpose=options["purpose"],
            recipient=destination,
            detail={
                "since": since_day.isoformat(),
                "until": until_day.isoformat() if until_day else None,
            },
        )

    count = 0
    with ExitStack() as stack:
        out: TextIO | OutputWrapper = (
            stack.enter_context(Path(options["output"]).expanduser().open("w", encoding="utf-8"))
            if options["output"]
            else command.stdout
        )
        for event in iter_events(since=since, until=until):
            out.write(event_as_json(event) + "\n")
            count += 1
        out.flush()
    if options["output"]:
        command.stderr.write(f"Wrote {count} audit events to {options['output']}.")
