"""Subcommands of ``upstream records``: one module each."""
