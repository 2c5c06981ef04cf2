"""The public forms' rate limit is kept in the database, so every worker process counts against one limit."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache, caches
from django.db import connection

from upstream.core import ratelimit


def _request(address: str = "203.0.113.7") -> SimpleNamespace:
    return SimpleNamespace(META={"REMOTE_ADDR": address})


@pytest.mark.django_db
def test_the_limit_counts_per_sender_and_survives_this_processs_memory_being_cleared():
    scope = f"test:{uuid.uuid4().hex}"
    assert [ratelimit.attempt(scope, _request(), limit=3, window=60) for _ in range(4)] == [True, True, True, False]
    cache.clear()  # the per-process cache: forgetting it must not forget the count
    assert ratelimit.attempt(scope, _request(), limit=3, window=60) is False
    assert ratelimit.attempt(scope, _request("198.51.100.1"), limit=3, window=60) is True
    # The counts are rows of the shared cache's table, keyed by a hash: no address is stored.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM upstream_shared_cache WHERE cache_key LIKE %s", [f"%{scope}%"])
        keys = [row[0] for row in cursor.fetchall()]
    assert len(keys) == 4
    assert not any("203.0.113.7" in key for key in keys)


@pytest.mark.django_db
def test_a_slot_frees_itself_after_the_window(monkeypatch):
    scope = f"test:{uuid.uuid4().hex}"
    assert ratelimit.attempt(scope, _request(), limit=1, window=60)
    assert not ratelimit.attempt(scope, _request(), limit=1, window=60)
    shared = caches[ratelimit.SHARED_CACHE]
    key = f"{ratelimit.client_key(scope, _request())}:0"
    shared.touch(key, -1)  # expire the only slot, as an hour passing would
    assert ratelimit.attempt(scope, _request(), limit=1, window=60)


def _database_url() -> str | None:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings.get("USER") or "postgres"
        return (
            f"postgres://{user}@{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/{settings['NAME']}"
        )
    name = str(settings["NAME"])
    if "memory" in name:
        return None
    return f"sqlite:///{Path(name).resolve()}"


@pytest.mark.django_db(transaction=True)
def test_another_process_uses_up_the_limit_and_this_one_is_refused():
    url = _database_url()
    if url is None:
        pytest.skip("the SQLite test database is in memory, which another process cannot open")
    scope = f"test:{uuid.uuid4().hex}"
    script = (
        "import django; django.setup()\n"
        "from types import SimpleNamespace\n"
        "from upstream.core import ratelimit\n"
        "r = SimpleNamespace(META={'REMOTE_ADDR': '203.0.113.9'})\n"
        f"print([ratelimit.attempt({scope!r}, r, limit=2, window=60) for _ in range(2)])\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "upstream.settings.test"}
    env.pop("UPSTREAM_TEST_DB_NAME", None)
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[True, True]"
    assert ratelimit.attempt(scope, _request("203.0.113.9"), limit=2, window=60) is False
