"""Importing a police records extract uploaded from the web, as a background task.

An analyst uploads the extract's files (``events.csv``, ``people.csv`` … or Parquet, or one ZIP holding them);
``start_import`` checks their names, saves them in a folder of their own under the data folder, records the
import (audited as a collection) and queues ``tasks.import_extract``. The task runs the same importer as
``upstream records import`` (``upstream_analytics.records.importer``), writing each step to the run, so the
run's page shows how far it has got. The importer is all or nothing: a file it refuses (truncated, not UTF-8,
a required column missing, no rows) leaves the store exactly as it was, and the run says what to fix. Bad rows
are not a failure: they go to the new version's rejects file and the run counts them.
"""

from __future__ import annotations

import shutil
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from upstream.core import audit
from upstream.core.policy import require, scoped
from upstream.records import policies
from upstream.records.models import ImportRun, RunStatus
from upstream.records.services import RunRefusedError, _label, _require_store, store_dir

TABLES = ("events", "people", "locations", "involvements", "relationships")
REQUIRED = ("events", "people", "locations", "involvements")
SUFFIXES = (".csv", ".parquet")
IMPORT_STEPS = 16  # reading, checking and writing each of five tables, then the switch to the new version
DEFAULT_MAX_BYTES = 20 * 1024**3  # a large force's extract is a few GB; settings.RECORDS_IMPORT_MAX_BYTES overrides
REJECTS_SHOWN = 50


def uploads_dir() -> Path:
    """Returns the folder where uploaded extracts wait for their import (never read by anything else)."""
    return Path(settings.DATA_DIR) / "uploads" / "records"


def _max_bytes() -> int:
    return int(getattr(settings, "RECORDS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _junk(name: str) -> bool:
    """Returns whether a ZIP member is an operating system's leftover, not part of the extract."""
    path = PurePosixPath(name)
    return path.name.startswith(".") or "__MACOSX" in path.parts or path.name in {"Thumbs.db", "desktop.ini"}


def _table_of(name: str) -> str:
    """Returns the table a file name holds (``people.csv`` -> ``people``); a ValidationError says why not."""
    path = PurePosixPath(name.replace("\\", "/"))
    stem, suffix = path.stem.lower(), path.suffix.lower()
    if suffix not in SUFFIXES or stem not in TABLES:
        raise ValidationError(
            _(
                "%(name)s is not a file of the extract. Name each file after its table: events, people, "
                "locations, involvements and (optional) relationships, as .csv or .parquet."
            )
            % {"name": path.name},
            code="name",
        )
    return stem


def _plan(names: Iterable[str]) -> dict[str, str]:
    """Returns table -> file name for the extract's files, checking none is repeated and none required is missing."""
    found: dict[str, str] = {}
    for name in names:
        table = _table_of(name)
        if table in found:
            raise ValidationError(
                _("The extract has two files for %(table)s (%(a)s and %(b)s): keep one.")
                % {"table": table, "a": PurePosixPath(found[table]).name, "b": PurePosixPath(name).name},
                code="duplicate",
            )
        found[table] = name
    missing = [t for t in REQUIRED if t not in found]
    if missing:
        raise ValidationError(
            _(
                "The extract has no %(tables)s file. Every extract needs events, people, locations and "
                "involvements; choose all of its files at once, or one ZIP file that holds them."
            )
            % {"tables": ", ".join(missing)},
            code="missing",
        )
    return found


def _save_plain(files: list[UploadedFile], folder: Path) -> list[str]:
    plan = _plan(f.name or "" for f in files)
    by_name = {f.name: f for f in files}
    saved = []
    for table, name in plan.items():
        target = folder / f"{table}{PurePosixPath(name).suffix.lower()}"
        with target.open("wb") as handle:
            for chunk in by_name[name].chunks():
                handle.write(chunk)
        saved.append(target.name)
    return saved


def _save_zip(upload: UploadedFile, folder: Path) -> list[str]:
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile as exc:
        raise ValidationError(
            _("%(name)s is not a ZIP file that can be opened: it may be cut short. Copy it again in full.")
            % {"name": upload.name},
            code="zip",
        ) from exc
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir() and not _junk(i.filename)]
        if sum(i.file_size for i in members) > _max_bytes():
            raise ValidationError(_("The extract is larger than this server accepts."), code="size")
        plan = _plan(i.filename for i in members)
        by_name = {i.filename: i for i in members}
        saved = []
        for table, name in plan.items():
            # Each member is copied to a name of our own choosing: a path inside the ZIP is never used as one.
            target = folder / f"{table}{PurePosixPath(name).suffix.lower()}"
            try:
                with archive.open(by_name[name]) as source, target.open("wb") as handle:
                    shutil.copyfileobj(source, handle, 1 << 20)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise ValidationError(
                    _("%(file)s in %(name)s cannot be read: the ZIP file may be cut short. Copy it again in full.")
                    % {"file": PurePosixPath(name).name, "name": upload.name},
                    code="zip",
                ) from exc
            saved.append(target.name)
    return saved


def save_upload(files: list[UploadedFile], folder: Path) -> list[str]:
    """Saves the uploaded extract in `folder` as ``<table>.csv`` / ``.parquet``; returns the names saved."""
    if not files:
        raise ValidationError(_("Choose the extract's files, or one ZIP file that holds them"), code="required")
    if sum(f.size or 0 for f in files) > _max_bytes():
        raise ValidationError(_("The extract is larger than this server accepts."), code="size")
    zips = [f for f in files if (f.name or "").lower().endswith(".zip")]
    if zips and len(files) > 1:
        raise ValidationError(_("Choose either one ZIP file or the extract's files, not both."), code="zip")
    folder.mkdir(parents=True)
    return _save_zip(zips[0], folder) if zips else _save_plain(files, folder)


def start_import(*, actor: Any, files: list[UploadedFile]) -> ImportRun:
    """Returns a new import of the uploaded extract, queued as a background task (one at a time)."""
    _require_store(actor, policies.IMPORT, "store")
    busy = ImportRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()
    if busy is not None:
        raise RunRefusedError(
            _("An import is already going (started %(when)s): wait for it to finish before uploading another.")
            % {"when": timezone.localtime(busy.created_at).strftime("%H:%M")}
        )
    folder = uploads_dir() / uuid.uuid4().hex
    try:
        saved = save_upload(files, folder)
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                organisation_id=actor.organisation_id,
                files=saved,
                upload_dir=str(folder),
                started_by=actor,
                started_by_label=_label(actor),
                steps_total=IMPORT_STEPS,
                step=_("Waiting for the background worker"),
            )
            audit.record(
                actor=actor,
                tag=audit.AuditTag.RECORDS_IMPORT_RUN,
                obj=run,
                purpose=_("importing a police records extract"),
                detail={"files": saved, "uploaded": [f.name for f in files]},
            )
            from upstream.records.tasks import import_upload

            # Enqueued in the run's transaction, as link runs are: never a run waiting for an unrecorded task.
            import_upload.enqueue(run.pk)
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    run.refresh_from_db()
    return run


def execute_import(run: ImportRun) -> None:
    """Imports a queued upload into the records store, recording each step; the upload is removed at the end."""
    from upstream_analytics.records.importer import ExtractError, import_extract

    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now())
    folder = Path(run.upload_dir)

    def step(text: str) -> None:
        run.steps_done = min(run.steps_done + 1, run.steps_total)
        run.step = text[:200]
        ImportRun.objects.filter(pk=run.pk).update(step=run.step, steps_done=run.steps_done)

    try:
        summary = import_extract(folder, store_dir(), progress=step)
    except ExtractError as exc:
        _fail(run, str(exc).replace(str(folder), _("the upload")))
        return
    except Exception as exc:
        _fail(
            run,
            _("The import stopped with an error (%(error)s). Try again; if it fails again, tell support.")
            % {"error": type(exc).__name__},
        )
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ImportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FINISHED,
        step=_("Finished"),
        steps_done=run.steps_total,
        finished_at=timezone.now(),
        version=summary.version,
        tables={name: vars(t) for name, t in summary.tables.items()},
        rejected=summary.rejected,
        changed=summary.changed,
    )


def _fail(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, message=message, finished_at=timezone.now())


def rejects_of(actor: Any, run: ImportRun, limit: int = REJECTS_SHOWN) -> list[dict[str, str]]:
    """Returns the first rows the import rejected (file, line, reason), read from its store version.

    A reason quotes the value it refused (a date of birth, a record id), so showing them is audited.
    """
    import csv

    from upstream_analytics.records.store import RecordsStore

    if run.status != RunStatus.FINISHED or not run.rejected or not run.version:
        return []
    path = RecordsStore(store_dir()).version_dir(run.version) / "rejects.csv"
    if not path.exists():  # the store keeps its two latest versions
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for _, row in zip(range(limit), csv.DictReader(handle), strict=False)]
    audit.record(
        actor=actor,
        tag=audit.AuditTag.RECORDS_IMPORT_VIEW,
        obj=run,
        purpose=_("checking the rows an import rejected"),
        detail={"rejects_shown": len(rows)},
    )
    return rows


def get_import(actor: Any, run_id: int) -> ImportRun:
    """Returns one import the actor may see (their organisation's), or 404."""
    require(actor, policies.IMPORT)
    run = scoped(actor, policies.IMPORT, ImportRun.objects.filter(pk=run_id)).first()
    if run is None:
        raise Http404
    return run


def latest_import(actor: Any) -> ImportRun | None:
    """Returns the newest import the actor may see."""
    return scoped(actor, policies.IMPORT, ImportRun.objects.all()).first()
