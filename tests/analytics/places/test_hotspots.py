"""Hotspots: queen contiguity from boundaries, and Gi* / local Moran's I exactly as esda gives them."""

from __future__ import annotations

import warnings

import esda
import numpy as np
import pytest
from shapely.geometry import box, mapping

from upstream_analytics.places.hotspots import hotspots, queen_weights


def grid(n):
    return {f"C{i}{j}": box(i, j, i + 1, j + 1) for i in range(n) for j in range(n)}


def test_queen_contiguity_counts_corners_as_neighbours():
    weights = queen_weights(grid(3))
    assert weights.cardinalities["C11"] == 8  # the middle touches all
    assert weights.cardinalities["C00"] == 3  # a corner: two edges and a diagonal
    assert weights.cardinalities["C01"] == 5


def test_geojson_boundaries_give_the_same_weights_as_shapes():
    shapes = grid(3)
    as_geojson = {code: mapping(shape) for code, shape in shapes.items()}
    assert queen_weights(as_geojson).neighbors == queen_weights(shapes).neighbors


def test_an_island_is_reported_as_having_no_neighbours():
    shapes = grid(4) | {"FAR": box(10, 10, 11, 11)}
    counts = {code: float(i) for i, code in enumerate(sorted(shapes))}
    result = hotspots(counts, queen_weights(shapes), permutations=99).set_index("area_code")
    assert result.loc["FAR", "class"] == "no neighbours"
    assert np.isnan(result.loc["FAR", "gi_z"])
    assert not np.isnan(result.loc["C11", "gi_z"])


def test_gi_star_and_local_moran_match_esda_called_directly():
    shapes = grid(6)
    rng = np.random.default_rng(7)
    counts = {code: float(rng.poisson(5)) for code in shapes}
    counts |= {"C00": 40.0, "C01": 35.0, "C10": 38.0, "C11": 42.0}  # a cluster in one corner
    weights = queen_weights(shapes)
    ours = hotspots(counts, weights, permutations=999, seed=11).set_index("area_code")

    y = np.array([counts[c] for c in weights.id_order])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        gi = esda.G_Local(y, weights, transform="B", permutations=999, star=True, seed=11)
        moran = esda.Moran_Local(y, weights, transformation="r", permutations=999, seed=11)
    assert ours.loc[weights.id_order, "gi_z"].to_numpy() == pytest.approx(gi.Zs)
    assert ours.loc[weights.id_order, "gi_p"].to_numpy() == pytest.approx(gi.p_sim)
    assert ours.loc[weights.id_order, "moran_i"].to_numpy() == pytest.approx(moran.Is)
    assert ours.loc[weights.id_order, "moran_p"].to_numpy() == pytest.approx(moran.p_sim)
    assert ours.loc["C00", "class"] == "hot spot"
    assert ours.loc["C00", "moran_quadrant"] == "high-high"


def test_the_same_seed_gives_the_same_answer():
    shapes = grid(4)
    counts = {code: float(i % 5) for i, code in enumerate(sorted(shapes))}
    weights = queen_weights(shapes)
    first = hotspots(counts, weights, permutations=199, seed=3)
    second = hotspots(counts, weights, permutations=199, seed=3)
    assert first.equals(second)
