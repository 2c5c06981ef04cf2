"""``upstream audit verify`` and ``upstream audit export``: reading the audit log (DPA 2018 s.62)."""

from upstream.core.commands import CommandGroup


class Command(CommandGroup):
    help = "Checks the audit log's hash chain, or exports it as JSON lines."
    package = "upstream.core.audit_cli"
