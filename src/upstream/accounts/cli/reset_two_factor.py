"""``upstream users reset-two-factor``: for a lost phone, including the last administrator's."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from upstream.accounts.models import User
from upstream.accounts.services import reset_second_factor

name = "reset-two-factor"
help = "Removes a user's authenticator app (lost phone); they set up a new one at their next sign-in."  # noqa: A001 - the name core.commands reads


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the options of users reset-two-factor."""
    parser.add_argument("--username", required=True)


def handle(command: BaseCommand, **options: Any) -> None:
    """Resets the user's second factor and says what happens next."""
    user = User.objects.filter(username=options["username"]).first()
    if user is None:
        raise CommandError(f"There is no user called {options['username']!r}; `upstream users list` shows them.")
    removed = reset_second_factor(actor=None, user=user, via="command line")
    command.stdout.write(
        f"Removed {removed} authenticator device(s) for {user.username}. "
        "They will be asked to set up an authenticator app the next time they sign in."
    )
