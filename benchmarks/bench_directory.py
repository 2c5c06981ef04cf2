"""Directory search over HTTP: 20,000 services, 20 concurrent clients, on SQLite and on PostgreSQL.

Each database gets its own data folder (and database), filled once with generated services; a real
gunicorn serves the app on a free loopback port; 20 threads each keep one connection open and send
requests back to back. The search asks for words, a need, a distance from a postcode and "open now"; the
floor is the same server's health check.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SERVICES = int(os.environ.get("BENCH_DIRECTORY_SERVICES", "20000"))
CLIENTS = 20
REQUESTS_PER_CLIENT = int(os.environ.get("BENCH_DIRECTORY_REQUESTS", "40"))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/upstream_bench_directory")

SEED = """
import django, os
django.setup()
from django.db.models import Count
from upstream.directory.models import Service, Address
from upstream.directory.generate import generate_directory
missing = {services} - Service.objects.count()
if missing > 0:
    generate_directory(missing, seed=Service.objects.count() + 1)
print(Address.objects.values("postal_code").annotate(n=Count("id")).order_by("-n").first()["postal_code"])
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_available() -> bool:
    try:
        import psycopg

        admin = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            name = POSTGRES_URL.rsplit("/", 1)[1]
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except Exception:  # noqa: BLE001 - no server means no PostgreSQL figures, said in the output
        return False
    return True


def _env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env["UPSTREAM_DATA_DIR"] = f"/tmp/upstream-bench-directory-{database}"  # noqa: S108 - a scratch folder for the run
    env["DJANGO_SETTINGS_MODULE"] = "upstream.settings.base"
    env.pop("DATABASE_URL", None)
    if database == "postgresql":
        env["DATABASE_URL"] = POSTGRES_URL
    Path(env["UPSTREAM_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    return env


def _prepare(env: dict[str, str]) -> str:
    # Checks are skipped: they are the test suite's job, and a half-built package elsewhere must not stop a run.
    subprocess.run([str(BIN / "upstream"), "migrate", "-v0", "--skip-checks"], env=env, check=True, cwd=ROOT)  # noqa: S603 - fixed arguments
    seeded = subprocess.run(  # noqa: S603 - fixed arguments
        [str(BIN / "python"), "-c", SEED.format(services=SERVICES)],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return seeded.stdout.strip().splitlines()[-1]


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(BIN / "gunicorn"),
            "upstream.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120  # a loaded machine starts three workers slowly
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return server
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _load(port: int, path: str) -> tuple[list[float], int]:
    """Returns each request's latency in seconds and how many did not answer 200."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(REQUESTS_PER_CLIENT):
            start = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                with lock:
                    failures[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures[0]


def _row(database: str, what: str, latencies: list[float], failures: int, seconds: float) -> dict[str, object]:
    ordered = sorted(latencies)
    return {
        "benchmark": f"directory {what} ({database})",
        "size": f"{SERVICES} services, {CLIENTS} clients",
        "median_seconds": round(statistics.median(ordered), 4),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "requests": len(ordered),
        "not_200": failures,
        "requests_per_second": round(len(ordered) / seconds, 1),
    }


def run() -> list[dict[str, object]]:
    """Returns p50/p95 latency of the directory search and of a trivial page, per database."""
    rows: list[dict[str, object]] = []
    databases = ["sqlite"] + (["postgresql"] if _postgres_available() else [])
    for database in databases:
        env = _env(database)
        postcode = _prepare(env)
        port = _free_port()
        server = _serve(env, port)
        try:
            search = (
                f"/directory/?q=advice&need=housing&need=debt&postcode={postcode.replace(' ', '+')}"
                "&radius=25&open_now=on"
            )
            for what, path in (
                ("trivial page /api/health", "/api/health"),
                ("search text+need+distance+open-now", search),
            ):
                _load(port, path)  # warm-up: workers import, caches fill
                start = time.perf_counter()
                latencies, failures = _load(port, path)
                rows.append(_row(database, what, latencies, failures, time.perf_counter() - start))
        finally:
            server.terminate()
            server.wait(timeout=30)
    if "postgresql" not in databases:
        sys.stderr.write("PostgreSQL was not reachable: no PostgreSQL figures.\n")
    return rows
