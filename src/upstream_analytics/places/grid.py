"""Hotspots on points: crimes counted in H3 hexagons over the force's area, then Gi* and local Moran's I.

police.uk snaps every crime to one of a limited set of anonymised map points, so the points are first counted
on the engine (a few thousand distinct points per force), and only those are turned into H3 cells here.
"""

from __future__ import annotations

import warnings
from typing import Any

import h3
import pandas as pd
from shapely.geometry import mapping
from shapely.ops import unary_union

from upstream_analytics.places.hotspots import as_geometry, hotspots

DEFAULT_RESOLUTION = 8  # hexagons of about 0.7 km²: street-block scale, coarser than police.uk's snap points


def force_cells(geometries: dict[str, Any], resolution: int) -> list[str]:
    """Returns the H3 cells whose centres lie in the union of the force's areas."""
    union = unary_union([as_geometry(g) for g in geometries.values()]).buffer(0)
    return sorted(h3.geo_to_cells(mapping(union), resolution))


def cell_weights(cells: list[str]) -> Any:
    """Returns contiguity weights between hexagons (the six around each), within the cells given."""
    from libpysal.weights import W

    inside = set(cells)
    neighbours = {c: sorted(n for n in h3.grid_disk(c, 1) if n != c and n in inside) for c in cells}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return W(neighbours, id_order=cells, silence_warnings=True)


def grid_hotspots(
    points: pd.DataFrame, geometries: dict[str, Any], *, resolution: int, permutations: int, seed: int
) -> pd.DataFrame:
    """Returns one row per H3 cell of the force (cells with none included): centre, count, Gi*, Moran, class."""
    cells = force_cells(geometries, resolution)
    counts: dict[str, float] = dict.fromkeys(cells, 0.0)
    outside = 0
    for lon, lat, crimes in zip(points["longitude"], points["latitude"], points["crimes"], strict=True):
        cell = h3.latlng_to_cell(float(lat), float(lon), resolution)
        if cell in counts:
            counts[cell] += float(crimes)
        else:
            outside += int(crimes)  # a point just over the edge of the areas' union (generalised boundaries)
    result = hotspots(counts, cell_weights(cells), permutations=permutations, seed=seed)
    result = result.rename(columns={"area_code": "h3_cell"})
    centres = [h3.cell_to_latlng(c) for c in result["h3_cell"]]
    result.insert(1, "latitude", [round(c[0], 6) for c in centres])
    result.insert(2, "longitude", [round(c[1], 6) for c in centres])
    result.attrs["points_outside_cells"] = outside
    return result
