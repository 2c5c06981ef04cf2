"""Reads a link run's outputs and the records store for one person or one pair, for the review pages.

The web app never loads a run into its own database: these functions read the run's CSVs and the store's
Parquet files with DuckDB, filtered to the records asked for, so a page costs the same at any force size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from upstream_analytics.records.store import RecordsStore

RESOLVED = "people_resolved.csv"
HOUSEHOLDS = "households.csv"
REVIEW = "clerical_review.csv"
LINKS = "links.csv"


class NoLinkRunError(LookupError):
    """No link run has written its outputs yet."""


@dataclass
class ResolvedPersonRecords:
    """Everything the store and the last run hold about one resolved person."""

    resolved_person_id: str
    records: pd.DataFrame  # the person records (people table) with their address
    events: pd.DataFrame  # events any of the records took part in, with the record and role
    relationships: pd.DataFrame  # family links of the records
    households: pd.DataFrame  # the person's households and their members
    links: pd.DataFrame  # the links that made the group: person_id_l, person_id_r, match_probability, source


def _csv(path: Path) -> str:
    return f"read_csv('{path.as_posix()}', all_varchar=true, header=true)"


def _parquet(path: Path) -> str:
    return f"read_parquet('{path.as_posix()}')"


def has_run(run_dir: Path) -> bool:
    """Returns whether a link run has written its outputs in the folder."""
    return (run_dir / RESOLVED).exists()


def run_finished_at(run_dir: Path) -> float | None:
    """Returns when the run's outputs were written (a POSIX time), or None before any run."""
    path = run_dir / RESOLVED
    return path.stat().st_mtime if path.exists() else None


def review_pairs(run_dir: Path) -> pd.DataFrame:
    """Returns the run's uncertain pairs (person_id_l, person_id_r, match_probability), most likely first."""
    path = run_dir / REVIEW
    if not path.exists():
        return pd.DataFrame({"person_id_l": [], "person_id_r": [], "match_probability": []})
    frame = pd.read_csv(path, dtype={"person_id_l": str, "person_id_r": str})
    return frame.astype({"match_probability": float})


def resolved_of(run_dir: Path, person_ids: list[str]) -> dict[str, str]:
    """Returns the resolved person of each record id the last run knows."""
    if not has_run(run_dir):
        raise NoLinkRunError("No link run yet: run `upstream records link`.")
    if not person_ids:
        return {}
    with duckdb.connect() as con:
        rows = con.execute(
            f"select person_id, resolved_person_id from {_csv(run_dir / RESOLVED)} "  # noqa: S608 - our path
            "where person_id in (select unnest(?))",
            [list(person_ids)],
        ).fetchall()
    return dict(rows)


def group_of(run_dir: Path, resolved_person_id: str) -> list[str]:
    """Returns the record ids the last run resolved to this person (empty when there is none)."""
    if not has_run(run_dir):
        raise NoLinkRunError("No link run yet: run `upstream records link`.")
    with duckdb.connect() as con:
        rows = con.execute(
            f"select person_id from {_csv(run_dir / RESOLVED)} where resolved_person_id = ? order by person_id",  # noqa: S608
            [resolved_person_id],
        ).fetchall()
    return [r[0] for r in rows]


def person_records(store_dir: Path, person_ids: list[str]) -> pd.DataFrame:
    """Returns the store's person records with these ids, each with its address line, town and postcode."""
    store = RecordsStore(store_dir)
    people, locations = store.current_table_path("people"), store.current_table_path("locations")
    if people is None or not person_ids:
        return pd.DataFrame()
    with duckdb.connect() as con:
        address = "null as address_line, null as town, null as postcode, null as uprn"
        join = ""
        if locations is not None:
            address = "l.address_line, l.town, l.postcode, l.uprn"
            join = f"left join {_parquet(locations)} l on l.location_id = p.address_location_id"
        return con.execute(
            f"select p.*, {address} from {_parquet(people)} p {join} "  # noqa: S608 - our paths
            "where p.person_id in (select unnest(?)) order by p.person_id",
            [list(person_ids)],
        ).df()


def events_of(store_dir: Path, person_ids: list[str]) -> pd.DataFrame:
    """Returns the events these records took part in (newest first), with the record, role and place."""
    store = RecordsStore(store_dir)
    events, involvements = store.current_table_path("events"), store.current_table_path("involvements")
    locations = store.current_table_path("locations")
    if events is None or involvements is None or not person_ids:
        return pd.DataFrame()
    place = "null as address_line, null as postcode"
    join = ""
    if locations is not None:
        place = "l.address_line, l.postcode"
        join = f"left join {_parquet(locations)} l on l.location_id = e.location_id"
    with duckdb.connect() as con:
        return con.execute(
            f"select e.event_id, e.event_type, e.occurred_at, e.category, e.offence_code, e.flags, e.outcome, "  # noqa: S608
            f"i.person_id, i.role, i.relationship, {place} "
            f"from {_parquet(involvements)} i join {_parquet(events)} e on e.event_id = i.event_id {join} "
            "where i.person_id in (select unnest(?)) order by e.occurred_at desc, e.event_id, i.person_id",
            [list(person_ids)],
        ).df()


def relationships_of(store_dir: Path, person_ids: list[str]) -> pd.DataFrame:
    """Returns the family links (PARENT_OF, PARTNER_OF …) that name any of these records."""
    path = RecordsStore(store_dir).current_table_path("relationships")
    if path is None or not person_ids:
        return pd.DataFrame({"person_id_a": [], "person_id_b": [], "relationship": []})
    with duckdb.connect() as con:
        return con.execute(
            f"select person_id_a, person_id_b, relationship from {_parquet(path)} "  # noqa: S608
            "where person_id_a in (select unnest(?)) or person_id_b in (select unnest(?)) "
            "order by person_id_a, person_id_b",
            [list(person_ids), list(person_ids)],
        ).df()


def households_of(run_dir: Path, resolved_person_id: str) -> pd.DataFrame:
    """Returns each household of the person with all its members (household_id, resolved_person_id, from, to)."""
    path = run_dir / HOUSEHOLDS
    if not path.exists():
        return pd.DataFrame({"household_id": [], "resolved_person_id": [], "from": [], "to": []})
    with duckdb.connect() as con:
        return con.execute(
            f'select household_id, resolved_person_id, "from", "to" from {_csv(path)} '  # noqa: S608
            f"where household_id in (select household_id from {_csv(path)} where resolved_person_id = ?) "
            'order by household_id, "from" nulls first, resolved_person_id',
            [resolved_person_id],
        ).df()


def links_within(run_dir: Path, person_ids: list[str]) -> pd.DataFrame:
    """Returns the run's links between these records: which pairs joined them, with what probability."""
    path = run_dir / LINKS
    empty = pd.DataFrame({"person_id_l": [], "person_id_r": [], "match_probability": [], "source": []})
    if not path.exists() or not person_ids:
        return empty
    with duckdb.connect() as con:
        frame = con.execute(
            f"select person_id_l, person_id_r, match_probability, source from {_csv(path)} "  # noqa: S608
            "where person_id_l in (select unnest(?)) and person_id_r in (select unnest(?)) "
            "order by person_id_l, person_id_r",
            [list(person_ids), list(person_ids)],
        ).df()
    frame["match_probability"] = pd.to_numeric(frame["match_probability"], errors="coerce")
    return frame


def resolved_person(run_dir: Path, store_dir: Path, resolved_person_id: str) -> ResolvedPersonRecords | None:
    """Returns everything about one resolved person, or None when the last run has no such person."""
    ids = group_of(run_dir, resolved_person_id)
    if not ids:
        return None
    return ResolvedPersonRecords(
        resolved_person_id=resolved_person_id,
        records=person_records(store_dir, ids),
        events=events_of(store_dir, ids),
        relationships=relationships_of(store_dir, ids),
        households=households_of(run_dir, resolved_person_id),
        links=links_within(run_dir, ids),
    )


def find_people(run_dir: Path, store_dir: Path, words: list[str], *, limit: int = 50) -> pd.DataFrame:
    """Returns person records whose id, names or postcode hold every word, with their resolved person."""
    people = RecordsStore(store_dir).current_table_path("people")
    if people is None or not has_run(run_dir) or not words:
        return pd.DataFrame()
    locations = RecordsStore(store_dir).current_table_path("locations")
    postcode, join = "null", ""
    if locations is not None:
        postcode, join = "l.postcode", f"left join {_parquet(locations)} l on l.location_id = p.address_location_id"
    text = f"lower(concat_ws(' ', p.person_id, p.forename, p.middle_names, p.surname, replace({postcode}, ' ', '')))"
    where = " and ".join(f"{text} like ?" for _ in words)
    params = [f"%{w.lower().replace(' ', '')}%" for w in words]
    with duckdb.connect() as con:
        return con.execute(
            f"select p.person_id, p.forename, p.surname, p.date_of_birth, p.sex, {postcode} as postcode, "  # noqa: S608
            f"r.resolved_person_id from {_parquet(people)} p {join} "
            f"join {_csv(run_dir / RESOLVED)} r on r.person_id = p.person_id "
            f"where {where} order by p.surname, p.forename, p.person_id limit {int(limit)}",
            params,
        ).df()
