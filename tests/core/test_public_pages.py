import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/accessibility/", "/privacy/", "/accounts/sign-in/"])
def test_public_shell_pages_render_for_anonymous_visitors(client, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#main-content"' in body  # the skip link
    assert "govuk-phase-banner" in body


def test_unknown_page_shows_the_not_found_page_without_detail(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_health_endpoint_answers(client):
    assert client.get("/api/health").json() == {"status": "ok"}
