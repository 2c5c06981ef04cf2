"""Triggers and repeat demand: the `upstream triggers` commands (and, later, the trigger queue)."""
