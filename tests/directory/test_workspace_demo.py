"""The demo gives the co-ordinator something in every queue: stale records, duplicates, providers' changes,
public reports, phone problems, staff notes and guides, once."""

from __future__ import annotations

import pytest

from upstream.accounts.models import User
from upstream.demo.registry import DemoContext, discover_steps, run_demo
from upstream.directory.models import ChangeProposal, Guide, ProblemReport, ProviderLink, StaffNote
from upstream.directory.workspace import queries

pytestmark = pytest.mark.django_db

STEPS = {"upstream.places.demo", "upstream.demo.organisations", "upstream.directory.demo"}


def build(seed):
    return run_demo(DemoContext(seed=seed), steps=[s for s in discover_steps() if s.name in STEPS])


def test_the_demo_fills_the_coordinators_queues_once():
    build(3)
    coordinator = User.objects.get(username="demo-coordinator")
    caseworker = User.objects.get(username="demo-caseworker")
    counts = queries.counts(actor=coordinator)
    assert counts["due"] > 20
    assert counts["proposals"] == 3
    assert counts["reports"] == 5
    assert counts["checks"] >= 3  # the mistyped phone numbers
    assert len(queries.duplicates(actor=coordinator)) >= 5
    assert ProviderLink.objects.filter(organisation=caseworker.organisation).exists()
    assert all(p.organisation_id == caseworker.organisation_id for p in ChangeProposal.objects.all())
    assert len(list(queries.provider_services(actor=caseworker))) > 0
    assert Guide.objects.filter(status="published").count() == 4
    assert all(g.services.exists() for g in Guide.objects.all())
    assert StaffNote.objects.count() == 3
    build(3)
    assert ProblemReport.objects.count() == 5
    assert Guide.objects.count() == 4
