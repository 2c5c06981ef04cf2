from upstream.core.commands import CommandGroup


class Command(CommandGroup):
    help = "Generates, imports and links police records extracts: upstream records generate|import|link."
    package = "upstream.records.cli"
