"""Background work: machine drafts for many records, with progress a person can watch."""

from __future__ import annotations

from django_tasks import task


@task()
def machine_translate(job_id: int) -> dict[str, int | str]:
    """Runs one machine-translation job and returns what it did."""
    from upstream.translation.services import run_machine_job

    job = run_machine_job(job_id)
    return {"status": job.status, "drafted": job.fields_drafted, "skipped": job.fields_skipped}
