"""Importing a records extract from the web: upload, background import with progress, bad files refused plainly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pole_extracts import GOOD, HEADERS

from upstream.core.audit import AuditEvent
from upstream.core.roles import Role
from upstream.records import imports
from upstream.records.models import ImportRun, RunStatus


def _csv(table: str, rows: list[list[str]] | None = None, header: list[str] | None = None) -> bytes:
    frame = pd.DataFrame(GOOD[table] if rows is None else rows, columns=header or HEADERS[table])
    return frame.to_csv(index=False).encode("utf-8")


def _files(**replace: bytes) -> dict[str, bytes]:
    files = {f"{t}.csv": _csv(t) for t in GOOD}
    files.update(replace)
    return files


def _upload(client, files: dict[str, bytes]):
    uploads = [SimpleUploadedFile(name, body, content_type="text/csv") for name, body in files.items()]
    return client.post(reverse("records:import-start"), {"extract": uploads})


def _store(settings) -> Path:
    return Path(settings.ANALYTICS_DIR) / "records"


def _current(settings) -> str | None:
    current = _store(settings) / "CURRENT"
    return current.read_text().strip() if current.exists() else None


def _people(settings) -> pd.DataFrame:
    return pd.read_parquet(_store(settings) / "versions" / str(_current(settings)) / "people.parquet")


def _no_uploads_left(settings) -> bool:
    folder = Path(settings.DATA_DIR) / "uploads" / "records"
    return not folder.exists() or not any(folder.iterdir())


@pytest.mark.django_db
def test_an_analyst_uploads_an_extract_and_follows_its_import(analyst, client, signed_in, settings):
    signed_in(analyst)
    response = _upload(client, _files())
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("records:import", args=[run.pk])
    assert run.status == RunStatus.FINISHED
    assert run.steps_done == run.steps_total == imports.IMPORT_STEPS
    assert sorted(run.files) == sorted(f"{t}.csv" for t in GOOD)
    assert run.tables["people"]["new"] == len(GOOD["people"])
    assert run.rejected == 0
    assert run.changed is True
    assert _current(settings) == run.version
    assert sorted(_people(settings)["person_id"]) == ["P1", "P2", "P3"]
    assert _no_uploads_left(settings)  # the uploaded files are not kept once imported
    event = AuditEvent.objects.get(tag="records:import:run")
    assert event.operation == "collection"
    assert event.object_id == str(run.pk)
    page = client.get(response.url).content.decode()
    assert "Finished" in page
    assert "Rows by table" in page
    assert "Run the linkage" in page
    # The same extract again changes nothing, and says so.
    _upload(client, _files())
    again = ImportRun.objects.first()
    assert again is not None
    assert again.changed is False
    assert "Nothing changed" in client.get(reverse("records:import", args=[again.pk])).content.decode()


@pytest.mark.django_db
def test_a_zip_holding_the_extract_in_a_folder_imports_like_the_files(analyst, client, signed_in, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in _files().items():
            archive.writestr(f"extract-2026-11/{name}", body)
        archive.writestr("__MACOSX/extract-2026-11/._people.csv", b"\x00\x05")
        archive.writestr("extract-2026-11/.DS_Store", b"\x00")
    signed_in(analyst)
    response = _upload(client, {"extract.zip": buffer.getvalue()})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == RunStatus.FINISHED, run.message
    assert sorted(_people(settings)["person_id"]) == ["P1", "P2", "P3"]


@pytest.mark.django_db
def test_bad_rows_are_counted_and_shown_with_their_reasons_audited(analyst, client, signed_in, settings):
    people = [*GOOD["people"], ["P4", "Tom", "", "Jones", "2090-01-01", "M", "", "L1", "", ""]]
    signed_in(analyst)
    _upload(client, _files(**{"people.csv": _csv("people", people)}))
    run = ImportRun.objects.get()
    assert run.status == RunStatus.FINISHED
    assert run.rejected == 1
    assert run.tables["people"]["rejected"] == 1
    page = client.get(reverse("records:import", args=[run.pk])).content.decode()
    assert "people.csv" in page
    assert "Rejected rows" in page
    assert AuditEvent.objects.filter(tag="records:import:view", object_id=str(run.pk)).exists()


@pytest.mark.parametrize(
    ("bad_file", "expected"),
    [
        pytest.param({"people.csv": _csv("people")[:-25]}, "people.csv looks truncated", id="truncated"),
        pytest.param(
            {"people.csv": _csv("people").replace(b"Elizabeth", "Élisabeth".encode("cp1252"))},
            "people.csv is not UTF-8",
            id="encoding",
        ),
        pytest.param(
            {
                "events.csv": _csv(
                    "events",
                    [r[:2] + r[3:] for r in GOOD["events"]],
                    [c for c in HEADERS["events"] if c != "occurred_at"],
                )
            },
            "events.csv has no occurred_at column",
            id="missing-column",
        ),
    ],
)
@pytest.mark.django_db
def test_a_bad_file_fails_the_import_plainly_and_loses_nothing(  # noqa: PLR0917 - pytest fills these by name
    bad_file, expected, analyst, client, signed_in, settings
):
    signed_in(analyst)
    _upload(client, _files())
    before = _current(settings)
    _upload(client, _files(**bad_file))
    failed = ImportRun.objects.first()
    assert failed is not None
    assert failed.status == RunStatus.FAILED
    assert expected in failed.message
    assert str(failed.upload_dir) not in failed.message  # no server paths in what the analyst reads
    page = client.get(reverse("records:import", args=[failed.pk])).content.decode()
    assert "The import did not finish" in page
    assert "the records store is as it was before" in page
    assert _current(settings) == before
    assert sorted(_people(settings)["person_id"]) == ["P1", "P2", "P3"]
    assert _no_uploads_left(settings)
    # Corrected, the same upload goes through.
    _upload(client, _files())
    assert ImportRun.objects.first().status == RunStatus.FINISHED  # type: ignore[union-attr]


@pytest.mark.django_db
def test_an_extract_of_zero_rows_is_refused_and_the_store_not_created(analyst, client, signed_in, settings):
    signed_in(analyst)
    _upload(client, {f"{t}.csv": _csv(t, []) for t in GOOD})
    run = ImportRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "holds no rows" in run.message
    assert _current(settings) is None


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"events.csv": b"x"}, "has no people, locations, involvements file", id="missing-tables"),
        pytest.param({**_files(), "notes.txt": b"hello"}, "notes.txt is not a file of the extract", id="stray-file"),
        pytest.param({**_files(), "people.parquet": b"PAR1"}, "two files for people", id="two-files"),
        pytest.param({"extract.zip": b"PK\x03\x04cut"}, "is not a ZIP file that can be opened", id="cut-zip"),
        pytest.param({**_files(), "people.csv": b""}, "The chosen file is empty", id="empty-file"),
    ],
)
@pytest.mark.django_db
def test_an_upload_that_is_not_an_extract_is_refused_on_the_form(  # noqa: PLR0917 - pytest fills these by name
    files, expected, analyst, client, signed_in, settings
):
    signed_in(analyst)
    response = _upload(client, files)
    assert response.status_code == 400
    page = response.content.decode()
    assert expected in page
    assert "There is a problem" in page
    assert not ImportRun.objects.exists()
    assert not AuditEvent.objects.filter(tag="records:import:run").exists()
    assert _no_uploads_left(settings)


@pytest.mark.django_db
def test_one_import_at_a_time(analyst, client, signed_in, settings):
    ImportRun.objects.create(organisation=analyst.organisation, status=RunStatus.RUNNING, started_by=analyst)
    signed_in(analyst)
    response = _upload(client, _files())
    assert response.status_code == 400
    assert "An import is already going" in response.content.decode()
    assert ImportRun.objects.count() == 1
    assert _no_uploads_left(settings)


@pytest.mark.django_db
def test_only_analysts_of_a_police_force_import(  # noqa: PLR0917 - pytest fills these by name
    make_user, force, council, analyst, client, signed_in
):
    for user in (
        make_user("supervisor", force, Role.SUPERVISOR),
        make_user("officer", force, Role.OFFICER),
        make_user("council-analyst", council, Role.ANALYST),
    ):
        signed_in(user)
        assert client.get(reverse("records:import-start")).status_code == 403, user.username
        assert _upload(client, _files()).status_code == 403, user.username
    assert not ImportRun.objects.exists()
    signed_in(analyst)
    assert client.get(reverse("records:import-start")).status_code == 200
    assert "Import a records extract" in client.get(reverse("records:index")).content.decode()


@pytest.mark.django_db
def test_an_import_is_seen_only_by_its_own_force(make_user, analyst, client, signed_in):
    from upstream.accounts.models import Organisation, OrganisationKind

    signed_in(analyst)
    _upload(client, _files())
    run = ImportRun.objects.get()
    other = Organisation.objects.create(name="Pennine Police", kind=OrganisationKind.POLICE_FORCE)
    signed_in(make_user("other-analyst", other, Role.ANALYST))
    assert client.get(reverse("records:import", args=[run.pk])).status_code == 404


@pytest.mark.django_db
def test_the_progress_part_refreshes_itself_only_while_the_import_runs(analyst, client, signed_in):
    running = ImportRun.objects.create(
        organisation=analyst.organisation,
        status=RunStatus.RUNNING,
        step="Checking people",
        steps_done=7,
        steps_total=imports.IMPORT_STEPS,
        files=["people.csv"],
    )
    signed_in(analyst)
    part = client.get(reverse("records:import", args=[running.pk]), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in part
    assert "7 of 16: Checking people" in part
    assert '<progress max="16" value="7"' in part
    assert "<html" not in part
    whole = client.get(reverse("records:import", args=[running.pk])).content.decode()
    assert "refresh it to see the progress" in whole
    assert f'href="/records/imports/{running.pk}/"' in whole  # the Refresh link, for pages without JavaScript
