"""Hotspots: Getis-Ord Gi* and local Moran's I on area counts, with queen contiguity from the boundaries.

Runs in-process (PySAL esda/libpysal) on the aggregated table: one row per area. Areas with no neighbour
(islands) cannot be tested and are reported as such rather than as "not significant".
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

PERMUTATIONS = 999
SEED = 20170701
SIGNIFICANCE = 0.05
MIN_AREAS = 3  # fewer areas cannot have a meaningful neighbourhood
QUADRANTS = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}


def as_geometry(boundary: Any) -> BaseGeometry:
    """Returns a shapely geometry from a shapely object or a GeoJSON geometry mapping."""
    if isinstance(boundary, BaseGeometry):
        return boundary
    return shape(boundary)


def queen_weights(geometries: dict[str, Any], *, tolerance: float = 1e-7) -> Any:
    """Returns queen-contiguity weights over the areas (ids are the area codes, sorted)."""
    from libpysal.weights import W
    from shapely.strtree import STRtree

    codes = sorted(geometries)
    shapes = [as_geometry(geometries[c]) for c in codes]
    # Queen contiguity is "shares at least one boundary point". Found with a spatial index rather than
    # libpysal's vertex matching, because generalised ONS boundaries meet along edges without always
    # sharing vertices; the tolerance (about 1 cm in degrees) absorbs rounding in the published files.
    tree = STRtree(shapes)
    left, right = tree.query(shapes, predicate="dwithin", distance=tolerance)
    neighbours: dict[str, list[str]] = {c: [] for c in codes}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i != j:
            neighbours[codes[i]].append(codes[j])
    with warnings.catch_warnings():
        # libpysal warns about islands and disconnected parts; we report islands ourselves.
        warnings.simplefilter("ignore", UserWarning)
        return W({c: sorted(v) for c, v in neighbours.items()}, id_order=codes, silence_warnings=True)


def _with_esda_quiet(func: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        # esda announces a future change of its default alternative hypothesis; our choice is recorded in
        # the manifest ("directed", esda's current behaviour), and islands are handled before the call.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return func(*args, **kwargs)


def _classify(gi_z: float, gi_p: float, quadrant: str, moran_p: float) -> str:
    if np.isnan(gi_z):
        # Gi* is undefined when an area's neighbourhood holds every area (nothing to compare it with).
        return "not testable"
    if gi_p < SIGNIFICANCE and gi_z > 0:
        return "hot spot"
    if gi_p < SIGNIFICANCE and gi_z < 0:
        return "cold spot"
    if moran_p < SIGNIFICANCE and quadrant == "high-low":
        return "high among low"
    if moran_p < SIGNIFICANCE and quadrant == "low-high":
        return "low among high"
    return "not significant"


def hotspots(
    counts: dict[str, float], weights: Any, *, permutations: int = PERMUTATIONS, seed: int = SEED
) -> pd.DataFrame:
    """Returns one row per area: gi_z, gi_p, moran_i, moran_quadrant, moran_p and a plain-words class."""
    import esda
    from libpysal.weights import w_subset

    codes = list(weights.id_order)
    islands = set(weights.islands)
    tested = [c for c in codes if c not in islands]
    out = pd.DataFrame({"area_code": codes})
    out["count"] = [float(counts.get(c, 0)) for c in codes]
    for column in ("gi_z", "gi_p", "moran_i", "moran_p"):
        out[column] = np.nan
    out["moran_quadrant"] = ""
    y_all = np.array([float(counts.get(c, 0)) for c in tested])
    if len(tested) >= MIN_AREAS and y_all.std() > 0:
        w = weights if not islands else w_subset(weights, tested)
        y = np.array([float(counts.get(c, 0)) for c in w.id_order])
        gi = _with_esda_quiet(
            esda.G_Local, y, w, transform="B", permutations=permutations, star=True, seed=seed, n_jobs=1
        )
        moran = _with_esda_quiet(esda.Moran_Local, y, w, transformation="r", permutations=permutations, seed=seed)
        stats = pd.DataFrame(
            {
                "area_code": list(w.id_order),
                "gi_z": gi.Zs,
                "gi_p": gi.p_sim,
                "moran_i": moran.Is,
                "moran_p": moran.p_sim,
                "moran_quadrant": [QUADRANTS[int(q)] for q in moran.q],
            }
        ).set_index("area_code")
        out = out.set_index("area_code")
        out.update(stats)
        out = out.reset_index()
    out["class"] = [
        "no neighbours" if code in islands else _classify(z, p, q, mp)
        for code, z, p, q, mp in zip(
            out["area_code"], out["gi_z"], out["gi_p"], out["moran_quadrant"], out["moran_p"], strict=True
        )
    ]
    return out[["area_code", "count", "gi_z", "gi_p", "moran_i", "moran_quadrant", "moran_p", "class"]]
