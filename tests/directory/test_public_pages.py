"""The public directory pages: search, results, a service's page and "report something wrong"."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.cache import cache

from upstream.directory.generate import generate_directory
from upstream.directory.models import ProblemReport, SearchLog, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    cache.clear()
    return generate_directory(40, seed=5, today=dt.date(2026, 1, 1))


def test_search_page_opens_without_signing_in(client):
    response = client.get("/directory/")
    assert response.status_code == 200
    assert "Find support near you" in response.content.decode()


def test_search_by_words_and_need_lists_services_and_logs_without_personal_data(client, services):
    postcode = Service.objects.first().service_at_locations.first().location.addresses.first().postal_code
    response = client.get(
        "/directory/", {"q": "advice", "need": ["housing", "debt"], "postcode": postcode, "radius": 25}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "services found" in page or "service found" in page
    log = SearchLog.objects.get()
    assert log.text == "advice"
    assert log.filters["needs"] == ["housing", "debt"]
    assert log.area_code == postcode.split(" ")[0]  # the outward code only
    assert postcode not in str(log.filters)


def test_unknown_postcode_is_a_clear_message(client, services):
    response = client.get("/directory/", {"q": "food", "postcode": "ZZ99 9ZZ"})
    assert response.status_code == 400
    assert "We do not know that postcode" in response.content.decode()


def test_bad_age_is_a_clear_message_not_a_crash(client):
    response = client.get("/directory/", {"age": "-4"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_ten_thousand_character_query_is_answered(client, services):
    assert client.get("/directory/", {"q": "x" * 10_000}).status_code == 200


def test_service_page_shows_what_a_person_needs(client, services):
    service = Service.objects.get(pk=services[0])
    page = client.get(f"/directory/services/{service.pk}/").content.decode()
    assert service.name in page
    assert service.phones.first().number in page
    assert "Opening hours" in page
    assert "Last checked on" in page
    assert "Report something wrong" in page


def test_unknown_service_is_404(client):
    assert client.get(f"/directory/services/{uuid.uuid4()}/").status_code == 404


def test_report_is_stored_and_audited(client, services):
    url = f"/directory/services/{services[0]}/report/"
    response = client.post(url, {"message": "The phone number has changed to 029 2000 0000", "website": ""})
    assert response.status_code == 302
    assert ProblemReport.objects.get().message.startswith("The phone number")


def test_report_honeypot_stores_nothing_but_looks_sent(client, services):
    url = f"/directory/services/{services[0]}/report/"
    response = client.post(url, {"message": "Buy cheap watches at our site", "website": "http://spam.example"})
    assert response.status_code == 302
    assert not ProblemReport.objects.exists()


def test_report_needs_a_message(client, services):
    response = client.post(f"/directory/services/{services[0]}/report/", {"message": ""})
    assert response.status_code == 400
    assert "Tell us what is wrong" in response.content.decode()


def test_reports_are_rate_limited(client, services):
    url = f"/directory/services/{services[0]}/report/"
    statuses = [client.post(url, {"message": f"Wrong opening hours number {i}"}).status_code for i in range(7)]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429, 429]
    assert ProblemReport.objects.count() == 5


def test_nul_characters_in_the_query_are_refused_politely(client, services):
    response = client.get("/directory/", {"q": "fo\x00od", "postcode": "CF1\x00"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
