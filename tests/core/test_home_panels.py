"""Home-page figures say what they count, so a bare number never stands alone."""

import pytest
from django.test import Client

from upstream.accounts.models import Organisation, User
from upstream.core.home import home_panels_for
from upstream.core.roles import Role

pytestmark = pytest.mark.django_db


def _supervisor() -> User:
    force = Organisation.objects.create(name="Panel test force", kind="police_force")
    return User.objects.create_user(
        username="panel-supervisor", password="x" * 16, organisation=force, roles=[Role.SUPERVISOR], is_demo_user=True
    )


def test_every_panel_with_a_figure_says_what_it_counts():
    panels = [p for p in home_panels_for(_supervisor()) if p["count"] is not None]
    assert panels, "a supervisor should see at least one panel with a figure"
    assert all(p["count_label"] for p in panels), [p["title"] for p in panels if not p["count_label"]]


def test_the_home_page_shows_the_figure_with_its_label(settings):
    settings.DEMO_MODE = True  # demo users pass the second factor only in demo mode
    client = Client()
    client.force_login(_supervisor())
    body = client.get("/").content.decode()
    assert "waiting for approval" in body
    assert "unread" in body
