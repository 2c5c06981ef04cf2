"""The audit log is append-only in the database, hash-chained, and `upstream audit verify` finds any forgery."""

import json
import threading
import tracemalloc
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core import audit, audit_triggers
from upstream.core.audit_chain import verify_chain
from upstream.core.models import AuditEvent
from upstream.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(db):
    force = Organisation.objects.create(name="Wessex Police", kind=OrganisationKind.POLICE_FORCE)
    return User.objects.create_user(username="officer", organisation=force, roles=[Role.OFFICER])


def write_events(actor, count, **fields):
    return [
        audit.record(
            actor=actor,
            tag=audit.AuditTag.PEOPLE_PERSON_VIEW,
            object_type="people.person",
            object_id=n,
            purpose="missing person enquiry",
            detail={"n": n, "note": "Llanfair café"},
            **fields,
        )
        for n in range(1, count + 1)
    ]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper(sql, params=()):
    """Changes the log behind the application's back, as an attacker with database access could."""
    audit_triggers.drop(connection)
    try:
        raw(sql, params)
    finally:
        audit_triggers.create(connection)


def verify():
    """Runs `upstream audit verify` and returns (exit status, what it said)."""
    try:
        out = []
        call_command("audit", "verify", stdout=_Collect(out))
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, "".join(out)


class _Collect:
    def __init__(self, into):
        self.into = into

    def write(self, text):
        self.into.append(text)

    def flush(self):
        pass


# -- append-only ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET purpose = 'nothing to see' WHERE sequence = 2",
        "UPDATE core_auditevent SET hash = previous_hash",
        "DELETE FROM core_auditevent WHERE sequence = 2",
        "DELETE FROM core_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_remove_audit_rows(actor, sql):
    write_events(actor, 3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(sql)
    assert AuditEvent.objects.count() == 3
    assert AuditEvent.objects.get(sequence=2).purpose == "missing person enquiry"
    assert verify_chain().intact


def test_the_database_refuses_orm_updates_and_deletes_too(actor):
    write_events(actor, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(sequence=1).update(purpose="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is a PostgreSQL statement")
def test_postgresql_refuses_to_truncate_the_log(actor):
    write_events(actor, 2)
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # fire the pending foreign-key checks, which would refuse first
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("TRUNCATE core_auditevent")
    assert AuditEvent.objects.count() == 2


def test_new_events_can_still_be_appended(actor):
    write_events(actor, 2)
    raw(
        "INSERT INTO core_auditevent (sequence, occurred_at, actor_label, tag, operation, object_type, object_id,"
        " purpose, recipient, detail, previous_hash, hash) VALUES (3, %s, 'x', 't', 'o', '', '', '', '', '{}',"
        " 'p', 'h')",
        [timezone.now()],
    )
    assert AuditEvent.objects.count() == 3


# -- the chain ---------------------------------------------------------------------------------------------


def test_each_event_links_to_the_one_before(actor):
    events = write_events(actor, 3)
    assert events[0].previous_hash == audit.GENESIS_HASH
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[1].previous_hash == events[0].hash
    assert events[2].previous_hash == events[1].hash
    assert len({e.hash for e in events}) == 3


def test_verify_reports_an_intact_chain_with_its_count(actor):
    write_events(actor, 5)
    status, said = verify()
    assert status == 0
    assert "intact: 5 events checked" in said


def test_verify_accepts_an_empty_log(db):
    assert verify() == (0, "The audit chain is intact: 0 events checked.\n")


def test_verify_names_a_row_whose_contents_were_forged(actor):
    events = write_events(actor, 5)
    tamper("UPDATE core_auditevent SET actor_label = 'someone else' WHERE sequence = 3")
    status, said = verify()
    assert status == 1
    assert "audit event #3" in said
    assert events[2].occurred_at.isoformat() in said
    assert "contents have changed" in said
    assert "2 events before it are intact" in said


def test_verify_speaks_of_one_event_in_the_singular(actor):
    write_events(actor, 2)
    tamper("UPDATE core_auditevent SET purpose = 'x' WHERE sequence = 2")
    assert "1 event before it is intact" in verify()[1]
    tamper("DELETE FROM core_auditevent WHERE sequence = 2")
    assert verify() == (0, "The audit chain is intact: 1 event checked.\n")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("purpose", "routine check"),
        ("object_id", "999"),
        ("recipient", "a newspaper"),
        ("tag", "people:person:list"),
        ("detail", '{"n": 3, "note": "changed"}'),
    ],
)
def test_verify_catches_a_change_to_any_hashed_field(actor, column, value):
    write_events(actor, 4)
    tamper(f"UPDATE core_auditevent SET {column} = %s WHERE sequence = 2", [value])  # noqa: S608 - test-chosen column
    status, said = verify()
    assert status == 1
    assert "audit event #2" in said


def test_verify_catches_a_changed_time(actor):
    events = write_events(actor, 3)
    tamper(
        "UPDATE core_auditevent SET occurred_at = %s WHERE sequence = 2", [events[1].occurred_at - timedelta(hours=1)]
    )
    status, said = verify()
    assert (status, "audit event #2" in said) == (1, True)


def test_verify_names_the_row_after_a_deleted_middle_row(actor):
    write_events(actor, 5)
    tamper("DELETE FROM core_auditevent WHERE sequence = 3")
    status, said = verify()
    assert status == 1
    assert "audit event #4" in said
    assert "event #3 before it is missing" in said


def test_verify_notices_removed_rows_at_the_start(actor):
    write_events(actor, 4)
    tamper("DELETE FROM core_auditevent WHERE sequence IN (1, 2)")
    status, said = verify()
    assert status == 1
    assert "audit event #3" in said
    assert "events #1 to #2 are missing" in said


def test_verify_notices_rows_removed_from_the_end_only_by_the_count(actor):
    # Removing the newest rows leaves a shorter chain that is still whole; the count shows it, which is why
    # verify reports how many events it checked.
    write_events(actor, 5)
    tamper("DELETE FROM core_auditevent WHERE sequence = 5")
    assert verify() == (0, "The audit chain is intact: 4 events checked.\n")


def test_a_forged_row_that_was_rehashed_breaks_the_link_from_its_successor(actor):
    write_events(actor, 5)
    forged = AuditEvent.objects.get(sequence=3)
    forged.purpose = "routine check"
    new_hash = audit.compute_hash(forged)
    tamper("UPDATE core_auditevent SET purpose = %s, hash = %s WHERE sequence = 3", ["routine check", new_hash])
    status, said = verify()
    assert status == 1
    assert "audit event #4" in said
    assert "previous_hash does not match the hash of event #3" in said


def test_a_fully_rewritten_tail_still_fails_at_the_forgery_when_the_head_is_kept_elsewhere(actor):
    # An attacker who re-hashes every row after the forgery gets a self-consistent chain; an exported copy
    # (audit export) of the hashes is what shows it. Here: the exported hash of #3 no longer matches.
    write_events(actor, 4)
    exported = {e.sequence: e.hash for e in AuditEvent.objects.all()}
    audit_triggers.drop(connection)
    try:
        previous = AuditEvent.objects.get(sequence=2).hash
        for event in AuditEvent.objects.filter(sequence__gte=3).order_by("sequence"):
            event.purpose = "rewritten" if event.sequence == 3 else event.purpose
            event.previous_hash = previous
            event.hash = audit.compute_hash(event)
            raw(
                "UPDATE core_auditevent SET purpose = %s, previous_hash = %s, hash = %s WHERE sequence = %s",
                [event.purpose, event.previous_hash, event.hash, event.sequence],
            )
            previous = event.hash
    finally:
        audit_triggers.create(connection)
    assert verify_chain().intact
    changed = [s for s, h in exported.items() if AuditEvent.objects.get(sequence=s).hash != h]
    assert changed == [3, 4]


def test_an_inserted_row_breaks_the_chain(actor):
    write_events(actor, 3)
    tamper("UPDATE core_auditevent SET sequence = sequence + 1 WHERE sequence = 3")
    first = AuditEvent.objects.get(sequence=2)
    fake = AuditEvent(
        sequence=3,
        occurred_at=timezone.now(),
        actor_label="intruder",
        tag=audit.AuditTag.PEOPLE_PERSON_VIEW,
        operation="consultation",
        previous_hash=first.hash,
        detail={},
    )
    fake.hash = audit.compute_hash(fake)
    fake.save(force_insert=True)
    status, said = verify()
    assert status == 1
    assert "audit event #4" in said
    assert "previous_hash does not match" in said


def test_verify_reads_the_log_a_chunk_at_a_time(actor, django_assert_num_queries):
    write_events(actor, 10)
    # 10 rows in chunks of 3: four chunks with rows and one empty read that ends the walk.
    with django_assert_num_queries(5):
        report = verify_chain(chunk_size=3)
    assert (report.intact, report.checked) == (True, 10)


def build_chain(count):
    """Appends a valid chain of events in bulk, as years of use would leave it."""
    events, previous = [], audit.GENESIS_HASH
    now = timezone.now()
    for sequence in range(1, count + 1):
        event = AuditEvent(
            sequence=sequence,
            occurred_at=now,
            actor_label="officer",
            tag=audit.AuditTag.PEOPLE_PERSON_VIEW,
            operation="consultation",
            object_type="people.person",
            object_id=str(sequence),
            purpose="missing person enquiry",
            detail={"ids": list(range(20))},
            previous_hash=previous,
        )
        event.hash = previous = audit.compute_hash(event)
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=1000)


@pytest.mark.slow
def test_verify_memory_stays_flat_however_long_the_log(db):
    # Verification reads chunks, so its peak memory is set by the chunk size, not by the size of the log:
    # here a small fraction of what reading the whole log at once takes, and it would stay put at a million rows.
    build_chain(2000)
    tracemalloc.start()
    try:
        everything = list(AuditEvent.objects.all())
        _, whole_log_peak = tracemalloc.get_traced_memory()
        del everything
        tracemalloc.reset_peak()
        tracemalloc.clear_traces()
        report = verify_chain(chunk_size=50)
        _, verify_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (report.intact, report.checked) == (True, 2000)
    assert verify_peak < whole_log_peak / 5


def test_verify_finds_a_break_beyond_the_first_chunk(actor):
    write_events(actor, 10)
    tamper("UPDATE core_auditevent SET purpose = 'x' WHERE sequence = 8")
    report = verify_chain(chunk_size=3)
    assert report.first_break.sequence == 8
    assert report.checked == 7


def test_many_sequential_writes_keep_the_chain(actor):
    with transaction.atomic():
        write_events(actor, 300)
    report = verify_chain()
    assert (report.intact, report.checked) == (True, 300)
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 301))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers itself; threads share it badly"
)
def test_concurrent_writers_on_postgresql_keep_one_unbroken_chain(actor):
    writers, each = 6, 20
    errors = []
    start = threading.Barrier(writers)

    def work():
        try:
            start.wait()
            for _ in range(each):
                with transaction.atomic():
                    audit.record(actor=actor, tag=audit.AuditTag.PEOPLE_PERSON_VIEW, object_type="people.person")
        except Exception as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    report = verify_chain()
    assert (report.intact, report.checked) == (True, writers * each)


# -- export ------------------------------------------------------------------------------------------------


def export(*args):
    out = []
    call_command("audit", "export", *args, stdout=_Collect(out))
    return "".join(out)


def test_export_writes_json_lines_with_the_hashes(actor):
    events = write_events(actor, 3)
    today = timezone.localdate().isoformat()
    lines = export("--since", today).splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["sequence"] for r in rows[:3]] == [1, 2, 3]
    assert rows[0]["hash"] == events[0].hash
    assert rows[1]["previous_hash"] == events[0].hash
    assert rows[0]["detail"] == {"n": 1, "note": "Llanfair café"}
    assert rows[0]["actor_label"] == "officer"


def test_the_export_is_itself_audited(actor, tmp_path):
    write_events(actor, 2)
    target = tmp_path / "audit.jsonl"
    export("--since", timezone.localdate().isoformat(), "--output", str(target), "--purpose", "ICO request 123")
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.tag, event.operation) == (audit.AuditTag.CORE_AUDIT_EXPORT, "disclosure")
    assert event.recipient == str(target)
    assert event.purpose == "ICO request 123"
    assert event.actor_label.startswith("command line")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3  # the two events and the export's own
    assert verify_chain().intact


def test_export_keeps_to_the_days_asked_for(actor):
    write_events(actor, 2)
    today = timezone.localdate()
    assert export("--since", (today + timedelta(days=1)).isoformat()) == ""
    assert (
        export("--since", (today - timedelta(days=3)).isoformat(), "--until", (today - timedelta(days=1)).isoformat())
        == ""
    )
    both = export("--since", (today - timedelta(days=3)).isoformat(), "--until", today.isoformat())
    assert len(both.splitlines()) >= 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "23/11/2026"], "YYYY-MM-DD"),
        (["--since", "2026-11-23", "--until", "2026-11-01"], "before --since"),
        (["--since", "2026-11-23", "--output", "/no/such/folder/out.jsonl"], "does not exist"),
    ],
)
def test_export_explains_bad_input(db, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)
    assert not AuditEvent.objects.exists()
