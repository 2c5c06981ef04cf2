"""Hand-made crimes for the places tests, in police.uk's shape, and a way to store them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upstream_analytics.places.policeuk import CRIME_SCHEMA
from upstream_analytics.places.store import CrimeStore

SHARED = Path("/work/shared/data")
WEST_YORKSHIRE_JULY_2017 = SHARED / "policeuk" / "2017-07-west-yorkshire-street.csv.gz"
WEST_YORKSHIRE_LADS = ("E08000032", "E08000033", "E08000034", "E08000035", "E08000036")


def crime(month, lsoa, crime_type="Burglary", force="West Yorkshire Police", crime_id="x"):
    """Returns one stored crime row."""
    from upstream_analytics.places.policeuk import force_key

    return {
        "crime_id": None if crime_type == "Anti-social behaviour" else crime_id,
        "month": month,
        "reported_by": force,
        "reported_by_key": force_key(force),
        "falls_within": force,
        "force_key": force_key(force),
        "longitude": None if lsoa is None else -1.5,
        "latitude": None if lsoa is None else 53.8,
        "location": "On or near a street",
        "lsoa_code": lsoa,
        "lsoa_name": None,
        "crime_type": crime_type,
        "outcome": None,
        "context": None,
        "source_file": "hand-made",
    }


def store_crimes(analytics_dir, rows):
    """Stores hand-made crimes, one partition per reporting force and month, and returns the store."""
    frame = pd.DataFrame(rows, columns=[f.name for f in CRIME_SCHEMA])
    store = CrimeStore(analytics_dir)
    store.replace({key: part.reset_index(drop=True) for key, part in frame.groupby(["reported_by_key", "month"])})
    return store
