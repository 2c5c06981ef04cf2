"""Subcommands of ``upstream users``: one module each."""
