"""Lists every named route as "name route", one a line, for tests/guardrails/routes.txt.

Regenerate the committed list after adding or renaming a route on purpose:

    .venv/bin/python -m tests.guardrails.routes > tests/guardrails/routes.txt
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

REGENERATE = ".venv/bin/python -m tests.guardrails.routes > tests/guardrails/routes.txt"
# The Django admin's routes follow from which models are registered with it; it is for support staff and
# its routes are Django's, so they are left out rather than churn with every admin registration.
SKIPPED_NAMESPACES = {"admin"}


def _walk(patterns: list, prefix: str, namespace: str) -> list[str]:
    lines: list[str] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            full_namespace = ":".join(n for n in (namespace, inner) if n)
            if inner in SKIPPED_NAMESPACES:
                continue
            lines.extend(_walk(entry.url_patterns, route, full_namespace))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            lines.append(f"{name} {route}")
    return lines


def named_routes() -> list[str]:
    """Returns every named route (outside the admin) as sorted "name route" lines."""
    return sorted(set(_walk(get_resolver().url_patterns, "/", "")))


def main() -> int:
    """Prints the named routes, for regenerating routes.txt."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings.test")
    import django

    django.setup()
    sys.stdout.write("\n".join(named_routes()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
