import json

import pytest
from places_data import CALDERDALE, CALDERDALE_LSOAS, CALDERDALE_WARDS, import_boundaries
from shapely.geometry import shape

from upstream.places.models import Area, AreaLevel

pytestmark = pytest.mark.django_db


def features(path):
    return json.loads(path.read_text())["features"]


def test_calderdale_wards_then_lsoas_load_under_the_force_with_the_counts_ons_publishes(calderdale):
    force = Area.objects.get(code="force:west-yorkshire")
    assert force.level == AreaLevel.FORCE
    assert force.name == "West Yorkshire"
    la = Area.objects.get(code=CALDERDALE)
    assert la.level == AreaLevel.LOCAL_AUTHORITY
    assert la.parent == force
    # The local authority was named from the LSOA names ("Calderdale 001A").
    assert la.name == "Calderdale"
    assert Area.objects.filter(level=AreaLevel.WARD, parent=la).count() == 17
    assert Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD).count() == 128
    assert Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD, parent__parent=la).count() == 128


def test_each_lsoa_sits_in_the_ward_that_holds_its_representative_point(calderdale):
    wards = {a.code: shape(a.boundary) for a in Area.objects.filter(level=AreaLevel.WARD)}
    for feature in features(CALDERDALE_LSOAS):
        area = Area.objects.select_related("parent").get(code=feature["properties"]["LSOA11CD"])
        point = shape(feature["geometry"]).representative_point()
        assert area.parent.level == AreaLevel.WARD
        assert wards[area.parent.code].covers(point), area.code


def test_names_welsh_names_centroids_and_bounding_boxes_are_stored(calderdale):
    feature = features(CALDERDALE_WARDS)[0]
    ward = Area.objects.get(code=feature["properties"]["WD13CD"])
    geometry = shape(feature["geometry"])
    assert ward.name == feature["properties"]["WD13NM"]
    assert ward.name_cy == ""  # WD13NMW is null for English wards
    assert (ward.min_longitude, ward.min_latitude, ward.max_longitude, ward.max_latitude) == pytest.approx(
        geometry.bounds
    )
    assert geometry.covers(shape({"type": "Point", "coordinates": [ward.centroid_longitude, ward.centroid_latitude]}))
    assert shape(ward.boundary).equals(geometry)


def test_derived_boundaries_are_the_union_of_the_children(calderdale):
    la = Area.objects.get(code=CALDERDALE)
    force = Area.objects.get(code="force:west-yorkshire")
    ward_area = sum(shape(f["geometry"]).area for f in features(CALDERDALE_WARDS))
    assert la.boundary_derived
    assert shape(la.boundary).area == pytest.approx(ward_area, rel=1e-3)
    assert shape(force.boundary).equals_exact(shape(la.boundary), 1e-9)  # one local authority so far


def test_reimporting_the_same_file_changes_nothing(calderdale):
    before = list(Area.objects.order_by("code").values())
    out = import_boundaries(CALDERDALE_LSOAS, "--level", "lsoa", "--force", "West Yorkshire")
    assert "Neighbourhood: 0 created, 0 updated, 128 unchanged" in out
    assert list(Area.objects.order_by("code").values()) == before


def test_a_changed_name_is_updated_by_code(calderdale, tmp_path):
    data = json.loads(CALDERDALE_WARDS.read_text())
    data["features"][3]["properties"]["WD13NM"] = "Renamed Ward"
    changed = tmp_path / f"{CALDERDALE}.geojson"
    changed.write_text(json.dumps(data))
    out = import_boundaries(changed, "--level", "ward", "--force", "West Yorkshire")
    assert "Ward: 0 created, 1 updated, 16 unchanged" in out
    assert Area.objects.get(code=data["features"][3]["properties"]["WD13CD"]).name == "Renamed Ward"
    assert Area.objects.filter(level=AreaLevel.WARD).count() == 17


def test_lsoas_loaded_before_their_wards_move_into_the_wards(db):
    import_boundaries(CALDERDALE_LSOAS, "--level", "lsoa", "--force", "West Yorkshire")
    la = Area.objects.get(code=CALDERDALE)
    assert Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD, parent=la).count() == 128
    import_boundaries(CALDERDALE_WARDS, "--level", "ward", "--force", "West Yorkshire")
    assert Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD, parent__level=AreaLevel.WARD).count() == 128


def test_without_a_local_authority_wards_fall_back_to_the_force_and_lsoas_to_their_wards(db, tmp_path):
    wards = tmp_path / "wards.geojson"
    wards.write_text(CALDERDALE_WARDS.read_text())
    import_boundaries(wards, "--level", "ward", "--force", "Calder Test")
    force = Area.objects.get(code="force:calder-test")
    assert Area.objects.filter(level=AreaLevel.WARD, parent=force).count() == 17
    lsoas = tmp_path / "lsoas.geojson"
    lsoas.write_text(CALDERDALE_LSOAS.read_text())
    import_boundaries(lsoas, "--level", "lsoa", "--force", "Calder Test")
    assert Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD, parent__parent=force).count() == 128


def test_parent_sets_the_parent_of_every_feature(calderdale):
    out = import_boundaries(CALDERDALE_LSOAS, "--level", "lsoa", "--force", "West Yorkshire", "--parent", CALDERDALE)
    assert "Neighbourhood: 0 created, 128 updated, 0 unchanged" in out
    assert Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD, parent__code=CALDERDALE).count() == 128


def test_a_local_authority_file_loads_under_the_force_and_names_it(db, tmp_path):
    la_file = tmp_path / "las.geojson"
    la_file.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"LAD21CD": CALDERDALE, "LAD21NM": "Calderdale"},
                        "geometry": json.loads(CALDERDALE_WARDS.read_text())["features"][0]["geometry"],
                    }
                ],
            }
        )
    )
    out = import_boundaries(la_file, "--level", "local_authority", "--force", "West Yorkshire")
    assert "Local authority: 1 created" in out
    la = Area.objects.get(code=CALDERDALE)
    assert la.parent.code == "force:west-yorkshire"
    assert not la.boundary_derived
    # Wards then go under the local authority whose boundary holds them, with no code from the file name.
    wards = tmp_path / "wards.geojson"
    wards.write_text(CALDERDALE_WARDS.read_text())
    import_boundaries(wards, "--level", "ward", "--force", "West Yorkshire")
    assert Area.objects.filter(level=AreaLevel.WARD, parent=la).count() >= 1


def test_generic_code_and_name_properties_and_named_fields_are_read(db, tmp_path):
    geometry = json.loads(CALDERDALE_WARDS.read_text())["features"][0]["geometry"]
    generic = tmp_path / "generic.geojson"
    generic.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"code": "X1", "name": "Ex"}, "geometry": geometry}],
            }
        )
    )
    import_boundaries(generic, "--level", "ward", "--force", "Test")
    assert Area.objects.get(code="X1").name == "Ex"
    custom = tmp_path / "custom.geojson"
    custom.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"ref": "X2", "label": "Why"}, "geometry": geometry}],
            }
        )
    )
    import_boundaries(custom, "--level", "ward", "--force", "Test", "--code-field", "ref", "--name-field", "label")
    assert Area.objects.get(code="X2").name == "Why"


def test_big_files_report_progress_as_they_load(db, monkeypatch):
    from upstream.places.cli import import_boundaries as command

    monkeypatch.setattr(command, "PROGRESS_FROM", 100)
    monkeypatch.setattr("upstream.places.services.BATCH", 50)
    out = import_boundaries(CALDERDALE_LSOAS, "--level", "lsoa", "--force", "West Yorkshire")
    assert "50 of 128 loaded" in out
    assert "128 of 128 loaded" in out


def test_an_area_saved_without_a_boundary_keeps_the_one_it_has(calderdale):
    from upstream.places.services import AreaRecord, save_areas

    ward = Area.objects.select_related("parent").filter(level=AreaLevel.WARD).first()
    boundary, digest = ward.boundary, ward.boundary_hash
    outcome = save_areas(
        [AreaRecord(code=ward.code, name="Renamed", level=AreaLevel.WARD, parent_code=ward.parent.code)]
    )
    assert outcome.updated[AreaLevel.WARD] == 1
    ward.refresh_from_db()
    assert ward.name == "Renamed"
    assert (ward.boundary, ward.boundary_hash) == (boundary, digest)


def test_welsh_names_are_kept_and_shown_in_welsh(db, tmp_path, staff, signed_in):
    from upstream.core.roles import Role

    geometry = json.loads(CALDERDALE_WARDS.read_text())["features"][0]["geometry"]
    welsh = tmp_path / "wards.geojson"
    properties = {"WD13CD": "W05000999", "WD13CDO": "00XX", "WD13NM": "Newtown East", "WD13NMW": "Y Drenewydd Dwyrain"}
    feature = {"type": "Feature", "properties": properties, "geometry": geometry}
    welsh.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    import_boundaries(welsh, "--level", "ward", "--force", "Dyfed-Powys")
    ward = Area.objects.get(code="W05000999")
    assert (ward.name, ward.name_cy) == ("Newtown East", "Y Drenewydd Dwyrain")
    assert ward.parent.code == "force:dyfed-powys"
    body = signed_in(staff(Role.OFFICER)).get("/places/W05000999/").content.decode()
    assert '<span lang="cy">Y Drenewydd Dwyrain</span>' in body
