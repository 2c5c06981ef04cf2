"""``upstream triggers run``: applies the rule set to the records store, writes the lists, fills the queue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

name = "run"
help = "Finds children living with ACEs, repeat victims, frequent callers and missing people, repeat locations."  # noqa: A001 - the attribute name core/commands.py reads


def add_arguments(parser: CommandParser) -> None:
    """Adds the run options."""
    parser.add_argument("--as-of", help="Last day of the look-back window, YYYY-MM-DD (default: today).")
    parser.add_argument("--rules", help="A rule set YAML file (default: the shipped rule set).")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--out", help="Folder for the CSV outputs (default: <data dir>/runs/triggers).")
    parser.add_argument("--link", help="Folder of the linkage outputs (default: <data dir>/runs/link).")
    parser.add_argument(
        "--organisation",
        help="Name of the organisation whose trigger queue the run fills (default: the one police force).",
    )
    parser.add_argument("--no-queue", action="store_true", help="Write the CSV files only; leave the queue alone.")


def _organisation(options: dict[str, Any]) -> Any:
    """Returns the organisation whose queue to fill, None to write files only, or raises CommandError."""
    from upstream.accounts.models import Organisation, OrganisationKind

    if options["no_queue"]:
        return None
    if options["organisation"]:
        found = Organisation.objects.filter(name=options["organisation"]).first()
        if found is None:
            raise CommandError(f"No organisation is called {options['organisation']!r}: check the name in the admin.")
        return found
    forces = list(Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE)[:2])
    return forces[0] if len(forces) == 1 else None


def handle(command: BaseCommand, **options: Any) -> None:
    """Runs the rules, prints what they found and which rule set ran, and fills the trigger queue."""
    from upstream.triggers import services
    from upstream.triggers.models import TriggerRun

    try:
        as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else dt.date.today()  # noqa: DTZ011 - a calendar day in the force's own time
    except ValueError as exc:
        raise CommandError("--as-of takes a date as YYYY-MM-DD, for example 2025-12-31.") from exc
    organisation = _organisation(options)
    run = (
        services.create_command_line_run(organisation=organisation, as_of=as_of, engine=options["engine"])
        if organisation is not None
        else None
    )
    try:
        result = services.execute_run(
            run,
            as_of=as_of,
            engine=options["engine"],
            rules_path=Path(options["rules"]) if options["rules"] else None,
            out=Path(options["out"]) if options["out"] else None,
            link=Path(options["link"]) if options["link"] else None,
            progress=lambda step: command.stdout.write(f"… {step}"),
        )
    except services.RunRefusedError as exc:
        raise CommandError(str(exc)) from exc
    if result.refused:
        command.stderr.write(f"Rule set refused: {result.refused}")
    command.stdout.write(f"Ran the {result.ran}, as of {as_of:%Y-%m-%d}.")
    outputs = result.outputs
    command.stdout.write(
        f"{result.referral:,} children at the referral threshold "
        f"({result.threshold}+ ACEs), {result.emerging:,} emerging."
    )
    command.stdout.write(
        f"{len(outputs.repeat_victims):,} repeat victimisations, {len(outputs.frequent_callers):,} frequent callers, "
        f"{len(outputs.frequent_missing):,} frequently missing people, "
        f"{len(outputs.repeat_locations):,} repeat locations."
    )
    command.stdout.write(f"Wrote triggers.csv and the lists to {result.out}.")
    if run is not None:
        run = TriggerRun.objects.get(pk=run.pk)
        command.stdout.write(
            f"Trigger queue of {organisation.name}: {result.new:,} new, {result.updated:,} updated "
            "(decisions already made are kept)."
        )
    else:
        command.stdout.write(
            "The trigger queue was not filled: pass --organisation NAME (there is not exactly one police force)."
            if not options["no_queue"]
            else "The trigger queue was left alone (--no-queue)."
        )
