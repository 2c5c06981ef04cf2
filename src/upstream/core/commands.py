"""Command groups: ``upstream places import-boundaries``, ``upstream audit verify``, ``upstream records link``.

A group is a Django management command (``places``, ``audit`` …) whose subcommands are the modules of one
package (``upstream.places.cli``). Each module names itself and brings its own arguments, so a capability
adds a subcommand by adding a file, without touching anyone else's:

    # upstream/places/cli/import_boundaries.py
    name = "import-boundaries"
    help = "Loads ONS boundaries (GeoJSON) under a force."

    def add_arguments(parser): parser.add_argument("file")
    def handle(command, **options): ...  # command is the BaseCommand: use command.stdout / CommandError

Errors a user can fix are raised as ``django.core.management.CommandError`` with a message that says what
to do; they print without a traceback and exit 1.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def subcommand_modules(package: str) -> dict[str, ModuleType]:
    """Returns the subcommand modules of a package, by the name users type."""
    root = importlib.import_module(package)
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(root.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        found[module.name] = module
    return dict(sorted(found.items()))


class CommandGroup(BaseCommand):
    """A management command whose subcommands are the modules of one package."""

    package = ""  # e.g. "upstream.places.cli"

    def add_arguments(self, parser: CommandParser) -> None:
        """Adds one sub-parser per subcommand module."""
        subparsers = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        for name, module in subcommand_modules(self.package).items():
            sub = subparsers.add_parser(name, help=module.help, description=module.help, called_from_command_line=True)
            module.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        """Runs the chosen subcommand."""
        module = subcommand_modules(self.package)[options.pop("subcommand")]
        module.handle(self, *args, **options)
