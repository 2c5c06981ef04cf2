"""Guides: safe rendering of their plain text, who may read drafts and edit, and their links to services."""

from __future__ import annotations

import uuid

import pytest

from upstream.accounts.models import User
from upstream.core.models import AuditEvent
from upstream.core.policy import PermissionDenied
from upstream.core.roles import Role
from upstream.directory.guides import queries
from upstream.directory.guides.render import render
from upstream.directory.guides.services import GuideError, save_guide
from upstream.directory.models import Guide, Service


def test_the_plain_text_shapes_become_govuk_html():
    html = str(
        render("## Register\n1. Ring them\n2. Give your name\n\n- one\n- two\n\nSee [NHS](https://www.nhs.uk/).")
    )
    assert '<h2 class="govuk-heading-m">Register</h2>' in html
    assert '<ol class="govuk-list govuk-list--number"><li>Ring them</li><li>Give your name</li></ol>' in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>one</li><li>two</li></ul>' in html
    assert '<a class="govuk-link" href="https://www.nhs.uk/">NHS</a>' in html


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '[x](https://a.example/" onmouseover="alert(1))',
        "[x](//evil.example/)",
        "## <img src=x onerror=alert(1)>",
    ],
)
def test_nothing_typed_can_become_markup(body):
    html = str(render(body))
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert 'href="//' not in html
    assert "onmouseover=" not in html.replace("onmouseover=&#34;", "")


@pytest.fixture
def coordinator(db):
    return User.objects.create_user(username="keeper", first_name="Dana", roles=[Role.DIRECTORY_COORDINATOR])


@pytest.mark.django_db
def test_the_coordinator_saves_a_guide_that_keeps_its_id(coordinator):
    food = Service.objects.create(name="Food bank", need_categories=["food"])
    guide = save_guide(
        actor=coordinator,
        guide=None,
        title="Find a food bank",
        slug="find-a-food-bank",
        body="Ring.",
        need_categories=["food"],
        service_ids=[food.pk],
        status=Guide.Status.PUBLISHED,
    )
    again = save_guide(
        actor=coordinator,
        guide=guide,
        title="Find a food bank near you",
        slug="find-a-food-bank",
        body="Ring them.",
        need_categories=["food"],
        service_ids=[],
        status=Guide.Status.PUBLISHED,
    )
    assert again.pk == guide.pk
    assert AuditEvent.objects.filter(tag="directory:guide:save").count() == 2
    assert AuditEvent.objects.filter(tag="directory:guide:save").last().detail["fields"] == ["title", "body"]


@pytest.mark.django_db
def test_guides_refuse_a_taken_address_an_unknown_need_or_service_and_other_roles(coordinator):
    save_guide(actor=coordinator, guide=None, title="A", slug="a", body="x")
    with pytest.raises(GuideError):
        save_guide(actor=coordinator, guide=None, title="B", slug="a", body="x")
    with pytest.raises(GuideError):
        save_guide(actor=coordinator, guide=None, title="B", slug="b", body="x", need_categories=["magic"])
    with pytest.raises(GuideError):
        save_guide(actor=coordinator, guide=None, title="B", slug="b", body="x", service_ids=[uuid.UUID(int=7)])
    officer = User.objects.create_user(username="officer", roles=[Role.OFFICER])
    with pytest.raises(PermissionDenied):
        save_guide(actor=officer, guide=None, title="B", slug="b", body="x")


@pytest.mark.django_db
def test_the_public_sees_published_guides_and_their_services(client, coordinator):
    food = Service.objects.create(name="Pantry", need_categories=["food"], filter_tokens="|need:food|")
    linked = Service.objects.create(name="Linked hub")
    Guide.objects.create(slug="draft", title="Secret draft", body="x")
    published = save_guide(
        actor=coordinator,
        guide=None,
        title="Find a food bank",
        slug="food",
        body="## Steps\n- ring",
        need_categories=["food"],
        service_ids=[linked.pk],
        status=Guide.Status.PUBLISHED,
    )
    listing = client.get("/directory/guides/").content.decode()
    assert "Find a food bank" in listing
    assert "Secret draft" not in listing
    assert client.get("/directory/guides/draft/").status_code == 404
    page = client.get("/directory/guides/food/").content.decode()
    assert "Linked hub" in page
    assert "Pantry" in page
    assert '<h2 class="govuk-heading-m">Steps</h2>' in page
    assert [s.name for s in queries.guide_services(published)] == ["Linked hub", "Pantry"]
    # A service page lists the guides for its needs.
    assert "Find a food bank" in client.get(f"/directory/services/{food.pk}/").content.decode()


@pytest.mark.django_db
def test_the_coordinator_writes_a_guide_through_the_page(client, signed_in, coordinator):
    signed_in(coordinator)
    response = client.post(
        "/directory/workspace/guides/new/",
        {
            "title": "Register with a GP",
            "slug": "register-with-a-gp",
            "summary": "Anyone can.",
            "body": "Ring the surgery.",
            "need_categories": ["mental-health"],
            "services": "",
            "status": "published",
        },
    )
    assert response.status_code == 302
    guide = Guide.objects.get()
    assert guide.title == "Register with a GP"
    bad = client.post(
        "/directory/workspace/guides/new/", {"title": "", "slug": "Not A Slug!", "body": "", "status": "draft"}
    )
    assert bad.status_code == 400
    assert "Enter a title" in bad.content.decode()


@pytest.mark.django_db
def test_others_cannot_open_the_guide_editor(client, signed_in):
    officer = User.objects.create_user(username="officer", roles=[Role.OFFICER])
    signed_in(officer)
    assert client.get("/directory/workspace/guides/new/").status_code == 403
