import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from upstream.settings.base import database_from_environment

UPSTREAM = Path(sys.executable).parent / "upstream"


def test_no_configuration_means_sqlite_in_wal_mode(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    database = database_from_environment()
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_sqlite_connections_are_kept_across_requests(monkeypatch):
    # A new connection re-reads the schema and starts with a cold cache: about 5 ms of CPU per request.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_from_environment()["CONN_MAX_AGE"] > 0


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://upstream@db.example:5432/upstream")
    database = database_from_environment()
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "upstream"
    assert database["HOST"] == "db.example"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "not a database address"),
        ("postgres://db.example:port/upstream", "not a database address"),
        ("mysql://upstream@db.example/upstream", "unsupported database"),
        ("postgres://upstream@db.example:5432/", "no database name"),
    ],
)
def test_a_malformed_database_url_is_refused_with_what_to_do(monkeypatch, url, says):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match=says):
        database_from_environment()


def test_the_command_line_reports_a_bad_database_url_without_a_traceback(tmp_path):
    env = {**os.environ, "DATABASE_URL": "not a url", "UPSTREAM_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - our own console script
        [str(UPSTREAM), "check"], capture_output=True, text=True, env=env, check=False, timeout=120
    )
    assert result.returncode == 2
    assert "DATABASE_URL is not a database address" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_instance_keeps_its_sqlite_database_in_wal_mode_in_its_own_data_folder(tmp_path):
    env = {**os.environ, "UPSTREAM_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = (
        "from django.db import connection; cursor = connection.cursor(); "
        "print(cursor.execute('PRAGMA journal_mode').fetchone()[0])"
    )
    result = subprocess.run(  # noqa: S603 - our own console script
        [str(UPSTREAM), "shell", "-c", script], capture_output=True, text=True, env=env, check=False, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr
    assert (tmp_path / "upstream.sqlite3").exists()
    assert (tmp_path / "secret_key").exists()
