"""Problem-solving measures: a plan's before and after counts, and how its events concentrate (no Django)."""
