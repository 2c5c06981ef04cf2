"""``upstream places fail-stale-runs``: marks analyses left running by a worker that died as failed."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

name = "fail-stale-runs"
help = (  # noqa: A001 - the command-group protocol (core/commands.py) names it help
    "Marks as failed the places analyses still 'running' whose worker has not been heard from for "
    "PLACES_RUN_STALE_SECONDS (300 s by default), so they can be run again. Pages do this too as they load; "
    "run it from cron or after restarting the workers."
)


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the command's arguments (none)."""


def handle(command: BaseCommand, **_options: Any) -> None:
    """Marks the stale runs and says which."""
    from upstream.places.services import fail_stale_runs
    from upstream.places.tasks import stale_seconds

    failed = fail_stale_runs()
    if not failed:
        command.stdout.write(f"No analysis has gone unheard for more than {stale_seconds():.0f} s.")
        return
    runs = ", ".join(str(pk) for pk in failed)
    command.stdout.write(
        f"Marked {len(failed)} analysis run{'s' if len(failed) != 1 else ''} as failed ({runs}): their worker "
        "stopped answering. They can be run again from their pages."
    )
