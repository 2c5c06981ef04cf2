"""``upstream places import-policeuk FILES… [--from YYYY-MM] [--to YYYY-MM] [--strict]``."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from upstream_analytics.places.policeuk import FileResult, read_street_csv, valid_month
from upstream_analytics.places.store import CrimeStore

name = "import-policeuk"
help = (  # noqa: A001 - the command-group protocol (core/commands.py) names it help
    "Loads police.uk street-level crime files (.csv or .csv.gz, or folders of them) into the analytics store. "
    "Re-importing a force's month replaces it; the store switches to the new data only when every file is read."
)


def month_argument(value: str) -> str:
    """Returns a month argument after checking it is written YYYY-MM."""
    if not valid_month(value):
        raise ArgumentTypeError(f"{value!r} is not a month written YYYY-MM, e.g. 2017-07")
    return value


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the command's arguments."""
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        help="police.uk street-level CSV files (YYYY-MM-force-street.csv[.gz]), or folders holding them.",
    )
    parser.add_argument("--from", dest="first_month", type=month_argument, metavar="YYYY-MM", help="Skip earlier rows.")
    parser.add_argument("--to", dest="last_month", type=month_argument, metavar="YYYY-MM", help="Skip later rows.")
    parser.add_argument(
        "--strict", action="store_true", help="Import nothing if any file is refused (default: skip that file)."
    )


def expand(paths: list[Path]) -> list[Path]:
    """Returns the files to read: files as given, folders replaced by the street-level files inside them."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.endswith(("-street.csv", "-street.csv.gz"))
            )
            if not inside:
                raise CommandError(f"{path}: no police.uk street-level files (*-street.csv[.gz]) in this folder.")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"{path}: no such file. Give police.uk street-level CSV files or folders of them.")
    return found


def report_unknown_lsoas(command: BaseCommand, partitions: dict[tuple[str, str], pd.DataFrame]) -> None:
    """Says how many imported rows name an LSOA that is not among the loaded boundaries (kept, counted later)."""
    from upstream.places.models import Area, AreaLevel

    known = set(Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD).values_list("code", flat=True))
    if not known:
        command.stdout.write("No LSOA boundaries are loaded yet: load them to analyse by area (import-boundaries).")
        return
    codes = pd.concat([frame["lsoa_code"] for frame in partitions.values()]).dropna()
    unknown = codes[~codes.isin(known)]
    if len(unknown):
        command.stdout.write(
            f"{len(unknown):,} rows name {unknown.nunique():,} LSOAs that are not in the loaded boundaries; they are "
            "kept, and counted as outside the force in analyses until those boundaries are loaded."
        )


def handle(command: BaseCommand, **options: Any) -> None:  # noqa: C901 - read, report, switch: one story
    """Reads every file, reports what was kept and skipped, then switches the store to the new data."""
    first, last = options.get("first_month"), options.get("last_month")
    if first and last and first > last:
        raise CommandError(f"--from {first} is after --to {last}.")
    files = expand(options["files"])
    partitions: dict[tuple[str, str], pd.DataFrame] = {}
    sources: dict[tuple[str, str], Path] = {}
    labels: dict[tuple[str, str], str] = {}
    skipped: Counter[str] = Counter()
    refused: list[FileResult] = []
    for number, path in enumerate(files, start=1):
        result = read_street_csv(path, first_month=first, last_month=last)
        if result.file_problem:
            refused.append(result)
            command.stdout.write(f"[{number}/{len(files)}] {path.name}: skipped, {result.file_problem}.")
            continue
        skipped.update(result.skipped_rows)
        frame = result.frame
        if frame is None or frame.empty:
            command.stdout.write(f"[{number}/{len(files)}] {path.name}: no rows kept.")
            continue
        for (key, month), rows in frame.groupby(["reported_by_key", "month"], sort=True):
            if (key, month) in partitions:
                # A force's month comes in one police.uk file; a second copy replaces the first, never adds to it.
                skipped[f"rows replaced by a later file for the same force and month ({path.name})"] += len(
                    partitions[(key, month)]
                )
            partitions[(key, month)] = rows.reset_index(drop=True)
            sources[(key, month)] = path
            labels[(key, month)] = str(rows["reported_by"].iloc[0])
        command.stdout.write(f"[{number}/{len(files)}] {path.name}: {result.kept:,} rows read.")
    if refused and options.get("strict"):
        raise CommandError(
            f"Nothing imported (--strict): {len(refused)} of {len(files)} files were refused "
            f"({'; '.join(f'{r.path.name}: {r.file_problem}' for r in refused)})."
        )
    if not partitions:
        reasons = [f"{r.path.name}: {r.file_problem}" for r in refused] + [
            f"{count:,} rows: {reason}" for reason, count in skipped.most_common()
        ]
        raise CommandError(
            "Nothing imported: no rows to keep. " + ("; ".join(reasons) if reasons else "The files hold no rows.")
        )
    written = CrimeStore(settings.ANALYTICS_DIR).replace(partitions)
    total = sum(len(f) for f in partitions.values())
    command.stdout.write(f"Imported {total:,} rows in {len(written)} force-months:")
    for key, month, replaced in written:
        frame = partitions[(key, month)]
        asb = int((frame["crime_type"] == "Anti-social behaviour").sum())
        unlocated = int(frame["lsoa_code"].isna().sum())
        note = " (replaces the earlier import)" if replaced else ""
        command.stdout.write(
            f"  {labels[(key, month)]} {month}: {len(frame):,} rows, of which {asb:,} ASB and "
            f"{unlocated:,} with no LSOA{note}."
        )
    report_unknown_lsoas(command, partitions)
    if skipped:
        command.stdout.write(f"Skipped {sum(skipped.values()):,} rows:")
        for reason, count in skipped.most_common():
            command.stdout.write(f"  {count:,}: {reason}")
    if refused:
        command.stdout.write(f"Skipped {len(refused)} files: " + "; ".join(r.path.name for r in refused) + ".")
