import json

import pytest
from django.core.management.base import CommandError
from places_data import CALDERDALE_LSOAS, CALDERDALE_WARDS, import_boundaries

from upstream.places.models import Area

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[-1.9, 53.7], [-1.8, 53.7], [-1.8, 53.8], [-1.9, 53.8], [-1.9, 53.7]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[-1.9, 53.7], [-1.8, 53.8], [-1.8, 53.7], [-1.9, 53.8], [-1.9, 53.7]]]}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def ward(code, name="A ward", geometry=SQUARE):
    return {"type": "Feature", "properties": {"WD13CD": code, "WD13NM": name}, "geometry": geometry}


def good_wards():
    return json.loads(CALDERDALE_WARDS.read_text())["features"][:5]


def refused(tmp_path, content, *args, level="ward"):
    path = tmp_path / "bad.geojson"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    before = Area.objects.count()
    with pytest.raises(CommandError) as caught:
        import_boundaries(path, "--level", level, "--force", "Bad Input Test", *args)
    # Nothing half-loaded: not even the force area the file named.
    assert Area.objects.count() == before
    assert not Area.objects.filter(code="force:bad-input-test").exists()
    return str(caught.value)


def test_a_file_that_is_not_json_is_refused_with_the_place_it_breaks(tmp_path):
    message = refused(tmp_path, '{"type": "FeatureCollection",\n "features": [oops]}')
    assert "is not JSON (line 2" in message


def test_a_feature_instead_of_a_feature_collection_is_refused(tmp_path):
    message = refused(tmp_path, ward("E05000001"))
    assert "not a GeoJSON FeatureCollection" in message
    assert "'Feature'" in message


def test_an_empty_collection_is_refused(tmp_path):
    assert "no features" in refused(tmp_path, collection())


def test_a_feature_without_geometry_is_named_and_nothing_loads(tmp_path):
    message = refused(tmp_path, collection(*good_wards(), ward("E05999999", geometry=None)))
    assert "Feature 6 (code E05999999): it has no geometry" in message


def test_a_point_is_not_a_boundary(tmp_path):
    point = {"type": "Point", "coordinates": [-1.85, 53.75]}
    message = refused(tmp_path, collection(ward("E05999999", geometry=point)))
    assert "Feature 1 (code E05999999): its geometry is a Point, not a Polygon or MultiPolygon" in message


def test_an_invalid_polygon_is_refused_unless_repair_is_asked_for(tmp_path):
    message = refused(tmp_path, collection(*good_wards(), ward("E05999999", geometry=BOWTIE)))
    assert "Feature 6 (code E05999999): its geometry is invalid (Self-intersection" in message
    assert "--repair" in message
    path = tmp_path / "bowtie.geojson"
    path.write_text(json.dumps(collection(ward("E05999999", geometry=BOWTIE))))
    out = import_boundaries(path, "--level", "ward", "--force", "Bad Input Test", "--repair")
    assert "Repaired with --repair: E05999999" in out
    from shapely.geometry import shape

    repaired = shape(Area.objects.get(code="E05999999").boundary)
    assert repaired.is_valid
    assert repaired.geom_type == "MultiPolygon"


def test_unreadable_coordinates_are_refused(tmp_path):
    broken = {"type": "Polygon", "coordinates": [[[-1.9, 53.7], [-1.8]]]}
    assert "Feature 1 (code E05999999): its geometry cannot be read" in refused(
        tmp_path, collection(ward("E05999999", geometry=broken))
    )


def test_projected_coordinates_are_refused_with_how_to_convert(tmp_path):
    ring = [[400000, 420000], [401000, 420000], [401000, 421000], [400000, 420000]]
    grid = {"type": "Polygon", "coordinates": [ring]}
    message = refused(tmp_path, collection(ward("E05999999", geometry=grid)))
    assert "not longitude/latitude" in message
    assert "EPSG:4326" in message
    bng = collection(*good_wards())
    bng["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    assert "EPSG::27700, not longitude/latitude" in refused(tmp_path, bng)


def test_missing_codes_and_names_are_each_named(tmp_path):
    no_code = ward("", name="Nameless code")
    no_name = ward("E05999998", name="")
    message = refused(tmp_path, collection(*good_wards(), no_code, no_name))
    assert "Feature 6: it has no code (property WD13CD is missing or empty)" in message
    assert "Feature 7 (code E05999998): it has no name (property WD13NM is missing or empty)" in message


def test_duplicate_codes_are_refused_naming_both_features(tmp_path):
    features = good_wards()
    duplicate = json.loads(json.dumps(features[1]))
    code = duplicate["properties"]["WD13CD"]
    message = refused(tmp_path, collection(*features, duplicate))
    assert f"Feature 6 (code {code}): the code is used again; feature 2 has it too" in message


def test_a_file_without_any_code_property_says_which_option_to_use(tmp_path):
    feature = {"type": "Feature", "properties": {"ref": "X"}, "geometry": SQUARE}
    message = refused(tmp_path, collection(feature))
    assert "No code property found" in message
    assert "--code-field" in message


def test_a_file_of_another_level_says_which_level_it_looks_like(tmp_path):
    message = refused(tmp_path, CALDERDALE_LSOAS.read_text(), level="ward")
    assert "looks like neighbourhood boundaries (it has LSOA11CD)" in message
    assert "--level lsoa" in message


def test_many_problems_are_all_counted_and_the_first_ones_shown(tmp_path):
    bad = [ward(f"E05{n:06d}", geometry=None) for n in range(30)]
    message = refused(tmp_path, collection(*bad))
    assert "30 problem(s) in 30 features" in message
    assert "and 10 more problems" in message


def test_a_code_that_exists_at_another_level_is_refused_and_the_new_force_rolled_back(tmp_path):
    good = tmp_path / "wards.geojson"
    good.write_text(json.dumps(collection(*good_wards())))
    import_boundaries(good, "--level", "ward", "--force", "West Yorkshire")
    clash = good_wards()[0]
    clash["properties"] = {"LSOA11CD": clash["properties"]["WD13CD"], "LSOA11NM": "Clash 001A"}
    message = refused(tmp_path, collection(clash), level="lsoa")
    assert "exists already as a ward, not a neighbourhood" in message


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        import_boundaries(tmp_path / "nope.geojson", "--level", "ward", "--force", "X")
