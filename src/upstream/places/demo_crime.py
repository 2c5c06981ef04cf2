"""Crime for the demo force, in police.uk's street-level format, and deprivation for its neighbourhoods.

Deterministic from the seed. Each neighbourhood gets a rate that falls with distance from the city centre,
a few "town centre" neighbourhoods get much more (violence, shoplifting, public order), and deprived
neighbourhoods more burglary and criminal damage, so the analysis has a real pattern to find: a hot spot in
the centre, concentration, and a typology with more than one kind of place. Crimes sit on a handful of
"snap points" per neighbourhood, as police.uk publishes them, and about 2% have no location (unlocated).

None of this is real crime: the codes start with Z, and the force is the fictional Avonmere.
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import Point

from upstream_analytics.places.policeuk import POLICEUK_COLUMNS

FALLS_WITHIN = "Avonmere Police"
# Police.uk's crime types with a typical share of recorded crime (England and Wales, roughly), ASB apart.
CRIME_MIX = (
    ("Violence and sexual offences", 0.36),
    ("Public order", 0.09),
    ("Criminal damage and arson", 0.09),
    ("Shoplifting", 0.08),
    ("Other theft", 0.08),
    ("Vehicle crime", 0.07),
    ("Burglary", 0.05),
    ("Drugs", 0.03),
    ("Other crime", 0.03),
    ("Theft from the person", 0.02),
    ("Bicycle theft", 0.02),
    ("Robbery", 0.015),
    ("Possession of weapons", 0.01),
)
TOWN_CENTRE_MIX = {
    "Violence and sexual offences": 1.6,
    "Shoplifting": 3.0,
    "Public order": 1.8,
    "Theft from the person": 3.0,
}
DEPRIVED_MIX = {"Burglary": 1.8, "Criminal damage and arson": 1.7, "Drugs": 1.5}
ASB_SHARE = 0.35  # ASB incidents per crime, roughly
OUTCOMES = ("Investigation complete; no suspect identified", "Unable to prosecute suspect", "Under investigation")
N_RANKED = 32844  # LSOAs ranked in the English IoD2019, so demo ranks read as England's would


def months_back(last: str, count: int) -> list[str]:
    """Returns `count` months ending with `last` (YYYY-MM), oldest first."""
    year, month = map(int, last.split("-"))
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return found[::-1]


def _snap_points(rng: random.Random, geometry: Any, count: int) -> list[tuple[float, float]]:
    minx, miny, maxx, maxy = geometry.bounds
    points: list[tuple[float, float]] = []
    tries = 0
    while len(points) < count and tries < count * 50:
        tries += 1
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geometry.contains(Point(x, y)):
            points.append((round(x, 6), round(y, 6)))
    if not points:
        point = geometry.representative_point()
        points.append((round(point.x, 6), round(point.y, 6)))
    return points


def neighbourhood_profiles(geography: Any, seed: int) -> dict[str, dict[str, Any]]:
    """Returns, per demo neighbourhood, its population, deprivation rank, crime rate and whether it is central."""
    rng = random.Random(f"upstream-demo-crime-profile:{seed}")  # noqa: S311 - fictional data
    hoods = geography.at("lsoa")
    centroids = {a.code: a.geometry.centroid for a in hoods}
    city = [a for a in geography.at("local_authority") if a.name.endswith("City")]
    centre = city[0].geometry.centroid if city else geography.outline.centroid
    distance = {c: math.dist((p.x, p.y), (centre.x, centre.y)) for c, p in centroids.items()}
    nearest = sorted(distance, key=lambda c: (distance[c], c))
    town_centres = set(nearest[:4])
    far = max(distance.values()) or 1.0
    profiles = {}
    for area in hoods:
        closeness = 1 - distance[area.code] / far
        # Deprivation: more in the inner city, with noise; rank 1 is the most deprived.
        deprived_score = min(0.999, max(0.001, 0.25 + 0.55 * closeness + rng.gauss(0, 0.18)))
        rank = max(1, min(N_RANKED, round((1 - deprived_score) * N_RANKED)))
        population = rng.randint(1250, 2100)
        rate = 1.5 + 5 * closeness**2 + 2.5 * deprived_score  # crimes per 1,000 residents per month
        if area.code in town_centres:
            rate *= 6
        profiles[area.code] = {
            "population": population,
            "children_0_15": round(population * rng.uniform(0.14, 0.26)),
            "imd_rank": rank,
            "deprived": deprived_score,
            "monthly_crimes": rate * population / 1000,
            "town_centre": area.code in town_centres,
        }
    return profiles


def crime_rows(geography: Any, profiles: dict[str, dict[str, Any]], months: list[str], seed: int) -> list[list[str]]:
    """Returns police.uk street-level rows for every demo neighbourhood and month."""
    rng = random.Random(f"upstream-demo-crime:{seed}")  # noqa: S311 - fictional data
    np_rng = np.random.default_rng(seed * 7919 + 17)
    names = {a.code: a.name for a in geography.at("lsoa")}
    snaps = {a.code: _snap_points(rng, a.geometry, 6) for a in geography.at("lsoa")}
    types = [t for t, _ in CRIME_MIX]
    rows: list[list[str]] = []
    serial = 0
    for index, month in enumerate(months):
        season = 1 + 0.12 * math.sin(2 * math.pi * (int(month[5:]) - 4) / 12)  # summer peak
        for code in sorted(profiles):
            profile = profiles[code]
            mix = np.array(
                [
                    share
                    * (TOWN_CENTRE_MIX.get(t, 1) if profile["town_centre"] else 1)
                    * (DEPRIVED_MIX.get(t, 1) if profile["deprived"] > 0.6 else 1)  # noqa: PLR2004
                    for t, share in CRIME_MIX
                ]
            )
            mix = mix / mix.sum()
            # One emerging neighbourhood: crime there doubles over the last three months.
            trend = 2.0 if code == sorted(profiles)[37] and index >= len(months) - 3 else 1.0
            crimes = int(np_rng.poisson(profile["monthly_crimes"] * season * trend))
            counts = np_rng.multinomial(crimes, mix) if crimes else np.zeros(len(types), dtype=int)
            asb = int(np_rng.poisson(profile["monthly_crimes"] * ASB_SHARE * season))
            for crime_type, count in [*zip(types, counts, strict=True), ("Anti-social behaviour", asb)]:
                for _ in range(int(count)):
                    serial += 1
                    located = rng.random() > 0.02  # noqa: PLR2004 - about 2% unlocated, as police.uk has
                    x, y = rng.choice(snaps[code])
                    rows.append(
                        [
                            "" if crime_type == "Anti-social behaviour" else f"{serial:064x}"[-64:],
                            month,
                            FALLS_WITHIN,
                            FALLS_WITHIN,
                            f"{x:.6f}" if located else "",
                            f"{y:.6f}" if located else "",
                            "On or near Demo Street" if located else "No location",
                            code if located else "",
                            names[code] if located else "",
                            crime_type,
                            "" if crime_type == "Anti-social behaviour" else rng.choice(OUTCOMES),
                            "",
                        ]
                    )
    return rows


def write_policeuk_files(rows: list[list[str]], folder: Path) -> list[Path]:
    """Writes the rows as one police.uk street-level file per month (as police.uk publishes them)."""
    folder.mkdir(parents=True, exist_ok=True)
    by_month: dict[str, list[list[str]]] = {}
    for row in rows:
        by_month.setdefault(row[1], []).append(row)
    paths = []
    for month, month_rows in sorted(by_month.items()):
        path = folder / f"{month}-avonmere-street.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(POLICEUK_COLUMNS)
            writer.writerows(month_rows)
        paths.append(path)
    return paths
