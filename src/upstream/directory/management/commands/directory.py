"""`upstream directory SUBCOMMAND`: import and export HSDS, rebuild the search index."""

from upstream.core.commands import CommandGroup


class Command(CommandGroup):
    help = "The Pathways directory: import-hsds, export-hsds, reindex."
    package = "upstream.directory.cli"
