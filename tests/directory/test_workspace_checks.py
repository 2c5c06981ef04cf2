"""Link and phone checks: the URL checker against a tiny HTTP server on 127.0.0.1 (no network), the UK phone
rule, and a whole background run with its progress and its list of tasks."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from upstream.accounts.models import User
from upstream.core.models import AuditEvent
from upstream.core.policy import PermissionDenied
from upstream.core.roles import Role
from upstream.directory.models import CheckKind, CheckResult, CheckRun, Phone, Service, ServiceStatus
from upstream.directory.workspace import queries, services
from upstream.directory.workspace.checks import check_phone, check_url, uk_phone_problem


class Handler(BaseHTTPRequestHandler):
    """/ok answers 200, /gone 404, /moved redirects to /ok, /loop to itself, /nohead refuses HEAD."""

    def _answer(self) -> None:
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        elif self.path == "/nohead" and self.command == "HEAD":
            self.send_response(405)
        elif self.path == "/nohead":
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = _answer  # noqa: N815 - http.server's naming
    do_HEAD = _answer  # noqa: N815

    def log_message(self, *args: object) -> None:
        """Keeps the test output quiet."""


@pytest.fixture
def site(settings):
    settings.DIRECTORY_CHECKS_ALLOW_PRIVATE = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_working_page_is_fine(site):
    outcome = check_url(f"{site}/ok")
    assert outcome.ok
    assert outcome.status_code == 200


def test_a_missing_page_is_a_problem_with_its_status(site):
    outcome = check_url(f"{site}/gone")
    assert not outcome.ok
    assert outcome.status_code == 404
    assert "404" in outcome.message


def test_redirects_are_followed_and_the_new_address_reported(site):
    outcome = check_url(f"{site}/moved")
    assert outcome.ok
    assert outcome.final_url == f"{site}/ok"
    assert "moved" in outcome.message


def test_a_redirect_loop_stops(site):
    outcome = check_url(f"{site}/loop")
    assert not outcome.ok
    assert "redirects" in outcome.message


def test_a_server_that_refuses_head_is_asked_with_get(site):
    assert check_url(f"{site}/nohead").ok


def test_a_closed_port_is_a_clear_problem(settings):
    settings.DIRECTORY_CHECKS_ALLOW_PRIVATE = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    outcome = check_url(f"http://127.0.0.1:{port}/", timeout=2)
    assert not outcome.ok
    assert "refused" in outcome.message


def test_private_addresses_are_not_probed_unless_allowed(site, settings):
    settings.DIRECTORY_CHECKS_ALLOW_PRIVATE = False
    outcome = check_url(f"{site}/ok")
    assert not outcome.ok
    assert "private network" in outcome.message


def test_not_a_web_address():
    assert not check_url("javascript:alert(1)").ok
    assert not check_url("www.example.org").ok


@pytest.mark.parametrize(
    "number",
    [
        "01632 960123",
        "020 7946 0123",
        "+44 20 7946 0123",
        "07700 900123",
        "0800 123 4567",
        "0808 800 5000",
        "0345 123 4567",
        "(01632) 960-123",
        "0800 1111",
        "016977 3456",
        "101",
        "116123",
        "0044 1632 960123",
        "+33 1 23 45 67 89",
    ],
)
def test_numbers_that_fit_the_uk_plan(number):
    assert uk_phone_problem(number) is None


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("01632 96012", "digits"),
        ("1632 960123", "starts with 0"),
        ("01632 960123 ask for Sam", "only digits"),
        ("020 7946 01", "digits"),
        ("0600 123456", "No UK numbers start 06"),
        ("07700 9001234", "digits"),
    ],
)
def test_numbers_that_do_not(number, says):
    assert says in (uk_phone_problem(number) or "")


def test_check_phone_uses_the_rule_without_phonenumbers():
    assert check_phone("01632 960123").ok
    assert not check_phone("").ok
    assert not check_phone("12").ok


@pytest.mark.django_db
def test_a_run_checks_every_open_service_and_lists_only_the_failures(site):
    coordinator = User.objects.create_user(username="keeper", roles=[Role.DIRECTORY_COORDINATOR])
    good = Service.objects.create(name="Good", url=f"{site}/ok")
    bad = Service.objects.create(name="Bad", url=f"{site}/gone")
    Service.objects.create(name="Closed", url=f"{site}/gone", status=ServiceStatus.DEFUNCT)
    Service.objects.create(name="No website")
    run = services.start_checks(actor=coordinator, kind=CheckKind.LINK)  # tests run tasks at once
    run.refresh_from_db()
    assert run.status == CheckRun.Status.FINISHED
    assert (run.total, run.done, run.problems) == (2, 2, 1)
    assert CheckResult.objects.get(service=good).ok
    tasks = list(queries.open_check_tasks(actor=coordinator))
    assert [t.service for t in tasks] == [bad]
    assert AuditEvent.objects.filter(tag="directory:check:run").exists()

    services.deal_with_result(actor=coordinator, result=tasks[0])
    assert not queries.open_check_tasks(actor=coordinator).exists()
    assert AuditEvent.objects.filter(tag="directory:check:resolve").exists()


@pytest.mark.django_db
def test_a_phone_run_finds_the_mistyped_number_and_only_the_latest_run_counts():
    coordinator = User.objects.create_user(username="keeper", roles=[Role.DIRECTORY_COORDINATOR])
    service = Service.objects.create(name="Helpline")
    phone = Phone.objects.create(service=service, number="01632 96012")
    Phone.objects.create(service=service, number="01632 960123")
    services.start_checks(actor=coordinator, kind=CheckKind.PHONE)
    assert [t.target for t in queries.open_check_tasks(actor=coordinator)] == ["01632 96012"]
    phone.number = "01632 960124"
    phone.save()
    services.start_checks(actor=coordinator, kind=CheckKind.PHONE)
    assert not queries.open_check_tasks(actor=coordinator).exists()


@pytest.mark.django_db
def test_only_the_coordinator_starts_checks():
    officer = User.objects.create_user(username="officer", roles=[Role.OFFICER])
    with pytest.raises(PermissionDenied):
        services.start_checks(actor=officer, kind=CheckKind.LINK)


@pytest.mark.django_db(transaction=True)
def test_on_the_database_backend_the_run_waits_for_a_worker(settings):
    """As in production (ADR 0007): starting a check only queues it; the worker runs it and writes the progress."""
    from django.core.management import call_command

    # django-tasks resets its backends when the setting changes (its setting_changed receiver); the settings
    # fixture puts the tests' immediate backend back afterwards.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    coordinator = User.objects.create_user(username="keeper", roles=[Role.DIRECTORY_COORDINATOR])
    service = Service.objects.create(name="Helpline")
    Phone.objects.create(service=service, number="020 7946 01")
    run = services.start_checks(actor=coordinator, kind=CheckKind.PHONE)
    assert run.status == CheckRun.Status.QUEUED  # nothing ran in the request
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run.refresh_from_db()
    assert run.status == CheckRun.Status.FINISHED
    assert (run.total, run.done, run.problems) == (1, 1, 1)


@pytest.mark.django_db
def test_the_command_line_runs_a_check_and_fails_when_something_needs_fixing():
    from io import StringIO

    from django.core.management import CommandError, call_command

    service = Service.objects.create(name="Helpline")
    Phone.objects.create(service=service, number="01632 96012")
    out = StringIO()
    with pytest.raises(CommandError, match="1 problems to fix"):
        call_command("directory", "check", "phones", stdout=out)
    assert "Helpline" in out.getvalue()
    assert "1 to fix" in out.getvalue()
    assert AuditEvent.objects.get(tag="directory:check:run").actor_label == "command line"
    Phone.objects.update(number="01632 960123")
    call_command("directory", "check", "phones", stdout=StringIO())  # nothing to fix: no error
