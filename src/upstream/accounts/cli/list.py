"""``upstream users list``: who has an account, where, with which roles."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts.models import User

name = "list"
help = "Lists the users: username, organisation, roles, active, and two-factor set up."  # noqa: A001 - the name core.commands reads


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the options of users list."""
    parser.add_argument("--organisation", help="Only users of this organisation (its exact name).")


def handle(command: BaseCommand, **options: Any) -> None:
    """Prints one line per user."""
    users = User.objects.select_related("organisation").order_by("username")
    if options.get("organisation"):
        users = users.filter(organisation__name=options["organisation"])
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [("USERNAME", "ORGANISATION", "ROLES", "ACTIVE", "TWO-FACTOR")]
    rows.extend(
        (
            user.username,
            user.organisation.name if user.organisation else "-",
            ",".join(user.roles) or "-",
            "yes" if user.is_active else "no",
            "set up" if user.pk in enrolled else ("demo" if user.is_demo_user else "not set up"),
        )
        for user in users
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        command.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    command.stdout.write(f"{len(rows) - 1} user(s)")
