"""A run left "running" by a worker that died is marked failed (by heartbeat and timeout, when pages load and
by a command), says so, and can be run again with the same inputs; the heartbeat keeps a live run alive."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from upstream.core.models import AuditEvent
from upstream.places import services
from upstream.places.models import AnalysisRun, Area, AreaLevel, RunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def force(db):
    return Area.objects.create(code="force:west-yorkshire", name="West Yorkshire", level=AreaLevel.FORCE)


def make_run(force, status=RunStatus.RUNNING, heard=None, started=None, **inputs):
    """Returns a run in the given state, last heard from `heard` seconds ago (None: never)."""
    now = timezone.now()
    run = AnalysisRun.objects.create(
        force=force, level="lsoa", first_month="2017-07", last_month="2017-07", status=status,
        need_weights={"harm": 0.5, "demand": 0.3, "vulnerability": 0.2}, step=3, steps=7,
        message="Hotspots: Gi* and local Moran's I", **inputs,
    )  # fmt: skip
    AnalysisRun.objects.filter(pk=run.pk).update(
        heartbeat_at=None if heard is None else now - dt.timedelta(seconds=heard),
        started_at=None if started is None else now - dt.timedelta(seconds=started),
    )
    run.refresh_from_db()
    return run


def test_only_runs_unheard_for_longer_than_the_timeout_are_marked_failed(force):
    dead = make_run(force, heard=301, started=900)
    alive = make_run(force, heard=20, started=900)
    never_beat = make_run(force, heard=None, started=400)  # died before its first heartbeat
    just_started = make_run(force, heard=None, started=10)
    queued = make_run(force, status=RunStatus.QUEUED)
    finished = make_run(force, status=RunStatus.SUCCEEDED, heard=5000, started=6000)
    assert sorted(services.fail_stale_runs()) == sorted([dead.pk, never_beat.pk])
    for run in (dead, alive, never_beat, just_started, queued, finished):
        run.refresh_from_db()
    assert (dead.status, never_beat.status) == (RunStatus.FAILED, RunStatus.FAILED)
    assert (alive.status, just_started.status) == (RunStatus.RUNNING, RunStatus.RUNNING)
    assert (queued.status, finished.status) == (RunStatus.QUEUED, RunStatus.SUCCEEDED)
    assert "stopped answering" in dead.error
    assert "Run the analysis again" in dead.error
    assert dead.finished_at is not None
    assert services.fail_stale_runs() == []  # nothing left to mark


def test_the_timeout_is_a_setting(force, settings):
    run = make_run(force, heard=90, started=200)
    assert services.fail_stale_runs() == []
    settings.PLACES_RUN_STALE_SECONDS = 60
    assert services.fail_stale_runs() == [run.pk]


def test_the_run_page_marks_a_dead_run_failed_and_offers_to_run_it_again(force, staff, signed_in):
    run = make_run(force, heard=600, started=700)
    client = signed_in(staff("analyst"))
    page = client.get(f"/places/analysis/{run.pk}/").content.decode()
    assert "Failed" in page
    assert "stopped answering" in page
    assert 'id="run-again"' in page
    assert f'action="/places/analysis/{run.pk}/again/"' in page
    assert f"/places/analysis/new/?from={run.pk}" in page
    fragment = client.get(f"/places/analysis/{run.pk}/?part=progress", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment  # no more polling


def test_the_progress_fragment_stops_polling_once_the_worker_is_gone(force, staff, signed_in):
    run = make_run(force, heard=600, started=700)
    client = signed_in(staff("officer"))
    fragment = client.get(f"/places/analysis/{run.pk}/?part=progress", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment
    assert "stopped answering" in fragment
    assert 'id="run-again"' not in fragment  # officers read results; they do not start runs


def test_the_list_page_marks_dead_runs_failed(force, staff, signed_in):
    run = make_run(force, heard=600, started=700)
    signed_in(staff("officer")).get("/places/analysis/")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_the_command_marks_dead_runs_failed_and_says_which(force):
    run = make_run(force, heard=600, started=700)
    out = StringIO()
    call_command("places", "fail-stale-runs", stdout=out)
    assert f"Marked 1 analysis run as failed ({run.pk})" in out.getvalue()
    out = StringIO()
    call_command("places", "fail-stale-runs", stdout=out)
    assert "No analysis has gone unheard" in out.getvalue()


def test_a_run_no_worker_has_taken_up_says_the_worker_may_be_down(force, staff, signed_in):
    run = make_run(force, status=RunStatus.QUEUED)
    client = signed_in(staff("officer"))
    assert 'id="no-worker"' not in client.get(f"/places/analysis/{run.pk}/").content.decode()
    AnalysisRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(minutes=6))
    page = client.get(f"/places/analysis/{run.pk}/").content.decode()
    assert 'id="no-worker"' in page
    assert "The background worker may not be running" in page
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED  # it runs as soon as a worker starts


def test_run_again_queues_a_new_run_with_the_same_inputs_and_audits_it(force, staff, signed_in):
    dead = make_run(
        force, heard=600, started=700, harm_weights={"Burglary": 244.68}, officers=60, floor=1,
        permutations=99, seed=7, h3_resolution=8,
    )  # fmt: skip
    services.fail_stale_runs()
    client = signed_in(staff("analyst"))
    response = client.post(f"/places/analysis/{dead.pk}/again/")
    again = AnalysisRun.objects.exclude(pk=dead.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/places/analysis/{again.pk}/"
    assert again.again_of == dead
    same = ("force", "level", "first_month", "last_month", "harm_weights", "need_weights", "officers", "floor",
            "permutations", "seed", "h3_resolution")  # fmt: skip
    assert {f: getattr(again, f) for f in same} == {f: getattr(dead, f) for f in same}
    assert again.status == RunStatus.QUEUED
    event = AuditEvent.objects.get(tag="places:analysis:start")
    assert event.object_id == str(again.pk)
    assert event.detail["again_of"] == dead.pk
    page = client.get(response["Location"]).content.decode()
    assert f"started with the same choices as run {dead.pk}" in page
    assert f'href="/places/analysis/{dead.pk}/"' in page  # "Repeats run N"


def test_run_again_is_refused_while_a_run_is_live_and_for_those_who_may_not_start_runs(force, staff, signed_in):
    live = make_run(force, heard=5, started=30)
    client = signed_in(staff("analyst"))
    response = client.post(f"/places/analysis/{live.pk}/again/", follow=True)
    assert "has not finished yet" in response.content.decode()
    assert AnalysisRun.objects.count() == 1
    assert client.get(f"/places/analysis/{live.pk}/again/").status_code == 405
    failed = make_run(force, status=RunStatus.FAILED)
    officer = signed_in(staff("officer"))
    assert officer.post(f"/places/analysis/{failed.pk}/again/").status_code == 403
    assert AnalysisRun.objects.count() == 2


def test_the_start_form_can_begin_from_an_earlier_run(force, staff, signed_in):
    earlier = make_run(force, status=RunStatus.FAILED, harm_weights={"Burglary": 244.68}, officers=60, floor=3,
                       h3_resolution=9)  # fmt: skip
    page = signed_in(staff("analyst")).get(f"/places/analysis/new/?from={earlier.pk}").content.decode()
    assert 'value="244.68"' in page
    assert 'value="60"' in page
    assert 'id="point_hotspots-4" name="point_hotspots" type="radio" value="9" checked' in page


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_touches_a_running_run_from_its_own_thread(force):
    from upstream.places.tasks import Heartbeat

    run = make_run(force, heard=250, started=300)
    before = run.heartbeat_at
    with Heartbeat(run.pk, interval=0.05) as heartbeat:
        deadline = timezone.now() + dt.timedelta(seconds=10)
        while heartbeat.beats < 2 and timezone.now() < deadline:
            timezone.now()  # the main thread stays busy, as a pipeline step would
    run.refresh_from_db()
    assert heartbeat.beats >= 2
    assert run.heartbeat_at > before
    assert services.fail_stale_runs() == []  # heard from just now
