"""Resolving who is who: standardisation, Splink linkage, places and households."""
