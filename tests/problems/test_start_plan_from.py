"""'Start a problem-solving plan from this': the links other pages get, and the pre-filled new plan."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from upstream.core import links
from upstream.places.models import Area, AreaLevel
from upstream.problems.models import DataSourceKind, ProblemPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbourhood(ward):
    return Area.objects.create(level=AreaLevel.NEIGHBOURHOOD, code="E01000001", name="Durnover North", parent=ward)


def test_every_kind_offers_the_link_to_plan_workers_only(officer, call_handler, caseworker, neighbourhood):
    row = {"area_code": neighbourhood.code, "title": "Repeat calls to 4 Mill Lane", "evidence": "Repeat list, 9 calls"}
    for kind in ("places:hotspot", "triggers:repeat-location", "triggers:repeat-list"):
        found = links.for_record(kind, officer, row)
        assert [f["text"] for f in found] == ["Start a problem-solving plan from this"]
        query = parse_qs(urlsplit(found[0]["href"]).query)
        assert query["from_area"] == ["E01000001"]
        assert query["evidence"] == ["Repeat list, 9 calls"]
        assert links.for_record(kind, call_handler, row) == []
        assert links.for_record(kind, caseworker, row) == []
    area_links = links.for_record("places:area", officer, neighbourhood)
    assert parse_qs(urlsplit(area_links[0]["href"]).query)["from_area"] == ["E01000001"]


def test_the_new_plan_form_is_prefilled_and_the_plan_keeps_area_and_evidence(  # noqa: PLR0917 - fixtures
    signed_in, officer, team, ward, supervisor, neighbourhood
):
    client = signed_in(officer)
    href = links.for_record(
        "triggers:repeat-location",
        officer,
        {
            "area_code": neighbourhood.code,
            "title": "Repeat calls to 4 Mill Lane",
            "description": "Nine calls about noise in three months",
            "evidence": "Repeat-location list 2026-10, rank 3: 9 calls",
        },
    )[0]["href"]
    page = client.get(href)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Started from" in body
    assert "Durnover North (E01000001)" in body
    assert "Repeat-location list 2026-10, rank 3: 9 calls" in body
    assert 'value="Repeat calls to 4 Mill Lane"' in body
    # The neighbourhood is not a plan area: the ward holding it is chosen.
    assert f'<option value="{ward.pk}" selected' in body

    response = client.post(
        "/problems/new/",
        {
            "title": "Repeat calls to 4 Mill Lane",
            "problem_type": "asb",
            "description": "Nine calls about noise in three months",
            "team": team.pk,
            "area": ward.pk,
            "supervisor": supervisor.pk,
            "source_area": neighbourhood.pk,
            "source_kind": DataSourceKind.REPEAT_LOCATIONS,
            "evidence": "Repeat-location list 2026-10, rank 3: 9 calls",
        },
    )
    assert response.status_code == 302
    plan = ProblemPlan.objects.get()
    assert plan.area == ward
    assert list(plan.areas.all()) == [neighbourhood]
    source = plan.data_sources.get()
    assert source.kind == DataSourceKind.REPEAT_LOCATIONS
    assert source.is_police
    assert source.description == "Repeat-location list 2026-10, rank 3: 9 calls"
    assert plan.events.filter(kind="data_source_added").exists()


def test_nonsense_in_the_query_is_ignored(signed_in, officer, team, ward):
    query = "from_area=nowhere&source_kind=bogus&problem_type=zzz&title=" + "x" * 500
    page = signed_in(officer).get("/problems/new/?" + query)
    assert page.status_code == 200
    assert "Started from" not in page.content.decode()


def test_the_area_page_offers_the_link(signed_in, officer, ward):
    page = signed_in(officer).get(f"/places/{ward.code}/")
    assert page.status_code == 200
    assert "Start a problem-solving plan from this" in page.content.decode()
