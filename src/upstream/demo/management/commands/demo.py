"""``upstream demo [--seed 2026] [--print-logins]``: builds the demo force (idempotent, deterministic)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.utils import OperationalError, ProgrammingError
from rich.console import Console
from rich.table import Table

from upstream.core.roles import Role
from upstream.demo.organisations import DEMO_USERS, ORGANISATIONS
from upstream.demo.registry import DemoContext, DemoStep, run_demo


class Command(BaseCommand):
    help = (
        "Builds the fictional Avonmere demo force: places, organisations, teams, one user per role, and each "
        "capability's demo data. Deterministic for a seed; running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="The seed (default 2026).")
        parser.add_argument(
            "--print-logins", action="store_true", help="Print the demo logins (username, role, password)."
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Put the demo users' documented passwords back if someone changed them.",
        )
        parser.add_argument(
            "--without-records",
            action="store_true",
            help=(
                "Leave out the records store (a generated police extract, imported and linked: a minute or two "
                "on a small machine) and what is built on it: the trigger queue and the linkage review."
            ),
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        seed: int = options["seed"]
        # Wide enough that a passphrase is never wrapped across lines, whatever the terminal.
        console = Console(file=self.stdout, width=120, highlight=False)
        quiet = options["verbosity"] == 0

        def on_step(step: DemoStep) -> None:
            if not quiet:
                self.stdout.write(f"Demo: {step.label} …")

        last_reported: dict[str, int] = {}

        def progress(label: str, done: int, total: int) -> None:
            # Long steps report every tenth of the way, so a slow machine shows it is still working.
            tenth = max(1, total // 10)
            if not quiet and (done == total or done - last_reported.get(label, 0) >= tenth):
                last_reported[label] = done
                self.stdout.write(f"  {label}: {done} of {total}")

        context = DemoContext(seed=seed, progress=progress, with_records=not options["without_records"])
        context.data["reset_passwords"] = options["reset_passwords"]
        try:
            results = run_demo(context, on_step=on_step)
        except (OperationalError, ProgrammingError) as exc:
            raise CommandError(f"The demo stopped: {exc}. Run `upstream migrate` first if tables are missing.") from exc
        if not quiet:
            for result in results:
                counts = ", ".join(f"{value} {name}" for name, value in result.counts.items())
                self.stdout.write(f"  {result.step.label}: {counts or 'done'} ({result.seconds:.1f} s)")
            self.stdout.write(f"The Avonmere demo force is ready (seed {seed}).")
        if options["print_logins"]:
            self.print_logins(console)

    def print_logins(self, console: Console) -> None:
        """Prints one line per demo login, and where to sign in."""
        port = os.environ.get("PORT", "8000")
        table = Table(title="Demo logins", title_justify="left")
        for column in ("Username", "Role", "Organisation", "Password"):
            table.add_column(column, no_wrap=True)
        names = {o.key: o.name for o in ORGANISATIONS}
        for user in DEMO_USERS:
            table.add_row(user.username, str(Role(user.role).label), names[user.organisation], user.password)
        console.print(table)
        console.print(f"Sign in at http://127.0.0.1:{port}/accounts/sign-in/")
        console.print("In demo mode (UPSTREAM_DEMO_MODE=1) these logins skip the second factor; nobody else does.")
