"""Fixtures shared by the whole suite."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import pytest

# py4j logs at INFO while the interpreter shuts down, after pytest has closed its streams.
logging.getLogger("py4j").setLevel(logging.WARNING)

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "upstream" / "locale"


def compile_translations() -> None:
    """Compiles each committed .po catalogue to its .mo when the .mo is missing or older.

    The .mo files are build products (gitignored, made by `make messages`); compiling here lets a bare
    `pytest` see the Welsh pages as a user would.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Written beside the target and renamed, so parallel test workers never read half a file.
        fd, tmp_name = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as mo_file:
            write_mo(mo_file, catalog)
        Path(tmp_name).chmod(0o644)
        Path(tmp_name).replace(mo_path)


def pytest_configure(config):
    """Prepares what the suite needs before any test runs."""
    compile_translations()


@pytest.fixture(autouse=True)
def _english_first():
    """Starts each test in English: a Welsh page a previous test opened leaves its language on the thread."""
    from django.utils import translation

    translation.activate("en-gb")
    yield
    translation.deactivate()


@pytest.fixture
def signed_in(client):
    """Returns a function that signs a user in on the test client past both factors, and returns the client."""
    from signing_in import sign_in

    return lambda user: sign_in(client, user)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, settings):
    """Gives each test its own data folder, so runs and analytics outputs never mix."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.ANALYTICS_DIR = settings.DATA_DIR / "analytics"
    settings.RUNS_DIR = settings.DATA_DIR / "runs"
