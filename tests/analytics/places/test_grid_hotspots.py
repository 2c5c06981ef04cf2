"""Hotspots on points: crimes counted in H3 hexagons over the force's area, cells with none included."""

from __future__ import annotations

import h3
import pandas as pd
from shapely.geometry import box

from upstream_analytics.places.grid import cell_weights, force_cells, grid_hotspots

AREA = {"A": box(-1.60, 53.78, -1.50, 53.82), "B": box(-1.50, 53.78, -1.40, 53.82)}


def test_every_crime_lands_in_a_cell_and_a_dense_corner_is_hot():
    centre = (53.80, -1.55)
    points = pd.DataFrame(
        {
            "longitude": [centre[1], -1.45, -1.42, -3.0],
            "latitude": [centre[0], 53.79, 53.81, 51.0],
            "crimes": [60, 1, 1, 5],
        }
    )
    cells = grid_hotspots(points, AREA, resolution=8, permutations=99, seed=1)
    assert set(cells["h3_cell"]) == set(force_cells(AREA, 8))
    assert cells["count"].sum() == 62  # the point far away is outside every cell
    assert cells.attrs["points_outside_cells"] == 5
    hot = h3.latlng_to_cell(*centre, 8)
    assert cells.set_index("h3_cell").loc[hot, "count"] == 60
    assert cells.set_index("h3_cell").loc[hot, "gi_z"] == cells["gi_z"].max()


def test_hexagons_have_up_to_six_neighbours_inside_the_area():
    cells = force_cells(AREA, 8)
    weights = cell_weights(cells)
    assert max(weights.cardinalities.values()) == 6
    assert min(weights.cardinalities.values()) < 6  # cells on the edge have fewer
