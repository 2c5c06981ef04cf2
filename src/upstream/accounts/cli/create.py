"""``upstream users create``: adds a member of staff with roles at an organisation."""

from __future__ import annotations

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from upstream.accounts.models import Organisation, User
from upstream.accounts.services import create_user
from upstream.core.roles import Role

name = "create"
help = "Creates a user at an organisation with roles; asks for the password (or reads it from the environment)."  # noqa: A001 - the name core.commands reads


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the options of users create."""
    parser.add_argument("--username", required=True)
    parser.add_argument("--organisation", required=True, help="The organisation's name, exactly as in Upstream.")
    parser.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        metavar="ROLE",
        help=f"A role the user holds (repeat for several): {', '.join(Role.values)}.",
    )
    parser.add_argument("--email", default="")
    parser.add_argument("--first-name", default="")
    parser.add_argument("--last-name", default="")
    parser.add_argument(
        "--password-from-env",
        metavar="VAR",
        help="Read the password from this environment variable instead of asking for it.",
    )
    parser.add_argument(
        "--support-staff",
        action="store_true",
        help="Let the user open the support admin site (needs the administrator role).",
    )


def _password(options: dict[str, Any]) -> str:
    variable = options.get("password_from_env")
    if variable:
        password = os.environ.get(variable)
        if not password:
            raise CommandError(f"The environment variable {variable} is not set or is empty; set it to the password.")
        return password
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise CommandError("The two passwords do not match; run the command again.")
    return password


def handle(command: BaseCommand, **options: Any) -> None:
    """Creates the user and says so, or explains what to fix."""
    unknown = [role for role in options["roles"] if role not in Role.values]
    if unknown:
        raise CommandError(f"Unknown role {', '.join(unknown)}. Valid roles are: {', '.join(Role.values)}.")
    if options["support_staff"] and Role.ADMINISTRATOR not in options["roles"]:
        raise CommandError("--support-staff needs --role administrator as well.")
    username = options["username"].strip()
    if not username:
        raise CommandError("--username must not be empty.")
    if User.objects.filter(username=username).exists():
        raise CommandError(f"A user called {username!r} already exists; choose another username.")
    organisation = Organisation.objects.filter(name=options["organisation"]).first()
    if organisation is None:
        known = ", ".join(Organisation.objects.values_list("name", flat=True)[:20]) or "none yet"
        raise CommandError(f"There is no organisation called {options['organisation']!r}. Organisations are: {known}.")
    password = _password(options)
    try:
        user = create_user(
            actor=None,
            username=username,
            organisation=organisation,
            roles=options["roles"],
            password=password,
            email=options["email"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            is_staff=options["support_staff"],
            via="command line",
        )
    except ValidationError as exc:
        raise CommandError("The password is not strong enough: " + " ".join(exc.messages)) from exc
    command.stdout.write(
        f"Created {user.username} at {organisation.name} with roles {', '.join(user.role_labels())}. "
        "They set up their authenticator app the first time they sign in."
    )
