"""Fixtures for translation: a co-ordinator or two, a service with words, and a tiny translation server."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.roles import Role
from upstream.directory.models import Organization, Service
from upstream.translation import registry


@pytest.fixture
def council(db):
    return Organisation.objects.create(name="Casterbridge Council", kind=OrganisationKind.COUNCIL)


@pytest.fixture
def coordinator(council):
    return User.objects.create_user(username="coordinator", organisation=council, roles=[Role.DIRECTORY_COORDINATOR])


@pytest.fixture
def second_coordinator(council):
    return User.objects.create_user(username="reviewer", organisation=council, roles=[Role.DIRECTORY_COORDINATOR])


@pytest.fixture
def officer(council):
    return User.objects.create_user(username="officer", organisation=council, roles=[Role.OFFICER])


@pytest.fixture
def service(db):
    organisation = Organization.objects.create(name="Harbour Light", description="A family charity.")
    return Service.objects.create(
        organization=organisation,
        name="Family Support Hub",
        description="Help for families under pressure.",
        application_process="Phone us or drop in.",
        need_categories=["parenting"],
    )


@pytest.fixture
def service_kind():
    return registry.get("directory.service")


class _Handler(BaseHTTPRequestHandler):
    """A LibreTranslate-compatible /translate: "[cy] text", or what the test set on the server."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append({"path": self.path, "payload": payload})
        behaviour = self.server.behaviour
        if behaviour == "slow":
            threading.Event().wait(2)
        if behaviour == "error":
            self._send(400, {"error": "Invalid target language"})
        elif behaviour == "not-json":
            self._send_raw(200, b"<html>gateway</html>")
        elif behaviour == "no-text":
            self._send(200, {"something": "else"})
        elif behaviour == "key" and payload.get("api_key") != "secret-key":
            self._send(403, {"error": "Invalid API key"})
        else:
            self._send(200, {"translatedText": f"[{payload['target']}] {payload['q']}"})

    def _send(self, status, body):
        self._send_raw(status, json.dumps(body).encode())

    def _send_raw(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up waiting (the timeout test)
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def translation_server():
    """Runs a tiny LibreTranslate-compatible server on 127.0.0.1 for one test; no network is used."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests = []
    server.behaviour = "ok"
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_provider_settings(settings, translation_server):
    settings.TRANSLATION_PROVIDER = "http"
    settings.TRANSLATION_HTTP_URL = translation_server.url
    settings.TRANSLATION_HTTP_TIMEOUT = 5
    return settings
