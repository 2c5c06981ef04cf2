"""Subcommands of ``upstream audit``: one module each (see core/commands.py)."""
