"""Upstream: prevention and early intervention for police forces and their partners."""
