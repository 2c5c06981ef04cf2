"""Exporting HSDS 3.0: the files validate against the official schemas and against our stricter rules."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from upstream.directory import validation
from upstream.directory.generate import generate_directory
from upstream.directory.models import Organization, Service
from upstream.directory.services import export_hsds, import_hsds

pytestmark = pytest.mark.django_db


def _export(tmp_path):
    out = tmp_path / "export"
    call_command("directory", "export-hsds", str(out), stdout=StringIO())
    return {
        name: json.loads((out / f"{name}.json").read_text())
        for name in ("services", "organizations", "taxonomies", "taxonomy_terms", "profile", "base")
    }


def test_imported_official_example_exports_valid_hsds(tmp_path, examples_dir, schema_dir):
    import_hsds(actor=None, path=examples_dir)
    files = _export(tmp_path)
    assert files["services"], "the example service must be exported"
    for kind, docs in (
        ("service", files["services"]),
        ("organization", files["organizations"]),
        ("taxonomy", files["taxonomies"]),
        ("taxonomy_term", files["taxonomy_terms"]),
    ):
        for doc in docs:
            assert validation.errors(schema_dir, kind, doc) == []
            assert validation.errors(schema_dir, kind, doc, strict=True) == []
    service = next(s for s in files["services"] if s["id"] == "ac148810-d857-441c-9679-408f346de14b")
    assert service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "ABC 1234"
    assert files["base"]["profile"] == files["profile"]["uri"]


def test_generated_directory_exports_valid_hsds_with_profile_fields(tmp_path, schema_dir):
    generate_directory(12, seed=3)
    files = _export(tmp_path)
    assert len(files["services"]) == 12
    for doc in files["services"]:
        assert validation.errors(schema_dir, "service", doc, strict=True) == []
        assert doc["need_categories"]
        assert doc["last_verified_at"]
        assert doc["organization"]["id"] == doc["organization_id"]


def test_export_then_import_round_trips(tmp_path):
    generate_directory(5, seed=4)
    before = {s.id: (s.name, s.need_categories, s.minimum_age) for s in Service.objects.all()}
    files = _export(tmp_path)
    Service.objects.all().delete()
    Organization.objects.all().delete()
    summary = import_hsds(actor=None, path=tmp_path / "export" / "services.json")
    assert summary.rejected == []
    assert {s.id: (s.name, s.need_categories, s.minimum_age) for s in Service.objects.all()} == before
    assert len(files["services"]) == 5


def test_strict_rules_catch_what_the_official_schema_accepts(schema_dir):
    doc = {
        "id": str(uuid.uuid4()),
        "name": "x",
        "status": "active",
        "favourite_colour": "blue",
        "schedules": [{"id": str(uuid.uuid4()), "byday": "XX", "opens_at": "9am"}],
    }
    assert validation.errors(schema_dir, "service", doc) == []
    strict = "\n".join(validation.errors(schema_dir, "service", doc, strict=True))
    assert "favourite_colour" in strict
    assert "organization" in strict
    assert "byday" in strict
    assert "opens_at" in strict


def test_official_schema_rejects_a_bad_export(schema_dir):
    assert validation.errors(schema_dir, "service", {"id": "not-a-uuid", "name": "x", "status": "open"})


def test_export_needs_a_coordinator(tmp_path):
    from django.core.exceptions import PermissionDenied

    from upstream.accounts.models import User

    user = User.objects.create_user(username="officer", password="x" * 12, roles=["officer"])
    with pytest.raises(PermissionDenied):
        export_hsds(actor=user, outdir=tmp_path)
