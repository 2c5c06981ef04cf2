"""Other packages mark public views with ``public_page``; everything else needs both factors."""

from __future__ import annotations

import sys
import types

import pytest
from accounts_helpers import enrol, give_password
from django.http import HttpResponse
from django.urls import include, path

from upstream.accounts.middleware import public_page

pytestmark = pytest.mark.django_db


def _who(request):
    return HttpResponse(request.user.get_username() or "anonymous")


@public_page
def _public_who(request):
    return _who(request)


@pytest.fixture
def directory_urls(settings):
    module = types.ModuleType("h1_marker_urls")
    module.urlpatterns = [
        path("directory/", _public_who, name="public-directory"),
        path("directory/private/", _who, name="private-directory"),
        path("", include("upstream.urls")),
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    yield
    del sys.modules[module.__name__]


@pytest.mark.usefixtures("directory_urls")
def test_a_marked_public_page_opens_for_a_half_signed_in_user_as_a_visitor(client, officer):
    enrol(officer)
    give_password(client, "alice")
    response = client.get("/directory/")
    assert response.status_code == 200
    assert response.content == b"anonymous"


@pytest.mark.usefixtures("directory_urls")
def test_an_unmarked_page_sends_a_half_signed_in_user_to_the_second_factor(client, officer):
    enrol(officer)
    give_password(client, "alice")
    response = client.get("/directory/private/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


@pytest.mark.usefixtures("directory_urls")
def test_a_marked_public_page_opens_for_a_visitor(client):
    assert client.get("/directory/").status_code == 200


def test_the_api_treats_a_half_signed_in_user_as_anonymous(client, officer):
    enrol(officer)
    give_password(client, "alice")
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/api/health").status_code == 200
