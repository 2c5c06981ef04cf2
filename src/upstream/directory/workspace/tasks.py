"""Background link and phone checks (django-tasks, database backend: ADR 0007).

The run row carries the progress (how many checked of how many), which the workspace page shows and, with
JavaScript, refreshes. Each website or number checked becomes a result; the failed ones are the
co-ordinator's tasks.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from upstream.directory.models import CheckKind, CheckResult, CheckRun, Phone, Service, ServiceStatus
from upstream.directory.workspace.checks import check_phone, check_url

PROGRESS_EVERY = 5  # write the progress after this many checks, so the page moves without a write per check


def _targets(kind: str) -> list[tuple[Service, str]]:
    services = Service.objects.exclude(status=ServiceStatus.DEFUNCT)
    if kind == CheckKind.LINK:
        return [(s, s.url.strip()) for s in services.exclude(url="").order_by("name", "pk")]
    phones = (
        Phone.objects.filter(Q(service__in=services) | Q(service_at_location__service__in=services))
        .select_related("service", "service_at_location__service")
        .order_by("pk")
    )
    pairs = []
    for phone in phones:
        service = phone.service or (phone.service_at_location.service if phone.service_at_location else None)
        if service is not None:
            pairs.append((service, phone.number))
    return pairs


def run_checks(run_id: int) -> CheckRun:
    """Checks every open service's website or phone numbers for one run, writing progress as it goes."""
    run = CheckRun.objects.get(pk=run_id)
    targets = _targets(run.kind)
    run.status = CheckRun.Status.RUNNING
    run.total = len(targets)
    run.save(update_fields=["status", "total"])
    try:
        for number, (service, target) in enumerate(targets, start=1):
            outcome = check_url(target) if run.kind == CheckKind.LINK else check_phone(target)
            CheckResult.objects.create(
                run=run,
                service=service,
                kind=run.kind,
                target=target[:2000],
                ok=outcome.ok,
                status_code=outcome.status_code,
                final_url=outcome.final_url[:2000],
                message=outcome.message,
                checked_at=timezone.now(),
            )
            run.done = number
            run.problems += not outcome.ok
            if number % PROGRESS_EVERY == 0 or number == len(targets):
                run.save(update_fields=["done", "problems"])
    except Exception as error:
        run.status = CheckRun.Status.FAILED
        run.error = f"{error.__class__.__name__}: {error}"[:1000]
        run.finished_at = timezone.now()
        run.save()
        raise
    run.status = CheckRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save()
    return run


@task()
def run_directory_checks(run_id: int) -> int:
    """Runs one link or phone check in the background and returns how many problems it found."""
    return run_checks(run_id).problems
