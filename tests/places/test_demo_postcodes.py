"""The demo's postcodes: each neighbourhood gets its own, inside it, and search can start from them."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box, shape

from upstream.directory.queries import postcode_point
from upstream.places.models import Area
from upstream.places.postcodes import Postcode, demo_postcodes, is_valid
from upstream.places.services import AreaRecord, save_areas

pytestmark = pytest.mark.django_db


def _areas():
    save_areas(
        [
            AreaRecord(code="Z06000009", name="Test City", level="local_authority", parent_code=None),
            AreaRecord(code="Z05000009", name="Test Ward", level="ward", parent_code="Z06000009"),
            AreaRecord(
                code="Z01000091",
                name="West",
                level="lsoa",
                parent_code="Z05000009",
                geometry=box(-3.0, 51.0, -2.99, 51.01),
            ),
            AreaRecord(
                code="Z01000092",
                name="East",
                level="lsoa",
                parent_code="Z05000009",
                geometry=box(-2.99, 51.0, -2.98, 51.01),
            ),
        ]
    )
    return list(Area.objects.filter(level="lsoa").select_related("parent__parent"))


def test_each_neighbourhood_gets_postcodes_inside_it_and_again_changes_nothing():
    areas = _areas()
    made = demo_postcodes(areas, per_area=4)
    assert Postcode.objects.count() == 8
    for area in areas:
        polygon = shape(area.boundary)
        for postcode in made[area.code]:
            assert is_valid(postcode.postcode)
            assert polygon.contains(Point(postcode.longitude, postcode.latitude))
            stored = Postcode.objects.get(postcode=postcode.postcode)
            assert (stored.lsoa_code, stored.ward_code, stored.local_authority_code) == (
                area.code,
                "Z05000009",
                "Z06000009",
            )
    # Two neighbourhoods of one ward: one district, two sectors.
    assert {p.postcode.split(" ")[0] for p in Postcode.objects.all()} == {"ZZ1"}
    assert len({p.postcode.split(" ")[1][0] for p in Postcode.objects.all()}) == 2
    demo_postcodes(areas, per_area=4)
    assert Postcode.objects.count() == 8
    first = made[areas[0].code][0]
    assert postcode_point(first.postcode.lower().replace(" ", "")) == (first.latitude, first.longitude)
