"""``upstream users create`` and ``upstream users list``: accounts from the command line."""

from upstream.core.commands import CommandGroup


class Command(CommandGroup):
    help = "Creates a user at an organisation with one or more roles, or lists the users."
    package = "upstream.accounts.cli"
