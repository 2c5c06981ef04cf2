from upstream.core.commands import CommandGroup


class Command(CommandGroup):
    help = "Runs the ACE triggers and repeat-demand lists on the records store: upstream triggers run."
    package = "upstream.triggers.cli"
