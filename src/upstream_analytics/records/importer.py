# ruff: noqa: S608, C901, PLR0912, ISC004, SIM108 - SQL is built from the spec's own names and quoted values (_q/_lit); the checks read as one list
"""Imports a POLE extract into the records store, keeping the spec's promises.

- Bad rows never stop an import: each goes to ``rejects.csv`` with its file, line and reason.
- Importing the same extract twice changes nothing; a later extract with the same ids updates those rows.
- All or nothing: the new store version is written into a staging folder and switched in by renaming
  it and then replacing the one-line ``CURRENT`` pointer (an atomic rename), so a killed import leaves
  the previous version in place; stale staging folders are cleared by the next run.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from upstream_analytics.records import schema
from upstream_analytics.records.store import RecordsStore

Progress = Callable[[str], None]


class ExtractError(Exception):
    """The extract as a whole cannot be imported; the message says what to do."""


@dataclass
class TableSummary:
    """What happened to one table of the extract."""

    read: int = 0
    rejected: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    total: int = 0


@dataclass
class ImportSummary:
    """The counts an import reports, and where its rejects went."""

    version: str
    tables: dict[str, TableSummary] = field(default_factory=dict)
    rejects_path: Path | None = None

    @property
    def rejected(self) -> int:
        """Returns how many rows were rejected across the extract."""
        return sum(t.rejected for t in self.tables.values())

    @property
    def changed(self) -> bool:
        """Returns whether the import added or changed any row."""
        return any(t.new or t.updated for t in self.tables.values())


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(_lit(v) for v in values) + ")"


def find_table_file(folder: Path, table: str) -> Path | None:
    """Returns the extract's file for a table (CSV or Parquet), or None when it has none."""
    for suffix in (".csv", ".parquet"):
        candidate = folder / f"{table}{suffix}"
        if candidate.exists():
            return candidate
    return None


def _check_utf8(path: Path) -> None:
    """Raises ExtractError when the file is not UTF-8, naming the byte offset."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line = 1 + chunk[: exc.start].count(b"\n")
                raise ExtractError(
                    f"{path.name} is not UTF-8 (bad byte near offset {offset + exc.start}, line ~{line} of that "
                    "block). Export it again as UTF-8, or convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8`."
                ) from exc
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise ExtractError(f"{path.name} ends part-way through a character: it looks truncated.") from exc


def _csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        row = next(csv.reader(handle), None)
    if row is None:
        return []
    return [c.strip().lstrip("\ufeff") for c in row]


def _check_not_truncated(path: Path, width: int) -> None:
    """Raises ExtractError when the file's last record is cut short (no final newline and a short row)."""
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65536))
        tail = handle.read()
    if tail.endswith((b"\n", b"\r")):
        return
    last = tail.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    fields = next(csv.reader([last]), [])
    if last.count('"') % 2 == 1 or len(fields) < width:
        raise ExtractError(
            f"{path.name} looks truncated: its last line ends part-way through a record "
            f"({len(fields)} of {width} fields, no final line break). Copy the file again in full."
        )


def _load_csv(con: duckdb.DuckDBPyConnection, path: Path, target: str) -> list[str]:
    """Loads a CSV as text columns with its line numbers into `target`; returns the header's columns."""
    _check_utf8(path)
    header = _csv_header(path)
    if not header:
        return []
    _check_not_truncated(path, len(header))
    if len(set(header)) != len(header):
        raise ExtractError(f"{path.name} names a column twice in its header: {', '.join(header)}.")
    columns = "{" + ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in header) + "}"
    options = (
        f"columns={columns}, delim=',', quote='\"', escape='\"', header=true, auto_detect=false, "
        "strict_mode=true, null_padding=false"
    )
    # Lines are numbered as the file counts them (header = line 1) when no record spans lines; otherwise,
    # or when some lines are malformed, Python's csv module reads it so every line number stays true.
    with path.open("rb") as handle:
        newlines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 22), b""))
    try:
        con.execute(
            f"create or replace temp table {target} as select *, (row_number() over ())::bigint + 1 as _line "
            f"from read_csv({_lit(str(path))}, {options})"
        )
        rows = con.execute(f"select count(*) from {target}").fetchone()[0]  # type: ignore[index]
        if newlines in {rows, rows + 1}:
            return header
    except duckdb.Error:
        pass
    _load_csv_slowly(con, path, target, header)
    return header


def _load_csv_slowly(con: duckdb.DuckDBPyConnection, path: Path, target: str, header: list[str]) -> None:
    """Loads a CSV row by row with true line numbers; rows of the wrong width become rejects."""
    import pandas as pd

    good: list[list[str | int]] = []
    bad: list[tuple[int, str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        next(reader)
        line = reader.line_num + 1
        try:
            for row in reader:
                if len(row) != len(header):
                    bad.append((line, f"has {len(row)} fields, the header has {len(header)}"))
                else:
                    good.append([*row, line])
                line = reader.line_num + 1
        except csv.Error as exc:
            raise ExtractError(f"{path.name} cannot be read at line {line}: {exc}. Fix or re-export it.") from exc
    frame = pd.DataFrame(good, columns=[*header, "_line"]).astype({"_line": "int64"})
    for c in header:
        frame[c] = frame[c].astype(object)
    con.register("_slow", frame)
    con.execute(f"create or replace temp table {target} as select * from _slow")
    con.unregister("_slow")
    for line_no, reason in bad:
        con.execute(
            "insert into _rejects values (?, ?, ?)",
            [path.name, line_no, f"malformed row: {reason}"],
        )


def _load_parquet(con: duckdb.DuckDBPyConnection, path: Path, target: str) -> list[str]:
    try:
        rel = con.sql(f"select * from read_parquet({_lit(str(path))})")
        header = list(rel.columns)
    except duckdb.Error as exc:
        raise ExtractError(f"{path.name} is not a readable Parquet file ({exc}). It may be truncated.") from exc
    casts = ", ".join(f"cast({_q(c)} as varchar) as {_q(c)}" for c in header)
    con.execute(
        f"create or replace temp table {target} as select {casts}, (row_number() over ())::bigint as _line "
        f"from read_parquet({_lit(str(path))})"
    )
    return header


class _Import:
    def __init__(self, extract: Path, store: RecordsStore, now: dt.datetime, progress: Progress) -> None:
        self.extract = extract
        self.store = store
        self.now = now
        self.progress = progress
        self.con = duckdb.connect()
        self.con.execute("set TimeZone='Europe/London'")
        self.con.execute(f"set memory_limit={_lit(os.environ.get('UPSTREAM_DUCKDB_MEMORY', '6GB'))}")
        self.con.execute("set preserve_insertion_order=true")
        self.con.execute("create temp table _rejects(file varchar, line bigint, reason varchar)")
        self.files: dict[str, Path] = {}
        self.extra_columns: dict[str, list[str]] = {}

    def read(self) -> None:
        """Reads every file, checking the whole-file problems first."""
        if not self.extract.is_dir():
            raise ExtractError(f"{self.extract} is not a folder. Give the folder that holds events.csv, people.csv …")
        missing = []
        for name in schema.LOAD_ORDER:
            spec = schema.TABLES[name]
            path = find_table_file(self.extract, name)
            if path is None:
                if not spec.optional_table:
                    missing.append(name)
                continue
            self.files[name] = path
        if missing:
            raise ExtractError(
                f"The extract in {self.extract} has no {', '.join(missing)} file (CSV or Parquet). "
                "Every extract needs events, people, locations and involvements."
            )
        total_rows = 0
        for name, path in self.files.items():
            self.progress(f"Reading {path.name}")
            spec = schema.TABLES[name]
            raw = f"raw_{name}"
            if path.suffix == ".csv":
                header = _load_csv(self.con, path, raw)
            else:
                header = _load_parquet(self.con, path, raw)
            if not header:
                raise ExtractError(f"{path.name} is empty: it has not even a header row. Export it again.")
            absent = [c for c in spec.required if c not in header]
            if absent:
                raise ExtractError(
                    f"{path.name} has no {', '.join(absent)} column, which the spec requires. "
                    f"Its columns are: {', '.join(header)}."
                )
            self.extra_columns[name] = [c for c in header if c not in spec.columns]
            # Blank text is 'not recorded'; optional columns the file lacks are added empty.
            selects = []
            for c in spec.columns:
                if c in header:
                    selects.append(f"nullif(trim({_q(c)}), '') as {_q(c)}")
                else:
                    selects.append(f"cast(null as varchar) as {_q(c)}")
            selects += [_q(c) for c in self.extra_columns[name]]
            self.con.execute(
                f"create or replace temp table src_{name} as select {', '.join(selects)}, _line from {raw}"
            )
            self.con.execute(f"drop table {raw}")
            total_rows += self.count(f"src_{name}")
        if total_rows == 0:
            raise ExtractError(f"The extract in {self.extract} holds no rows: nothing to import.")

    def count(self, table: str) -> int:
        return int(self.con.execute(f"select count(*) from {table}").fetchone()[0])  # type: ignore[index]

    def previous(self, name: str) -> str:
        """Returns SQL for the store's current rows of a table (none when the store is new)."""
        path = self.store.current_table_path(name)
        if path is None:
            cols = ", ".join(f"cast(null as varchar) as {_q(c)}" for c in schema.TABLES[name].columns)
            if name == "events":
                cols = cols.replace('cast(null as varchar) as "occurred_at"', "cast(null as timestamp) as occurred_at")
            return f"(select {cols} where false)"
        return f"read_parquet({_lit(str(path))})"

    def reject(self, name: str, rules: list[tuple[str, str]]) -> None:
        """Moves the rows of src_<name> that break a rule to the rejects (first broken rule is the reason)."""
        cases = " ".join(f"when {cond} then {reason}" for cond, reason in rules)
        self.con.execute(
            f"create or replace temp table chk_{name} as select *, case {cases} else null end as _reason "
            f"from src_{name}"
        )
        file = self.files[name].name
        self.con.execute(
            f"insert into _rejects select {_lit(file)}, _line, _reason from chk_{name} where _reason is not null"
        )
        self.con.execute(
            f"create or replace temp table ok_{name} as select * exclude (_reason) from chk_{name} "
            "where _reason is null"
        )
        self.con.execute(f"drop table chk_{name}")

    def validate(self) -> None:
        """Checks every row: required values, dates, enums, codes and references."""
        now = _lit(self.now.strftime("%Y-%m-%d %H:%M:%S"))
        today = _lit(self.now.strftime("%Y-%m-%d"))
        dup = "row_number() over (partition by {k} order by _line) > 1"

        def required(name: str) -> list[tuple[str, str]]:
            return [(f"{_q(c)} is null", _lit(f"missing {c}")) for c in schema.TABLES[name].required]

        def duplicate(name: str) -> tuple[str, str]:
            key = ", ".join(_q(c) for c in schema.TABLES[name].key)
            return (dup.format(k=key), _lit(f"duplicate {'/'.join(schema.TABLES[name].key)} in this file"))

        if "locations" in self.files:
            self.progress("Checking locations")
            self.reject(
                "locations",
                [
                    *required("locations"),
                    duplicate("locations"),
                    (
                        "latitude is not null and (try_cast(latitude as double) is null "
                        "or abs(try_cast(latitude as double)) > 90)",
                        "'latitude is not a number between -90 and 90: ' || latitude",
                    ),
                    (
                        "longitude is not null and (try_cast(longitude as double) is null "
                        "or abs(try_cast(longitude as double)) > 180)",
                        "'longitude is not a number between -180 and 180: ' || longitude",
                    ),
                ],
            )
        locations = f"(select location_id from ok_locations union select location_id from {self.previous('locations')})"

        self.progress("Checking events")
        occurred = "timezone('UTC', try_cast(occurred_at as timestamptz))"
        self.con.execute(f"create or replace temp table src_events as select *, {occurred} as _at from src_events")
        flag_list = _in(schema.FLAGS)
        self.reject(
            "events",
            [
                *required("events"),
                duplicate("events"),
                (f"event_type not in {_in(schema.EVENT_TYPES)}", "'unknown event_type: ' || event_type"),
                ("_at is null", "'bad date: occurred_at is not an ISO 8601 date-time: ' || occurred_at"),
                (f"_at > timezone('UTC', {now}::timestamptz)", "'date in the future: occurred_at ' || occurred_at"),
                (
                    "offence_code is not null and not "
                    f"regexp_matches(offence_code, {_lit(schema.OFFENCE_CODE_PATTERN)})",
                    "'malformed offence_code: ' || offence_code",
                ),
                (
                    "flags is not null and "
                    f"len(list_filter(string_split(flags, ';'), lambda f: trim(f) not in {flag_list})) > 0",
                    "'unknown flag in: ' || flags",
                ),
                (f"outcome is not null and outcome not in {_in(schema.OUTCOMES)}", "'unknown outcome: ' || outcome"),
                (f"grade is not null and grade not in {_in(schema.GRADES)}", "'unknown grade: ' || grade"),
                (
                    f"location_id is not null and location_id not in {locations}",
                    "'dangling reference: location_id ' || location_id || ' is not in locations'",
                ),
            ],
        )
        self.con.execute(
            "create or replace temp table ok_events as select * exclude (occurred_at, _at), _at as occurred_at "
            "from ok_events"
        )

        self.progress("Checking people")
        dob_shape = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
        earliest = (
            "case when length(date_of_birth) = 10 then try_strptime(date_of_birth, '%Y-%m-%d')::date "
            "when length(date_of_birth) = 7 then try_strptime(date_of_birth, '%Y-%m')::date "
            "when length(date_of_birth) = 4 then try_strptime(date_of_birth, '%Y')::date end"
        )
        self.con.execute(f"create or replace temp table src_people as select *, {earliest} as _born from src_people")
        self.reject(
            "people",
            [
                *required("people"),
                duplicate("people"),
                (
                    f"date_of_birth is not null and (not regexp_matches(date_of_birth, {_lit(dob_shape)}) "
                    "or _born is null)",
                    "'bad date: date_of_birth is not YYYY-MM-DD, YYYY-MM or YYYY: ' || date_of_birth",
                ),
                (f"_born > {today}::date", "'date in the future: date_of_birth ' || date_of_birth"),
                (f"sex is not null and sex not in {_in(schema.SEXES)}", "'unknown sex: ' || sex"),
                (
                    f"address_location_id is not null and address_location_id not in {locations}",
                    "'dangling reference: address_location_id ' || address_location_id || ' is not in locations'",
                ),
            ],
        )
        self.con.execute("create or replace temp table ok_people as select * exclude (_born) from ok_people")

        merged_events = (
            f"(select event_id, occurred_at from ok_events union all select event_id, occurred_at "
            f"from {self.previous('events')} where event_id not in (select event_id from ok_events))"
        )
        merged_people = (
            f"(select person_id, date_of_birth from ok_people union all select person_id, date_of_birth "
            f"from {self.previous('people')} where person_id not in (select person_id from ok_people))"
        )
        self.progress("Checking involvements")
        self.con.execute(
            f"create or replace temp table src_involvements as select i.*, e.occurred_at as _at, "
            f"(e.event_id is not null) as _event_ok, (p.person_id is not null) as _person_ok, "
            f"case when length(p.date_of_birth) = 10 then strptime(p.date_of_birth, '%Y-%m-%d')::date "
            f"when length(p.date_of_birth) = 7 then strptime(p.date_of_birth, '%Y-%m')::date "
            f"when length(p.date_of_birth) = 4 then strptime(p.date_of_birth, '%Y')::date end as _born "
            f"from src_involvements i left join {merged_events} e using (event_id) "
            f"left join {merged_people} p using (person_id)"
        )
        self.reject(
            "involvements",
            [
                *required("involvements"),
                duplicate("involvements"),
                (f"role not in {_in(schema.ROLES)}", "'unknown role: ' || role"),
                (
                    f"relationship is not null and relationship not in {_in(schema.INVOLVEMENT_RELATIONSHIPS)}",
                    "'unknown relationship: ' || relationship",
                ),
                ("not _event_ok", "'dangling reference: event_id ' || event_id || ' is not in events'"),
                ("not _person_ok", "'dangling reference: person_id ' || person_id || ' is not in people'"),
                (
                    "_born > _at::date",
                    "'birth after the event: person ' || person_id || ' born ' || strftime(_born, '%Y-%m-%d') "
                    "|| ' is involved in event ' || event_id || ' of ' || strftime(_at, '%Y-%m-%d')",
                ),
            ],
        )
        self.con.execute(
            "create or replace temp table ok_involvements as select * exclude (_at, _event_ok, _person_ok, _born) "
            "from ok_involvements"
        )
        if "relationships" in self.files:
            self.progress("Checking relationships")
            ids = "(select person_id from " + merged_people + ")"
            self.reject(
                "relationships",
                [
                    *required("relationships"),
                    duplicate("relationships"),
                    (
                        f"relationship not in {_in(schema.RELATIONSHIPS)}",
                        "'unknown relationship: ' || relationship",
                    ),
                    (
                        f"person_id_a not in {ids}",
                        "'dangling reference: person_id_a ' || person_id_a || ' is not in people'",
                    ),
                    (
                        f"person_id_b not in {ids}",
                        "'dangling reference: person_id_b ' || person_id_b || ' is not in people'",
                    ),
                ],
            )

    def write(self, folder: Path, summary: ImportSummary) -> None:
        """Writes the merged store tables (old rows kept unless the extract updates them) into `folder`."""
        for name in schema.LOAD_ORDER:
            spec = schema.TABLES[name]
            key = ", ".join(_q(c) for c in spec.key)
            cols = ", ".join(_q(c) for c in spec.columns)
            old = self.previous(name)
            table = summary.tables.setdefault(name, TableSummary())
            if name in self.files:
                table.read = self.count(f"src_{name}")
                new_rows = f"(select * exclude (_line) from ok_{name})"
            else:
                new_rows = f"(select * from {old} where false)"
            self.progress(f"Writing {name}")
            # Rows of the extract replace the store's rows with the same key; the rest of the store stays.
            self.con.execute(
                f"create or replace temp table merged as select * from {new_rows} "
                f"union all by name select * from {old} o where ({key}) not in (select {key} from {new_rows})"
            )
            counts = self.con.execute(
                f"select count(*) filter (where o_key is null), count(*) filter (where o_key is not null) "
                f"from (select n.*, o.{_q(spec.key[0])} as o_key from {new_rows} n left join {old} o using ({key}))"
            ).fetchone()
            table.new = int(counts[0])  # type: ignore[index]
            present = int(counts[1])  # type: ignore[index]
            same = self.con.execute(
                f"select count(*) from (select {cols} from {new_rows} intersect all select {cols} from {old})"
            ).fetchone()[0]  # type: ignore[index]
            table.unchanged = int(same)
            table.updated = present - table.unchanged
            table.total = self.count("merged")
            order = ", ".join(_q(c) for c in spec.key)
            self.con.execute(
                f"copy (select * from merged order by {order}) to {_lit(str(folder / f'{name}.parquet'))} "
                "(format parquet, compression zstd)"
            )
        for name in schema.LOAD_ORDER:
            if name in self.files:
                summary.tables[name].rejected = self.count(f"src_{name}") - self.count(f"ok_{name}")
        # Malformed lines (read by the slow path) never reached src_*; count them too.
        malformed = self.con.execute(
            "select file, count(*) from _rejects where reason like 'malformed row:%' group by file"
        ).fetchall()
        for file, n in malformed:
            for name, path in self.files.items():
                if path.name == file:
                    summary.tables[name].rejected += int(n)
                    summary.tables[name].read += int(n)
        rejects = folder / "rejects.csv"
        self.con.execute(
            f"copy (select file, line, reason from _rejects order by file, line) to {_lit(str(rejects))} "
            "(header, delimiter ',')"
        )
        summary.rejects_path = rejects


def import_extract(
    extract: Path,
    store_dir: Path,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    before_switch: Callable[[Path], None] | None = None,
) -> ImportSummary:
    """Imports an extract folder into the records store under `store_dir`; returns its summary."""
    store = RecordsStore(store_dir)
    store.clear_staging()
    job = _Import(Path(extract), store, now or dt.datetime.now(dt.UTC).replace(tzinfo=None), progress or _quiet)
    job.read()
    job.validate()
    version = store.next_version()
    staging = store.staging_dir / f"{version}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    summary = ImportSummary(version=version)
    job.write(staging, summary)
    (staging / "SOURCE").write_text(str(Path(extract).resolve()) + "\n", encoding="utf-8")
    if before_switch is not None:
        before_switch(staging)
    job.progress("Switching the store to the new version")
    store.switch(staging, version)
    summary.rejects_path = store.version_dir(version) / "rejects.csv"
    return summary


def _quiet(_: str) -> None:
    return None


__all__ = ["ExtractError", "ImportSummary", "TableSummary", "find_table_file", "import_extract"]
