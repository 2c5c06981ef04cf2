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

import argparse
import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _declared(path: Path, attribute: str) -> str:
    """Returns a string a subcommand module declares (``name``, ``help``), read without importing it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == attribute for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return ""


def subcommand_files(package: str) -> dict[str, tuple[str, Path]]:
    """Returns each subcommand of a package as name -> (module path, file), without importing any of them.

    Names and help are read from the modules' source, so only the chosen module is ever imported: that keeps
    `upstream places import-boundaries` from loading the analytics libraries `upstream places analyse` needs.
    """
    root = importlib.import_module(package)
    found: dict[str, tuple[str, Path]] = {}
    for info in pkgutil.iter_modules(root.__path__):
        if info.name.startswith("_"):
            continue
        file = Path(next(iter(root.__path__))) / f"{info.name}.py"
        name = _declared(file, "name") or info.name.replace("_", "-")
        found[name] = (f"{package}.{info.name}", file)
    return dict(sorted(found.items()))


def load_subcommand(module_path: str, name: str) -> ModuleType:
    """Returns an imported subcommand module, checking it declares the name it is listed under."""
    module = importlib.import_module(module_path)
    if getattr(module, "name", None) != name:
        msg = f"{module_path} must declare name = {name!r} as a plain string"
        raise CommandError(msg)
    return module


def subcommand_modules(package: str) -> dict[str, ModuleType]:
    """Returns the subcommand modules of a package, by the name users type (imports every one)."""
    return {name: load_subcommand(path, name) for name, (path, _file) in subcommand_files(package).items()}


class _LazySubParsers(argparse._SubParsersAction):
    """Adds a subcommand's own arguments only when that subcommand is the one chosen."""

    loaders: dict[str, Any]

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: Any = None
    ) -> None:
        name = values[0]
        loader = self.loaders.pop(name, None)
        if loader is not None:
            loader()
        super().__call__(parser, namespace, values, option_string)


class CommandGroup(BaseCommand):
    """A management command whose subcommands are the modules of one package."""

    package = ""  # e.g. "upstream.places.cli"

    def run_from_argv(self, argv: list[str]) -> None:
        """Runs from the command line, importing only the chosen subcommand's module."""
        self._lazy_subcommands = True
        super().run_from_argv(argv)

    def add_arguments(self, parser: CommandParser) -> None:
        """Adds one sub-parser per subcommand.

        From the command line each module is imported only if it is the one chosen. call_command (tests,
        tasks) maps keyword options onto every sub-parser's arguments before parsing, so there every
        module's arguments are added up front.
        """
        lazy = getattr(self, "_lazy_subcommands", False)
        subparsers = parser.add_subparsers(
            dest="subcommand", required=True, metavar="SUBCOMMAND", action=_LazySubParsers
        )
        subparsers.loaders = {}
        for name, (module_path, file) in subcommand_files(self.package).items():
            text = _declared(file, "help")
            sub = subparsers.add_parser(name, help=text, description=text, called_from_command_line=True)

            def loader(sub: CommandParser = sub, module_path: str = module_path, name: str = name) -> None:
                load_subcommand(module_path, name).add_arguments(sub)

            if lazy:
                subparsers.loaders[name] = loader
            else:
                loader()

    def handle(self, *args: Any, **options: Any) -> None:
        """Runs the chosen subcommand."""
        name = options.pop("subcommand")
        module_path, _file = subcommand_files(self.package)[name]
        load_subcommand(module_path, name).handle(self, *args, **options)
