"""``upstream referrals SUBCOMMAND``: the referrals commands, one module each in upstream/referrals/cli/."""

from upstream.core.commands import CommandGroup


class Command(CommandGroup):
    help = "Referrals: API keys for partner case systems (see upstream referrals --help)."
    package = "upstream.referrals.cli"
