"""The public HSDS API: the official OpenAPI document's shapes, its parameters, and no 5xx for any input."""

from __future__ import annotations

import json

import pytest
import requests
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import JsonSchemaError
from schemathesis.specs.openapi.checks import response_schema_conformance

from upstream.directory.generate import generate_directory
from upstream.directory.models import SearchLog, Service, Taxonomy, TaxonomyTerm
from upstream.directory.services import import_hsds
from upstream.directory.validation import local_openapi
from upstream.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLE = "ac148810-d857-441c-9679-408f346de14b"


@pytest.fixture
def directory(examples_dir):
    import_hsds(actor=None, path=examples_dir)
    generate_directory(30, seed=11)


def test_root_names_the_version_and_profile(client):
    body = client.get("/api/hsds/").json()
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://")


def test_services_page_has_the_official_shape(client, directory):
    body = client.get("/api/hsds/services", {"per_page": 10, "page": 2}).json()
    assert body["total_items"] == Service.objects.count()
    assert body["page_number"] == 2
    assert body["size"] == 10
    assert body["first_page"] is False
    assert len(body["contents"]) == 10


def test_search_is_typo_tolerant_and_logged_without_the_point(client, directory):
    body = client.get("/api/hsds/services", {"search": "counseling"}).json()
    assert EXAMPLE in [s["id"] for s in body["contents"]]
    log = SearchLog.objects.get()
    assert (log.text, log.channel, log.result_count) == ("counseling", "api", body["total_items"])


def test_filters_by_organization_and_modified_after(client, directory):
    org = Service.objects.get(pk=EXAMPLE).organization_id
    body = client.get("/api/hsds/services", {"organization_id": str(org)}).json()
    assert [s["id"] for s in body["contents"]] == [EXAMPLE]
    body = client.get("/api/hsds/services", {"modified_after": "2999-01-01T00:00:00Z"}).json()
    assert body["empty"] is True


def test_postcode_and_proximity_find_nearest_first(client, directory):
    service = Service.objects.exclude(pk=EXAMPLE).first()
    postcode = service.service_at_locations.first().location.addresses.first().postal_code
    body = client.get("/api/hsds/service_at_locations", {"postcode": postcode, "proximity": "2000"}).json()
    assert body["total_items"] >= 1
    assert body["contents"][0]["service_id"] == str(service.pk) or body["contents"][0]["location"]["latitude"]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/hsds/services?page=0", 400, "page"),
        ("/api/hsds/services?per_page=100000", 400, "per_page"),
        ("/api/hsds/services?page=abc", 422, "integer"),
        ("/api/hsds/services?modified_after=yesterday", 400, "modified_after"),
        ("/api/hsds/services?taxonomy_term_id=1%27%20OR%201=1", 400, "UUID"),
        ("/api/hsds/service_at_locations?postcode=ZZ99%209ZZ", 400, "postcode"),
        ("/api/hsds/service_at_locations?proximity=5", 400, "postcode"),
        ("/api/hsds/services?format=ndjson", 400, "format"),
        ("/api/hsds/services/not-a-uuid", 404, "id"),
    ],
)
def test_bad_parameters_get_a_clear_message(client, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    assert words in str(response.json()["detail"])


def test_a_query_of_ten_thousand_characters_is_answered(client, directory):
    response = client.get("/api/hsds/services", {"search": "food " * 2000})
    assert response.status_code == 200


def test_injection_in_search_is_just_words(client, directory):
    for attack in ['"; DROP TABLE directory_service; --', "NEAR(a b) OR *", "' OR 1=1 --", "<script>", "fo\x00od"]:
        for path in ("services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations"):
            assert client.get(f"/api/hsds/{path}", {"search": attack}).status_code == 200
    assert Service.objects.exists()
    assert SearchLog.objects.filter(channel="api").count() == 10  # services and service_at_locations log


def test_full_service_validates_against_the_official_schema(client, directory, schema_dir):
    from upstream.directory.validation import errors

    body = client.get(f"/api/hsds/services/{EXAMPLE}").json()
    assert errors(schema_dir, "service", body) == []


@pytest.fixture
def openapi(schema_dir):
    # Calling the WSGI app directly would close the test's database connection after each request (as
    # Django's own test client avoids): keep it open, as the test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield local_openapi(schema_dir)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_schemathesis_official_openapi_conformance(directory, openapi):
    """Runs every operation of the official HSDS OpenAPI with generated parameters against the app."""
    schema = schemathesis.openapi.from_dict(openapi)
    schema.app = application
    failures = []
    counter = [0]
    for result in schema.get_all_operations():
        _exercise(result.ok(), failures, counter)
    # Random ids all miss, so each record operation is also run on real records, nested in full.
    real = {
        "/services/{id}": EXAMPLE,
        "/organizations/{id}": str(Service.objects.get(pk=EXAMPLE).organization_id),
        "/service_at_locations/{id}": str(Service.objects.get(pk=EXAMPLE).service_at_locations.first().pk),
        "/taxonomies/{id}": str(Taxonomy.objects.first().pk),
        "/taxonomy_terms/{id}": str(TaxonomyTerm.objects.first().pk),
    }
    for path, record_id in real.items():
        case = schema.find_operation_by_path("GET", path).Case(path_parameters={"id": record_id})
        response = case.call(base_url="http://127.0.0.1/api/hsds")
        assert response.status_code == 200, path
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    for path in ("/services", "/service_at_locations", "/organizations"):
        case = schema.find_operation_by_path("GET", path).Case(query={"full": "true", "per_page": 50})
        response = case.call(base_url="http://127.0.0.1/api/hsds")
        assert response.json()["size"] > 0
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    assert counter[0] > 100
    assert failures == []


def test_schemathesis_check_catches_a_nonconforming_response(openapi):
    """Proves the conformance test can fail: a page whose counts are words is refused."""
    schema = schemathesis.openapi.from_dict(openapi)
    schema.app = application
    case = schema.find_operation_by_path("GET", "/services").Case(query={})
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps({"total_items": "many", "contents": [{"id": "x"}]}).encode()
    response.headers["Content-Type"] = "application/json"
    response.request = requests.Request("GET", "http://127.0.0.1/api/hsds/services").prepare()
    with pytest.raises(FailureGroup) as caught:
        case.validate_response(response, checks=[response_schema_conformance])
    assert any(isinstance(e, JsonSchemaError) for e in caught.value.exceptions)


def _exercise(operation, failures, counter):
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(base_url="http://127.0.0.1/api/hsds")
        counter[0] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
        except Exception as failure:  # noqa: BLE001 - collected so every operation is tried
            failures.append(f"{operation.label}: {case.path_parameters} {case.query}: {failure}"[:800])

    run()
