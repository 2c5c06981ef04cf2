"""The `upstream triggers` subcommands, one module each."""
