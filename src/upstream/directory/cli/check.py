"""`upstream directory check links|phones`: the co-ordinator's link or phone check, from the command line.

For a scheduled run (cron or a systemd timer): it runs in this process, prints what it found and exits 1
when something needs fixing. The results appear on the workspace's checks page like any other run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

name = "check"
help = "Checks every open service's website (links) or phone numbers (phones) and lists the problems."  # noqa: A001 - the command-group protocol names it help

KINDS = {"links": "link", "phones": "phone"}


def add_arguments(parser: CommandParser) -> None:
    """Takes which check to run."""
    parser.add_argument("what", choices=sorted(KINDS), help="links: websites; phones: phone numbers")


def handle(command: BaseCommand, **options: Any) -> None:
    """Runs the check and prints each problem with its service."""
    from upstream.directory.models import CheckResult
    from upstream.directory.workspace.services import start_checks

    run = start_checks(actor=None, kind=KINDS[options["what"]], wait=True)
    for result in CheckResult.objects.filter(run=run, ok=False).select_related("service"):
        command.stdout.write(f"{result.service.name} ({result.service_id}): {result.target}: {result.message}")
    command.stdout.write(f"Checked {run.done} of {run.total}; {run.problems} to fix.")
    if run.problems:
        raise CommandError(f"{run.problems} problems to fix: see the workspace's checks page.", returncode=1)
