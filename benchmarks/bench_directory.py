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
RUNS = int(os.environ.get("BENCH_DIRECTORY_RUNS", "3"))
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
for row in Address.objects.values("postal_code").annotate(n=Count("id")).order_by("-n", "postal_code")[:5]:
    print(row["postal_code"])
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


def _prepare(env: dict[str, str]) -> list[str]:
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
    return seeded.stdout.strip().splitlines()[-5:]


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


def _load(port: int, paths: list[str]) -> tuple[list[float], int]:
    """Returns each request's latency in seconds and how many did not answer 200 (client i starts at path i)."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        for i in range(REQUESTS_PER_CLIENT):
            start = time.perf_counter()
            try:
                conn.request("GET", paths[(number + i) % len(paths)])
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False  # counted, and the next request opens a new connection
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            mine.append(time.perf_counter() - start)
            if not ok:
                with lock:
                    failures[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures[0]


def _p95(ordered: list[float]) -> float:
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _row(database: str, what: str, runs: list[tuple[list[float], int, float]]) -> dict[str, object]:
    """Returns one figure: the median over runs of each run's p50, p95 and throughput."""
    p50s = [statistics.median(sorted(lat)) for lat, _f, _s in runs]
    p95s = [_p95(sorted(lat)) for lat, _f, _s in runs]
    rates = [len(lat) / seconds for lat, _f, seconds in runs]
    return {
        "benchmark": f"directory {what} ({database})",
        "size": f"{SERVICES} services, {CLIENTS} clients",
        "median_seconds": round(statistics.median(p50s), 4),
        "p50_ms": round(statistics.median(p50s) * 1000, 1),
        "p95_ms": round(statistics.median(p95s) * 1000, 1),
        "p95_ms_each_run": " / ".join(f"{p * 1000:.1f}" for p in p95s),
        "requests": sum(len(lat) for lat, _f, _s in runs),
        "not_200": sum(f for _lat, f, _s in runs),
        "requests_per_second": round(statistics.median(rates), 1),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else "",
    }


def run() -> list[dict[str, object]]:
    """Returns p50/p95 latency of the directory search and of a trivial page, per database (median of RUNS)."""
    rows: list[dict[str, object]] = []
    databases = [
        d for d in ("sqlite", "postgresql") if d in os.environ.get("BENCH_DIRECTORY_DATABASES", "sqlite,postgresql")
    ]
    if "postgresql" in databases and not _postgres_available():
        databases.remove("postgresql")
        sys.stderr.write("PostgreSQL was not reachable: no PostgreSQL figures.\n")
    for database in databases:
        env = _env(database)
        postcodes = _prepare(env)
        port = _free_port()
        server = _serve(env, port)
        try:
            # Five postcodes in turn, so no two neighbouring requests ask exactly the same thing.
            searches = [
                f"/directory/?q=advice&need=housing&need=debt&postcode={postcode.replace(' ', '+')}"
                "&radius=25&open_now=on"
                for postcode in postcodes
            ]
            for what, paths in (
                ("trivial page /api/health", ["/api/health"]),
                ("search text+need+distance+open-now", searches),
            ):
                _load(port, paths)  # warm-up: workers import, caches fill
                runs = []
                for _ in range(RUNS):
                    start = time.perf_counter()
                    latencies, failures = _load(port, paths)
                    runs.append((latencies, failures, time.perf_counter() - start))
                rows.append(_row(database, what, runs))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return rows
