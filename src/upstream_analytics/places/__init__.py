"""Places analytics: profiles, concentration, hotspots, change, typology of need and allocation.

Pure functions on Ibis tables and plain data (police.uk crimes, deprivation, boundaries); never Django.
"""
