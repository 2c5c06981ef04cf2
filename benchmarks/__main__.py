"""Runs the benchmarks: `python -m benchmarks [NAME ...]` (NAME is a bench_NAME.py module; none means all).

Each module defines ``run() -> list[dict]``: one dict per measured figure, with at least ``benchmark``,
``size`` and ``median_seconds`` (the median of several runs), plus whatever else explains the figure.
The runner prints them as a Markdown table, with the machine, for docs/benchmarks.md.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import sys
import time
from pathlib import Path


def machine() -> str:
    """Returns a one-line description of this machine."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("\n")[0].split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def main(argv: list[str]) -> int:
    """Runs the chosen benchmarks and prints their figures."""
    here = Path(__file__).parent
    names = [m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")]
    chosen = argv or sorted(names)
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        sys.stderr.write(f"No benchmark named {', '.join(unknown)}; there are: {', '.join(sorted(names))}\n")
        return 2
    print(f"Machine: {machine()}; started {time.strftime('%Y-%m-%d %H:%M')}\n")
    for name in chosen:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        rows = module.run()
        print(f"## {name}\n")
        if rows:
            columns = list(dict.fromkeys(k for row in rows for k in row))
            print("| " + " | ".join(columns) + " |")
            print("|" + "---|" * len(columns))
            for row in rows:
                print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
