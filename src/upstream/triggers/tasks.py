"""Trigger runs in the background (django-tasks, database backend: docs/adr/0007).

The "Run the rules now" button queues a run with ``services.start_run``; the worker calls the same code as
``upstream triggers run`` and writes each step to the run, so the run's page shows how far it has got.
"""

from __future__ import annotations

from django_tasks import task

from upstream.triggers.models import TriggerRun


@task()
def run_triggers(run_id: int) -> str:
    """Runs one queued trigger run to the end; its outcome (or what went wrong) is kept on the run."""
    from upstream.triggers import services

    run = TriggerRun.objects.get(pk=run_id)
    try:
        services.execute_run(run)
    except services.RunRefusedError as exc:
        # An empty or unlinked store is not a fault of the worker: the run says what to do.
        return str(exc)
    return "finished"
