"""Importing HSDS 3.0: the official examples import whole, re-import is idempotent, bad records are named."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from upstream.directory.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from upstream.directory.services import import_hsds

pytestmark = pytest.mark.django_db

EXAMPLE_SERVICE = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")


def _service(**extra):
    doc = {"id": str(uuid.uuid4()), "name": "Food bank", "status": "active"}
    doc.update(extra)
    return doc


def test_official_example_folder_imports_whole(examples_dir):
    summary = import_hsds(actor=None, path=examples_dir)
    assert summary.rejected == []
    service = Service.objects.get(pk=EXAMPLE_SERVICE)
    assert service.name == "Community Counselling"
    assert service.organization.name == "Example Organization Inc."
    assert service.minimum_age == 12
    sal = ServiceAtLocation.objects.get(service=service)
    assert sal.location.name == "MyCity Civic Center"
    assert Address.objects.filter(location=sal.location, postal_code="ABC 1234").exists()
    assert Phone.objects.filter(service=service).exists()
    schedule = Schedule.objects.filter(service=service).first()
    assert schedule.byday == "TH,FR"
    assert schedule.opens_at.hour == 10
    # The examples disagree on what this attribute links to (service_full vs tabular.json): the last one read wins.
    assert Attribute.objects.filter(pk="ae58cc39-8b70-4ab1-8aea-786882e5ac8e", taxonomy_term__isnull=False).exists()
    assert TaxonomyTerm.objects.exists()
    assert Taxonomy.objects.exists()
    # The example's location sits at latitude 100: kept, without the impossible point.
    assert Location.objects.get(pk=sal.location_id).latitude is None
    assert any("off the globe" in w for w in summary.warnings)


def test_csv_package_imports_the_same_dataset(examples_dir):
    summary = import_hsds(actor=None, path=examples_dir / "csv")
    assert summary.rejected == []
    assert Service.objects.get(pk=EXAMPLE_SERVICE).program.name == "Community Mental Health Support"
    assert Schedule.objects.filter(service_id=EXAMPLE_SERVICE, freq="WEEKLY").exists()


def test_reimport_is_idempotent(examples_dir):
    first = import_hsds(actor=None, path=examples_dir)
    counts = [m.objects.count() for m in (Service, Organization, Location, Phone, Schedule, Attribute)]
    second = import_hsds(actor=None, path=examples_dir)
    assert second.created == 0
    assert second.updated == first.created + first.updated
    assert [m.objects.count() for m in (Service, Organization, Location, Phone, Schedule, Attribute)] == counts


def test_a_bad_record_is_reported_and_the_rest_kept(tmp_path):
    good, bad_age, bad_schedule = (
        _service(name="Good"),
        _service(name="Impossible ages", minimum_age=40, maximum_age=12),
        _service(
            name="Bad hours",
            schedules=[{"id": str(uuid.uuid4()), "byday": "XX", "opens_at": "09:00", "closes_at": "17:00"}],
        ),
    )
    no_id = {"name": "No id"}
    (tmp_path / "services.json").write_text(json.dumps([good, bad_age, bad_schedule, no_id]))
    summary = import_hsds(actor=None, path=tmp_path / "services.json")
    assert summary.created == 1
    reasons = dict(summary.rejected)
    assert any(bad_age["id"] in where and "above maximum_age" in why for where, why in reasons.items())
    assert any(bad_schedule["id"] in where and "byday" in why for where, why in reasons.items())
    assert any("(no id)" in where for where in reasons)
    assert list(Service.objects.values_list("name", flat=True)) == ["Good"]
    # Nothing of a rejected service is stored half-way.
    assert not Schedule.objects.exists()


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"minimum_age": -3}, "not an age"),
        ({"maximum_age": 400}, "not an age"),
        ({"status": "open-ish"}, "not one of"),
        ({"minimum_age": "twelve"}, "not a number"),
        ({"schedules": [{"id": str(uuid.uuid4()), "opens_at": "25:00", "closes_at": "26:00"}]}, "not a time of day"),
        ({"schedules": [{"id": str(uuid.uuid4()), "opens_at": "09:00"}]}, "without a closing time"),
        (
            {"schedules": [{"id": str(uuid.uuid4()), "valid_from": "2025-02-01", "valid_to": "2025-01-01"}]},
            "after valid_to",
        ),
        ({"name": ""}, "has no name"),
        ({"phones": "0300 123 4567"}, "must be a list"),
    ],
)
def test_impossible_values_are_refused_with_a_reason(tmp_path, extra, reason):
    doc = _service(**extra)
    (tmp_path / "service.json").write_text(json.dumps(doc))
    summary = import_hsds(actor=None, path=tmp_path / "service.json")
    assert summary.created == 0
    assert reason in summary.rejected[0][1]


def test_malformed_json_is_a_clear_message_not_a_traceback(tmp_path):
    (tmp_path / "broken.json").write_text('{"id": "x", ')
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("directory", "import-hsds", str(tmp_path / "broken.json"), stdout=out, stderr=err)
    assert "not valid JSON" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_missing_path_says_what_to_give(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("directory", "import-hsds", str(tmp_path / "nowhere"))


def test_command_prints_a_summary(examples_dir):
    out = StringIO()
    call_command("directory", "import-hsds", str(examples_dir), stdout=out, stderr=StringIO())
    assert "rejected 0" in out.getvalue()


def test_imported_location_is_linked_to_its_neighbourhood_and_found_by_area(tmp_path):
    from upstream.directory.search import SearchQuery, search
    from upstream.places.geometry import digest
    from upstream.places.models import Area, AreaLevel

    square = {
        "type": "Polygon",
        "coordinates": [[[-3.2, 51.4], [-3.1, 51.4], [-3.1, 51.5], [-3.2, 51.5], [-3.2, 51.4]]],
    }
    ward = Area.objects.create(level=AreaLevel.WARD, code="W05000001", name="A ward")
    lsoa = Area.objects.create(
        level=AreaLevel.NEIGHBOURHOOD,
        code="W01000001",
        name="A neighbourhood",
        parent=ward,
        boundary=square,
        boundary_hash=digest(square),
        min_latitude=51.4,
        max_latitude=51.5,
        min_longitude=-3.2,
        max_longitude=-3.1,
    )
    location_id = str(uuid.uuid4())
    doc = _service(
        name="Ward food bank",
        service_at_locations=[
            {
                "id": str(uuid.uuid4()),
                "location": {"id": location_id, "location_type": "physical", "latitude": 51.45, "longitude": -3.15},
            }
        ],
    )
    (tmp_path / "s.json").write_text(json.dumps(doc))
    assert import_hsds(actor=None, path=tmp_path / "s.json").rejected == []
    assert Location.objects.get(pk=location_id).area == lsoa
    assert [h.service.name for h in search(SearchQuery(area_code="W05000001")).hits] == ["Ward food bank"]
    assert search(SearchQuery(area_code="W05000002")).hits == []
