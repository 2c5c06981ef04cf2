"""Bad input the gates do not catch: half a point, and an after period that starts before the baseline ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from upstream.problems import services

pytestmark = pytest.mark.django_db


def update(plan, actor, **changes):
    plan.refresh_from_db()
    return services.update_plan(actor=actor, plan=plan, expected_version=plan.version, **changes)


def test_a_point_needs_both_coordinates(plan, officer):
    with pytest.raises(ValidationError) as refused:
        update(plan, officer, latitude=50.71)
    assert refused.value.code == "longitude"
    update(plan, officer, latitude=50.71, longitude=-2.43)
    with pytest.raises(ValidationError) as refused:
        update(plan, officer, longitude=None)
    assert refused.value.code == "longitude"
    cleared = update(plan, officer, latitude=None, longitude=None)
    assert (cleared.latitude, cleared.longitude) == (None, None)


def test_the_after_period_cannot_overlap_the_baseline(plan, officer):
    update(plan, officer, baseline_start=dt.date(2025, 1, 1), baseline_end=dt.date(2025, 3, 31))
    with pytest.raises(ValidationError) as refused:
        update(plan, officer, after_start=dt.date(2025, 3, 31), after_end=dt.date(2025, 6, 30))
    assert refused.value.code == "after_start"
    assert "31 Mar 2025" in refused.value.messages[0]
    update(plan, officer, after_start=dt.date(2025, 4, 1), after_end=dt.date(2025, 6, 30))
    with pytest.raises(ValidationError) as refused:  # moving the baseline's end into the after period
        update(plan, officer, baseline_end=dt.date(2025, 4, 15))
    assert refused.value.code == "baseline_end"


def test_the_page_shows_the_refusal_at_the_field(plan, officer, signed_in):
    client = signed_in(officer)
    plan.refresh_from_db()
    response = client.post(
        f"/problems/{plan.pk}/stage/scanning/",
        {"title": plan.title, "problem_type": plan.problem_type, "latitude": "50.71", "version": plan.version},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#longitude"' in page
    assert "Enter both the latitude and the longitude" in page
    plan.refresh_from_db()
    assert plan.latitude is None
