"""`upstream directory reindex`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

name = "reindex"
help = "Rebuilds the search words and filters of every service (after a bulk change outside the importer)."  # noqa: A001 - the command-group protocol names it help


def add_arguments(parser: CommandParser) -> None:
    """Takes no arguments."""


def handle(command: BaseCommand, **_options: Any) -> None:
    """Rebuilds the index and says how many services it covered."""
    from upstream.directory.models import Service
    from upstream.directory.services import refresh_service_index

    count = 0
    for service in Service.objects.all().iterator(chunk_size=500):
        refresh_service_index(service=service)
        count += 1
    command.stdout.write(f"Reindexed {count} services.")
