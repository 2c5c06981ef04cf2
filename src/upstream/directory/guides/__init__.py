"""Guides: short how-to pages ("register with a GP") the co-ordinator writes, linked to services and needs."""
