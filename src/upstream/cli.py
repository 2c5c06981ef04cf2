"""The ``upstream`` command: Upstream's own commands and every Django management command.

``upstream demo``, ``upstream audit verify`` and ``upstream places import-boundaries`` are management
commands whose names read as words (``audit``, ``places`` …); anything else passes through to Django,
so ``upstream migrate`` and ``upstream createsuperuser`` work as ``manage.py`` would.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Runs one management command from the command line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "upstream"
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"upstream: configuration problem: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
