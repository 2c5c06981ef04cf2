"""Results beyond the list: the map's GeoJSON, the printable list, and sending it by email (rate-limited, honeypot)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from django.core import mail
from django.core.cache import caches

from upstream.core.ratelimit import SHARED_CACHE
from upstream.directory.generate import generate_directory
from upstream.directory.models import SearchLog, Service
from upstream.places.postcodes import Postcode

pytestmark = pytest.mark.django_db
CARDIFF = (51.4816, -3.1791)


@pytest.fixture
def services():
    caches[SHARED_CACHE].clear()
    Postcode.objects.create(postcode="CF10 1AA", latitude=CARDIFF[0], longitude=CARDIFF[1], source="demo")
    return generate_directory(40, seed=5, today=dt.date(2026, 1, 1))


SEARCH = {"q": "advice", "postcode": "cf101aa", "radius": 25}


def _geojson(page: str) -> dict:
    found = re.search(r'data-geojson="([^"]*)"', page)
    assert found, "the results page carries its map's GeoJSON"
    return json.loads(html.unescape(found[1]))


def test_results_carry_a_numbered_geojson_of_the_listed_services(client, services):
    response = client.get("/directory/", SEARCH)
    page = response.content.decode()
    assert response.status_code == 200
    collection = _geojson(page)
    points = [f for f in collection["features"] if "number" in f["properties"]]
    listed = re.findall(r'href="/directory/services/([0-9a-f-]+)/"', page)
    assert [f["properties"]["url"] for f in points] == [f"/directory/services/{sid}/" for sid in listed]
    assert [f["properties"]["number"] for f in points] == list(range(1, len(listed) + 1))
    searched = [f for f in collection["features"] if f["properties"].get("role") == "searched"]
    assert searched[0]["geometry"]["coordinates"] == [round(CARDIFF[1], 4), round(CARDIFF[0], 4)]
    # The map is hidden until the script draws it, and the page names no inline script.
    assert 'id="results-map-section" hidden' in page
    assert "<script>" not in page
    assert "/static/directory/results-map.js" in page


def test_the_print_list_shows_what_a_person_needs_to_get_there(client, services):
    response = client.get("/directory/list/", {**SEARCH, "page": 1})
    page = response.content.decode()
    assert response.status_code == 200
    name = re.search(r'<h2 class="govuk-heading-s[^"]*">([^<]+)</h2>', page)[1]
    phones = {p.number for s in Service.objects.filter(name=html.unescape(name)) for p in s.phones.all()}
    assert any(number in page for number in phones)
    assert "Monday" in page or "Saturday" in page
    assert "Send this list by email" in page
    assert SearchLog.objects.count() == 0  # printing is not a new search


def test_the_print_list_without_a_search_or_with_an_unknown_postcode_says_what_to_do(client, services):
    assert client.get("/directory/list/").status_code == 400
    response = client.get("/directory/list/", {"q": "food", "postcode": "ZZ99 9ZZ"})
    assert response.status_code == 400
    assert "We do not know that postcode" in response.content.decode()


def test_sending_the_list_emails_it_and_keeps_no_address(client, services):
    response = client.post("/directory/list/send/?" + "q=advice&postcode=cf101aa&radius=25", {"email": "a@example.com"})
    assert response.status_code == 302
    assert response["Location"].startswith("/directory/list/sent/")
    assert "example.com" not in response["Location"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.com"]
    assert "1. " in message.body
    assert "http://testserver/directory/services/" in message.body
    assert not SearchLog.objects.filter(filters__icontains="example.com").exists()
    assert client.get(response["Location"]).status_code == 200


def test_a_bad_address_is_a_clear_message_and_the_honeypot_sends_nothing(client, services):
    bad = client.post("/directory/list/send/?q=advice", {"email": "not an address"})
    assert bad.status_code == 400
    assert "Enter an email address in the right format" in bad.content.decode()
    robot = client.post("/directory/list/send/?q=advice", {"email": "bot@example.com", "website": "spam"})
    assert robot.status_code == 302
    assert mail.outbox == []


def test_sending_is_rate_limited(client, services):
    for _ in range(5):
        assert client.post("/directory/list/send/?q=advice", {"email": "a@example.com"}).status_code == 302
    refused = client.post("/directory/list/send/?q=advice", {"email": "a@example.com"})
    assert refused.status_code == 429
    assert "Try again later" in refused.content.decode()
    assert len(mail.outbox) == 5


def test_opening_the_send_address_directly_goes_back_to_the_form_and_sends_nothing(client, services):
    response = client.get("/directory/list/send/?q=advice")
    assert response.status_code == 302
    assert response["Location"] == "/directory/list/?q=advice#email"
    assert mail.outbox == []
