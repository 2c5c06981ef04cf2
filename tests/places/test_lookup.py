import json

import pytest
from places_data import CALDERDALE, CALDERDALE_LSOAS
from shapely.affinity import translate
from shapely.geometry import shape

from upstream.places.geometry import prepared_cache
from upstream.places.lookup import area_path, find_neighbourhood, force_of
from upstream.places.models import Area, AreaLevel
from upstream.places.services import AreaRecord, save_areas

pytestmark = pytest.mark.django_db


def lsoa_features():
    return json.loads(CALDERDALE_LSOAS.read_text())["features"]


def test_a_point_inside_an_lsoa_finds_that_lsoa(calderdale):
    prepared_cache.clear()
    for feature in lsoa_features()[::7]:
        point = shape(feature["geometry"]).representative_point()
        found = find_neighbourhood(point.y, point.x)
        assert found is not None
        assert found.code == feature["properties"]["LSOA11CD"]
        assert found.level == AreaLevel.NEIGHBOURHOOD


def test_prepared_boundaries_are_kept_between_lookups(calderdale, django_assert_max_num_queries):
    prepared_cache.clear()
    point = shape(lsoa_features()[0]["geometry"]).representative_point()
    find_neighbourhood(point.y, point.x)
    cached = len(prepared_cache)
    assert cached >= 1
    # The second lookup reads only the bounding-box candidates, not their boundaries.
    with django_assert_max_num_queries(1):
        assert find_neighbourhood(point.y, point.x).code == lsoa_features()[0]["properties"]["LSOA11CD"]


def test_a_point_outside_every_loaded_neighbourhood_finds_none(calderdale):
    assert find_neighbourhood(51.5074, -0.1278) is None  # London
    la = Area.objects.get(code=CALDERDALE)
    # Inside the local authority's bounding box but beyond its boundary (its south-west corner).
    assert find_neighbourhood(la.min_latitude + 1e-4, la.min_longitude + 1e-4) is None


def test_the_path_runs_from_force_to_neighbourhood(calderdale):
    feature = lsoa_features()[0]
    point = shape(feature["geometry"]).representative_point()
    area = find_neighbourhood(point.y, point.x)
    path = area_path(area)
    assert [a.level for a in path] == ["force", "local_authority", "ward", "lsoa"]
    assert path[0].code == "force:west-yorkshire"
    assert path[1].code == CALDERDALE
    assert path[-1] == area
    assert force_of(area).code == "force:west-yorkshire"


def test_a_boundary_changed_elsewhere_is_not_answered_from_the_cache(calderdale):
    feature = lsoa_features()[0]
    code = feature["properties"]["LSOA11CD"]
    geometry = shape(feature["geometry"])
    point = geometry.representative_point()
    assert find_neighbourhood(point.y, point.x).code == code
    area = Area.objects.select_related("parent").get(code=code)
    moved = translate(geometry, xoff=5.0)  # far away, in the North Sea
    save_areas([AreaRecord(code=code, name=area.name, level=area.level, parent_code=area.parent.code, geometry=moved)])
    assert find_neighbourhood(point.y, point.x) is None
    new_point = moved.representative_point()
    assert find_neighbourhood(new_point.y, new_point.x).code == code


def test_an_index_places_many_points_as_the_single_lookup_does(calderdale):
    from upstream.places.lookup import NeighbourhoodIndex

    features = lsoa_features()
    points = [shape(f["geometry"]).representative_point() for f in features]
    force = Area.objects.get(code="force:west-yorkshire")
    index = NeighbourhoodIndex.load(force)
    assert len(index) == 128
    latitudes = [p.y for p in points] + [51.5074]
    longitudes = [p.x for p in points] + [-0.1278]
    codes = index.codes_for(latitudes, longitudes)
    assert codes[:-1] == [f["properties"]["LSOA11CD"] for f in features]
    assert codes[-1] is None
    for lat, lon, code in list(zip(latitudes, longitudes, codes, strict=True))[::16]:
        found = find_neighbourhood(lat, lon)
        assert (found.code if found else None) == code


def test_an_index_of_another_force_holds_none_of_these(calderdale):
    from upstream.places.lookup import NeighbourhoodIndex
    from upstream.places.services import ensure_force_area

    other, _ = ensure_force_area(name="Elsewhere")
    index = NeighbourhoodIndex.load(other)
    assert len(index) == 0
    assert index.codes_for([53.7], [-1.9]) == [None]
