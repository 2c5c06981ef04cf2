"""``upstream referrals create-api-key --organisation NAME [--name NAME]``: prints a new key once."""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from upstream.accounts.models import Organisation
from upstream.referrals.services import create_api_key

name = "create-api-key"
help = (  # noqa: A001 - the command-group protocol (core/commands.py) names it help
    "Makes an API key for an organisation's case system and prints it once: only its hash is kept, so a lost "
    "key cannot be shown again (make a new one)."
)


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the command's arguments."""
    parser.add_argument("--organisation", required=True, metavar="NAME", help="The organisation, by its exact name.")
    parser.add_argument("--name", default="Case system", help='What the key is for, e.g. "Harbour Light CMS".')


def handle(command: BaseCommand, **options: Any) -> None:
    """Prints a new API key for the organisation."""
    organisation = Organisation.objects.filter(name=options["organisation"]).first()
    if organisation is None:
        known = ", ".join(Organisation.objects.values_list("name", flat=True)[:20]) or "none yet"
        raise CommandError(
            f"No organisation is called {options['organisation']!r}. Use its exact name (organisations: {known})."
        )
    api_key, key = create_api_key(
        organisation=organisation, name=options["name"], created_by_label=f"command line ({getpass.getuser()})"
    )
    command.stdout.write(f"API key for {organisation} ({api_key.name}), shown once; keep it secret:")
    command.stdout.write(key)
    command.stdout.write("Send it as: Authorization: Bearer <key>")
