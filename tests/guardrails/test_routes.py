import importlib.util
from pathlib import Path

# Loaded by path: tests/ is not a package, and routes.py is also run as `python -m tests.guardrails.routes`.
_spec = importlib.util.spec_from_file_location("guardrail_routes", Path(__file__).with_name("routes.py"))
_routes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_routes)
REGENERATE = _routes.REGENERATE
named_routes = _routes.named_routes

ROUTES_FILE = Path(__file__).with_name("routes.txt")


def _listed() -> set[str]:
    return {line.strip() for line in ROUTES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()}


def test_no_listed_route_has_vanished():
    missing = sorted(_listed() - set(named_routes()))
    assert not missing, (
        "These routes are listed in tests/guardrails/routes.txt but no longer exist (bookmarks, links and API "
        "clients would break):\n  "
        + "\n  ".join(missing)
        + f"\nIf removing or renaming them is intended, regenerate the list:\n  {REGENERATE}"
    )


def test_every_route_is_listed():
    unlisted = sorted(set(named_routes()) - _listed())
    assert not unlisted, (
        "New routes are not listed in tests/guardrails/routes.txt:\n  "
        + "\n  ".join(unlisted)
        + f"\nRegenerate the list and commit it:\n  {REGENERATE}"
    )
