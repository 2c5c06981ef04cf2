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
    from upstream.directory.services import refresh_services_index

    ids = list(Service.objects.values_list("id", flat=True))
    refresh_services_index(service_ids=ids)
    command.stdout.write(f"Reindexed {len(ids)} services.")
