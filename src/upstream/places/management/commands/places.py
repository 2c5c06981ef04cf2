"""``upstream places SUBCOMMAND``: the places commands, one module each in upstream/places/cli/."""

from upstream.core.commands import CommandGroup


class Command(CommandGroup):
    help = "Places: load boundaries, and the commands other capabilities add (see upstream places --help)."
    package = "upstream.places.cli"
