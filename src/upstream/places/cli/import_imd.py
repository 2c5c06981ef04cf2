"""``upstream places import-imd FILE [--population FILE]``: English Indices of Deprivation 2019 by LSOA."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from upstream_analytics.places.deprivation import DeprivationFileError, combine, read_domains, read_population
from upstream_analytics.places.store import write_deprivation

name = "import-imd"
help = (  # noqa: A001 - the command-group protocol (core/commands.py) names it help
    "Loads the English Indices of Deprivation 2019 by LSOA (File 2, domains of deprivation) and, with "
    "--population, the population denominators (File 6), replacing any earlier import whole."
)


def add_arguments(parser: ArgumentParser) -> None:
    """Adds the command's arguments."""
    parser.add_argument("file", type=Path, help="IoD2019 File 2 (domains of deprivation), CSV or CSV.gz.")
    parser.add_argument(
        "--population", type=Path, metavar="FILE", help="IoD2019 File 6 (population denominators), CSV or CSV.gz."
    )


def handle(command: BaseCommand, **options: Any) -> None:
    """Reads both files, checks them, and replaces the stored deprivation table."""
    path: Path = options["file"]
    population_path: Path | None = options.get("population")
    for given in (path, population_path):
        if given is not None and not given.is_file():
            raise CommandError(f"{given}: no such file.")
    try:
        domains = read_domains(path)
    except DeprivationFileError as exc:
        raise CommandError(f"{path.name}: not an IoD2019 domains file (File 2): {exc}.") from exc
    if domains.empty:
        raise CommandError(f"{path.name}: no LSOA rows; nothing imported.")
    population = None
    if population_path is not None:
        try:
            population = read_population(population_path)
        except DeprivationFileError as exc:
            raise CommandError(
                f"{population_path.name}: not an IoD2019 population file (File 6): {exc}. Nothing imported."
            ) from exc
    table = combine(domains, population)
    write_deprivation(settings.ANALYTICS_DIR, table)
    command.stdout.write(f"Imported deprivation for {len(table):,} LSOAs from {path.name}.")
    if population is None:
        command.stdout.write(
            "No --population file: rates per 1,000 residents will be empty until File 6 is imported with it."
        )
    else:
        with_population = int(table["population"].notna().sum())
        command.stdout.write(f"Population for {with_population:,} of them from {population_path.name}.")
        if with_population < len(table):
            command.stdout.write(f"  {len(table) - with_population:,} LSOAs have no population row.")
