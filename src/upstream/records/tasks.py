"""Link runs and uploaded imports in the background (django-tasks, database backend: docs/adr/0007).

"Run the linkage now" queues a run with ``services.start_link_run``; the worker calls the same code as
``upstream records link`` and writes each step to the run, so the run's page shows how far it has got.
"""

from __future__ import annotations

from django_tasks import task

from upstream.records.models import LinkRun


@task()
def run_linkage(run_id: int) -> str:
    """Runs one queued link run to the end; its outcome (or what went wrong) is kept on the run."""
    from upstream.records import services

    run = LinkRun.objects.get(pk=run_id)
    try:
        services.execute_link_run(run)
    except services.RunRefusedError as exc:
        # An empty store is not a fault of the worker: the run says what to do.
        return str(exc)
    return "finished"


@task()
def import_upload(run_id: int) -> str:
    """Imports one uploaded extract into the records store; its outcome (or what to fix) is kept on the run."""
    from upstream.records import imports
    from upstream.records.models import ImportRun

    run = ImportRun.objects.get(pk=run_id)
    imports.execute_import(run)
    run.refresh_from_db()
    return run.status
