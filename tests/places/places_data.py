"""Real ONS boundaries for the places tests (read from /work/shared/data/geo, never copied)."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

from django.core.management import call_command

GEO = Path(os.environ.get("UPSTREAM_SHARED_DATA", "/work/shared/data")) / "geo"
CALDERDALE = "E08000033"
CALDERDALE_WARDS = GEO / "wards13_by_lad" / f"{CALDERDALE}.geojson"
CALDERDALE_LSOAS = GEO / "lsoa11_by_lad" / f"{CALDERDALE}.geojson"


def import_boundaries(path, *args):
    """Runs `upstream places import-boundaries` and returns what it printed."""
    out = StringIO()
    call_command("places", "import-boundaries", str(path), *args, stdout=out)
    return out.getvalue()
