# ruff: noqa: PD004 - these are Ibis expressions, whose null test is notnull, not pandas
"""`upstream triggers run`: from the records store and the linkage to triggers.csv and the repeat-demand lists."""

from __future__ import annotations

import datetime as dt
import functools
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from ibis.backends import BaseBackend

from upstream_analytics import engine as engines
from upstream_analytics.linkage import facts as person_facts
from upstream_analytics.linkage import standardise
from upstream_analytics.records.store import RecordsStore, StoreEmptyError
from upstream_analytics.triggers import disparity, repeats, rules
from upstream_analytics.triggers.ruleset import ACE_NAMES, RuleSet

STORE_TABLES = ("events", "people", "locations", "involvements", "relationships")
# The columns of each store table a run reads (DuckDB loads only these).
_READ_COLUMNS = {
    "events": ("event_id", "event_type", "occurred_at", "location_id", "category", "offence_code", "flags", "outcome"),
    "people": ("person_id", "date_of_birth", "sex", "ethnicity", "address_location_id"),
    "locations": ("location_id", "uprn", "address_line", "postcode", "area_code"),
    "involvements": ("event_id", "person_id", "role", "relationship"),
    "relationships": ("person_id_a", "person_id_b", "relationship"),
}


class NotLinkedError(Exception):
    """The store has not been linked yet: there is no people_resolved.csv or households.csv."""


@dataclass
class Inputs:
    """The tables a trigger run reads, on one engine."""

    events: ir.Table
    people: ir.Table
    locations: ir.Table
    involvements: ir.Table
    relationships: ir.Table
    resolved: ir.Table
    households: ir.Table
    # The linkage's person facts (linkage/facts.py), or None for a link run that predates them: the run then
    # votes them itself.
    facts: ir.Table | None = None


@dataclass
class Outputs:
    """The frames a trigger run produces (also written as CSV).

    The two long ones, the evidence and people_resolved, arrive from the engine as Arrow tables and are
    written from them; their pandas frames are made on first use.
    """

    triggers: pd.DataFrame
    repeat_victims: pd.DataFrame
    frequent_callers: pd.DataFrame
    frequent_missing: pd.DataFrame
    repeat_locations: pd.DataFrame
    disparity: pd.DataFrame
    evidence_table: pa.Table
    resolved_table: pa.Table
    seconds: dict[str, float] = field(default_factory=dict)

    @functools.cached_property
    def evidence(self) -> pd.DataFrame:
        """Returns evidence.csv's rows: one per event behind each child's ACE or flag."""
        return _frame(self.evidence_table)

    @functools.cached_property
    def resolved(self) -> pd.DataFrame:
        """Returns people_resolved.csv's rows: (person_id, resolved_person_id) by person id."""
        return _frame(self.resolved_table)


def _frame(table: pa.Table) -> pd.DataFrame:
    """Returns an Arrow table of text columns as a pandas frame of Python strings (None for a missing value)."""
    return (
        table.to_pandas(types_mapper={pa.string(): pd.StringDtype("python")}.get)
        .astype(object)
        .where(lambda f: f.notna(), None)
    )


def read_link_outputs(link_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Returns the linkage's people_resolved and households frames, or raises NotLinkedError."""
    resolved_path, households_path = link_dir / "people_resolved.csv", link_dir / "households.csv"
    if not resolved_path.exists() or not households_path.exists():
        raise NotLinkedError(
            f"No linkage found in {link_dir}: run `upstream records link` first (triggers need resolved people "
            "and households)."
        )
    resolved = pd.read_csv(resolved_path, dtype=str, keep_default_na=False)
    households = pd.read_csv(households_path, dtype=str, keep_default_na=False).replace("", None)
    return resolved, households


def store_inputs(con: BaseBackend, analytics_dir: Path, link_dir: Path) -> Inputs:
    """Returns the current store's tables and the linkage on the engine (StoreEmptyError, NotLinkedError)."""
    folder = RecordsStore(analytics_dir).current_dir()
    tables = {n: engines.read_parquet(con, folder / f"{n}.parquet", table_name=f"trig_{n}") for n in STORE_TABLES}
    if con.name == "duckdb":
        # DuckDB reads the linkage's CSVs itself (all columns as text, a blank as null, as below), which at the
        # 1M tier is seconds faster than pandas and an Arrow copy.
        resolved_path, households_path = link_dir / "people_resolved.csv", link_dir / "households.csv"
        if not resolved_path.exists() or not households_path.exists():
            read_link_outputs(link_dir)  # raises NotLinkedError with the message
        text = {"all_varchar": True, "header": True}
        resolved_table = con.read_csv(str(resolved_path), table_name="trig_resolved_csv", **text)
        households_table = con.read_csv(str(households_path), table_name="trig_households_csv", **text)
        # A file read by DuckDB is a view over the file, read again by every query that uses it: each input is
        # loaded once into a temporary table instead (the resolved CSV alone was parsed a dozen times a run).
        hold = holder(con)
        facts = _facts(con, link_dir, hold)
        # The person records are only read to vote the person facts, when the linkage wrote none.
        unread = {"people"} if facts is not None else set()
        return Inputs(
            **{
                n: t.select(*_READ_COLUMNS[n]) if n in unread else hold(t.select(*_READ_COLUMNS[n]), f"trig_{n}_held")
                for n, t in tables.items()
            },
            resolved=hold(resolved_table.select("person_id", "resolved_person_id"), "trig_resolved"),
            households=hold(
                households_table.select("resolved_person_id", "household_id", "from", "to"), "trig_households"
            ),
            facts=facts,
        )
    resolved, households = read_link_outputs(link_dir)
    return Inputs(
        **tables,
        resolved=_table(con, "trig_resolved", resolved[["person_id", "resolved_person_id"]]),
        households=_table(con, "trig_households", households[["resolved_person_id", "household_id", "from", "to"]]),
        facts=_facts(con, link_dir, rules.as_is),
    )


def facts_path(link_dir: Path) -> Path | None:
    """Returns the link run's person facts file, or None if it wrote none or they describe other groups.

    Facts older than people_resolved.csv describe other groups (a run writes the facts last), so they are
    not used.
    """
    path, resolved = link_dir / person_facts.FILE, link_dir / "people_resolved.csv"
    if not path.exists() or not resolved.exists() or path.stat().st_mtime < resolved.stat().st_mtime:
        return None
    return path


def _facts(con: BaseBackend, link_dir: Path, hold: rules.Hold) -> ir.Table | None:
    """Returns the link run's person facts on the engine, or None (:func:`facts_path`): the run votes them."""
    path = facts_path(link_dir)
    if path is None:
        return None
    table = engines.read_parquet(con, path, table_name="trig_facts")
    return hold(table.select(*person_facts.COLUMNS), "trig_facts_held")


def _table(con: BaseBackend, name: str, frame: pd.DataFrame) -> ir.Table:
    """Returns a frame as a table on the engine (Spark needs it registered; DuckDB reads it in place)."""
    arrow = pa.Table.from_pandas(
        frame, schema=pa.schema([(c, pa.string()) for c in frame.columns]), preserve_index=False
    )
    if con.name == "pyspark":
        return con.create_table(name, ibis.memtable(arrow), overwrite=True)
    return ibis.memtable(arrow)


def holder(con: BaseBackend) -> rules.Hold:
    """Returns a function that computes a table once on the engine and hands back a table reading the result.

    Without it the engines inline each shared step wherever it is used, and the SQL of the ACE rules grows to
    hundreds of kilobytes. DuckDB keeps the result in a temporary table; Spark caches it as a temporary view.
    """
    if con.name == "pyspark":
        session = engines.spark_session()
        # Spark's constraint propagation fails on the union of the linkage's and the named household pairs
        # ("key not found" in InferFiltersFromConstraints); it only infers extra filters, so it is turned off.
        session.conf.set("spark.sql.constraintPropagation.enabled", "false")

        def hold_spark(table: ir.Table, name: str) -> ir.Table:
            # Computed now and kept in memory under the view's name, with its lineage cut: a plain cached view
            # is a view over its whole definition, so each later step's plan held every earlier step's, and
            # Spark's planner spent minutes analysing plans that grew with each step.
            con.create_view(f"{name}_def", table, overwrite=True)
            session.table(f"{name}_def").localCheckpoint(eager=True).createOrReplaceTempView(name)
            return con.table(name)

        return hold_spark

    def hold_duckdb(table: ir.Table, name: str) -> ir.Table:
        # A temporary table inside DuckDB: no copy out to Arrow and back.
        # (Ibis 12 writes a broken DROP for overwrite=True, so the old one is dropped here.)
        con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
        with warnings.catch_warnings():
            # Ibis 12 reads the new table's schema through a DuckDB call DuckDB 1.4+ marks deprecated.
            warnings.simplefilter("ignore", DeprecationWarning)
            return con.create_table(name, table, temp=True)

    return hold_duckdb


def compute(
    inputs: Inputs, ruleset: RuleSet, as_of: dt.date, hold: rules.Hold = rules.as_is
) -> tuple[dict[str, ir.Table], rules.Window]:
    """Returns the run's Ibis expressions by name, and the window they cover.

    Every output is a table the engine computes to the end (the `;`-joined lists, the order of the rows),
    so only the rows of the output files leave it.
    """
    window = rules.Window.ending(as_of, ruleset.number("lookback_months"))
    dob, children = _person_facts(inputs, ruleset, window, hold)
    inv = hold(rules.involvement_facts(inputs.events, inputs.involvements, inputs.resolved), "held_involvements")
    rel = hold(rules.resolved_relationships(inputs.relationships, inputs.resolved), "held_relationships")
    family = rules.family_pairs(rel, inv, inputs.involvements)
    pairs = rules.household_pairs(inputs.households, ruleset, family, children, hold)
    pairs = hold(rules.aged_pairs(pairs, dob), "held_pairs")
    parents = hold(
        rules.carers(rules.asserted_parents(rel), rules.partners(rel, inv), inputs.households, dob, ruleset, pairs),
        "held_parents",
    )
    aces = hold(
        rules.ace_evidence(inv, dob, inputs.households, parents, ruleset, window, hold, pairs=pairs, children=children),
        "held_aces",
    )
    flags = rules.flag_evidence(inv, children, aces, ruleset, window)
    evidence = hold(aces.union(flags), "held_evidence")
    # Held, so the address normalisation is not inlined (and repeated) in the query that counts the places.
    located = hold(places(inputs, window), "held_places")
    by_column = [ibis.asc(c, nulls_first=True) for c in rules.EVIDENCE_COLUMNS]
    return {
        "evidence": evidence.order_by(by_column),
        "triggers": trigger_rows(evidence, children, inputs.resolved, ruleset),
        "repeat_victims": repeat_victim_rows(repeats.repeat_victim_events(inv, ruleset, window)),
        "frequent_callers": caller_rows(
            repeats.frequent_caller_hits(inv, children, ruleset, window), repeats.call_counts(inv, window)
        ),
        "frequent_missing": missing_rows(repeats.frequent_missing_events(inv, ruleset, window)),
        "repeat_locations": location_rows(repeats.location_counts(inputs.events, located, window), ruleset),
        "disparity": disparity.counts(children, evidence, ruleset),
        "resolved": inputs.resolved.select("person_id", "resolved_person_id").order_by("person_id"),
    }, window


def _person_facts(
    inputs: Inputs, ruleset: RuleSet, window: rules.Window, hold: rules.Hold
) -> tuple[ir.Table, ir.Table]:
    """Returns everyone's dates of birth and the facts of the window's children (linkage/facts.py's columns).

    From the linkage's person facts when it wrote them; otherwise voted here from the records, everyone's
    date of birth and only the children's sex, ethnicity and area (the same functions, the same answer).
    """
    if inputs.facts is not None:
        dob = inputs.facts.select("resolved_person_id", "date_of_birth", "dob_ymd")
        return dob, hold(rules.children_in_window(inputs.facts, ruleset, window), "held_children")
    records = hold(person_facts.person_records(inputs.people, inputs.resolved), "held_records")
    dob = hold(person_facts.dates_of_birth(records), "held_dob")
    children = rules.children_in_window(dob, ruleset, window)
    return dob, hold(person_facts.with_votes(children, records, inputs.locations), "held_children")


def places(inputs: Inputs, window: rules.Window) -> ir.Table:
    """Returns (location_id, place_key, address_line, postcode, area_code) of the locations of the window's events.

    The place key is the linkage's (:func:`standardise.place_key`): the UPRN, else the normalised address and
    postcode. It is built here in two parts, so the regular expressions run once per location without a
    UPRN (an inlined key repeats the address normalisation four times, for every location).
    """
    ev = inputs.events
    used = ev.filter(
        (ev.occurred_at.cast("date") > ibis.date(window.start))
        & (ev.occurred_at.cast("date") <= ibis.date(window.as_of))
    ).select("location_id")
    located = inputs.locations.semi_join(used, "location_id")
    located = located.select(
        "location_id",
        "address_line",
        "postcode",
        "area_code",
        _uprn=located.uprn.cast("string").strip(),
        _address=located.address_line.cast("string"),
        _postcode=located.postcode.cast("string"),
    )
    has_uprn = located._uprn.notnull() & (located._uprn != "")
    by_uprn = located.filter(has_uprn).mutate(place_key="uprn:" + located._uprn)
    rest = located.filter(~has_uprn)
    rest = rest.mutate(
        _address=standardise.normalise_address(rest._address), _postcode=standardise.normalise_postcode(rest._postcode)
    )
    rest = rest.mutate(
        place_key=ibis.ifelse(
            rest._address.notnull() & rest._postcode.notnull(),
            "addr:" + rest._address + "|" + rest._postcode,
            ibis.null("string"),
        )
    )
    columns = ["location_id", "place_key", "address_line", "postcode", "area_code"]
    return by_uprn.select(*columns).union(rest.select(*columns))


def _joined(column: ir.Column, where: ir.BooleanValue | None = None) -> ir.StringValue:
    """Returns an aggregate: the distinct non-null values of a text column, sorted and joined with ';'."""
    return column.collect(where=where, distinct=True).sort().join(";")


def trigger_rows(evidence: ir.Table, children: ir.Table, resolved: ir.Table, ruleset: RuleSet) -> ir.Table:
    """Returns triggers.csv: one row per child with an ACE or a flag, the score and its evidence, most ACEs first."""
    counted = [n for n in ACE_NAMES if ruleset.ace_counted(n)]
    e = evidence
    is_ace = e.kind == "ace"
    rows = e.group_by("resolved_person_id").aggregate(
        ace_types=_joined(e.name, is_ace),
        ace_count=e.name.nunique(where=is_ace & e.name.isin(counted)),
        flags=_joined(e.name, e.kind == "flag"),
        evidence_event_ids=_joined(e.event_id),
    )
    listed = resolved.semi_join(rows.select("resolved_person_id"), "resolved_person_id")
    ids = listed.group_by("resolved_person_id").aggregate(person_ids=_joined(listed.person_id))
    dob = children.select("resolved_person_id", "date_of_birth")
    rows = rows.left_join(ids, "resolved_person_id").select(rows, ids.person_ids)
    rows = rows.left_join(dob, "resolved_person_id").select(rows, dob.date_of_birth)
    rows = rows.select(
        "resolved_person_id",
        person_ids=rows.person_ids.fill_null(""),
        date_of_birth=rows.date_of_birth,
        ace_types=rows.ace_types.fill_null(""),
        ace_count=rows.ace_count.cast("int64"),
        flags=rows.flags.fill_null(""),
        evidence_event_ids=rows.evidence_event_ids,
        rule_version=ibis.literal(ruleset.version),
    )
    return rows.order_by([ibis.desc("ace_count"), "resolved_person_id"])


def repeat_victim_rows(rows: ir.Table) -> ir.Table:
    """Returns repeat_victims.csv: one row per person and crime type with a repeat."""
    out = rows.group_by("resolved_person_id", "crime_type").aggregate(
        victimisations=rows.event_id.nunique(),
        repeats=rows.is_repeat.cast("int64").sum(),
        first_date=rows.day.min(),
        last_date=rows.day.max(),
        event_ids=_joined(rows.event_id),
    )
    return out.order_by([ibis.desc("victimisations"), "resolved_person_id", "crime_type"])


def caller_rows(hits: ir.Table, counts: ir.Table) -> ir.Table:
    """Returns frequent_callers.csv: each frequent caller, the rules met, their peak and total calls."""
    out = hits.group_by("resolved_person_id").aggregate(rules_met=_joined(hits.rule), peak_calls=hits.peak_calls.max())
    out = out.left_join(counts, "resolved_person_id").select(
        out.resolved_person_id,
        out.rules_met,
        out.peak_calls,
        counts.calls,
        first_date=counts.first_day,
        last_date=counts.last_day,
    )
    return out.order_by([ibis.desc("calls"), "resolved_person_id"])


def missing_rows(rows: ir.Table) -> ir.Table:
    """Returns frequent_missing.csv: each person reported missing often, with their episodes."""
    out = rows.group_by("resolved_person_id").aggregate(
        episodes=rows.event_id.nunique(),
        first_date=rows.day.min(),
        last_date=rows.day.max(),
        event_ids=_joined(rows.event_id),
    )
    return out.order_by([ibis.desc("episodes"), "resolved_person_id"])


def location_rows(counts: ir.Table, ruleset: RuleSet) -> ir.Table:
    """Returns the busiest addresses with their rank, running event count and the total of located events.

    Ranks and running counts are over every place, busiest first (ties by place key); only the top places
    with enough events leave the engine, and :func:`summarise_locations` turns the counts into shares.
    """
    cfg = ruleset.rule("repeat_locations")
    order = ibis.window(order_by=[ibis.desc(counts.events), counts.place_key], rows=(None, 0))
    ranked = counts.mutate(
        rank=ibis.row_number().over(order) + 1,
        running=counts.events.sum().over(order),
        total=counts.events.sum().over(ibis.window()),
    )
    top = ranked.filter(ranked.events >= int(cfg["min_events"]))
    return top.order_by("rank").limit(int(cfg["top"]))


def level(ace_count: int, ruleset: RuleSet) -> str:
    """Returns 'referral', 'emerging' or '' for a score under the rule set's thresholds."""
    if ace_count >= ruleset.number("referral_threshold"):
        return "referral"
    if ace_count >= ruleset.number("emerging_threshold"):
        return "emerging"
    return ""


def summarise_locations(rows: pd.DataFrame) -> pd.DataFrame:
    """Returns repeat_locations.csv from :func:`location_rows`: shares of all located events, and running shares."""
    columns = ["rank", "place_key", "address_line", "postcode", "area_code", "events", "share", "cumulative_share"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = rows.copy()
    out["share"] = (out["events"] / out["total"]).round(6)
    out["cumulative_share"] = (out["running"] / out["total"]).round(6)
    return out[columns].reset_index(drop=True)


def _empty_as(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True)


def run(con: BaseBackend, inputs: Inputs, ruleset: RuleSet, as_of: dt.date) -> Outputs:
    """Returns every output of a trigger run on one engine."""
    seconds: dict[str, float] = {}
    mark = time.perf_counter()
    exprs, _ = compute(inputs, ruleset, as_of, holder(con))
    seconds["shared steps"] = time.perf_counter() - mark
    frames: dict[str, Any] = {}
    for name, expr in exprs.items():
        mark, cpu = time.perf_counter(), time.process_time()
        frames[name] = con.to_pyarrow(expr) if name in {"evidence", "resolved"} else con.execute(expr)
        seconds[name] = time.perf_counter() - mark
        seconds[f"{name} (CPU)"] = time.process_time() - cpu
    return Outputs(
        triggers=_empty_as(frames["triggers"]),
        repeat_victims=_empty_as(frames["repeat_victims"]),
        frequent_callers=_empty_as(frames["frequent_callers"]),
        frequent_missing=_empty_as(frames["frequent_missing"]),
        repeat_locations=summarise_locations(frames["repeat_locations"]),
        disparity=disparity.report(frames["disparity"]),
        evidence_table=frames["evidence"],
        resolved_table=frames["resolved"],
        seconds=seconds,
    )


def write(outputs: Outputs, out: Path) -> None:
    """Writes the output contract's CSV files (and the evidence and disparity reports) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    _write_text_csv(outputs.resolved_table, out / "people_resolved.csv", lambda: outputs.resolved)
    outputs.triggers.to_csv(out / "triggers.csv", index=False)
    _write_text_csv(outputs.evidence_table, out / "evidence.csv", lambda: outputs.evidence)
    outputs.repeat_victims.to_csv(out / "repeat_victims.csv", index=False)
    outputs.frequent_callers.to_csv(out / "frequent_callers.csv", index=False)
    outputs.frequent_missing.to_csv(out / "frequent_missing.csv", index=False)
    outputs.repeat_locations.to_csv(out / "repeat_locations.csv", index=False)
    outputs.disparity.to_csv(out / "disparity.csv", index=False)


def _write_text_csv(table: pa.Table, path: Path, frame: Callable[[], pd.DataFrame]) -> None:
    """Writes a table of text columns as CSV, byte for byte as pandas would write `frame()`, but faster.

    Arrow's writer takes a second for the 1M tier's 1.9 million rows where pandas takes many; it writes a
    missing value as nothing, as pandas does, and can leave values unquoted only when none holds a comma,
    quote or line break (or is empty, which pandas leaves unquoted too), so otherwise pandas writes the file.
    """
    plain = all(
        col.null_count == len(col) or not pc.any(pc.match_substring_regex(col.drop_null(), r'[,"\r\n]')).as_py()
        for col in table.columns
    )
    if not plain or table.num_rows == 0:
        frame().to_csv(path, index=False)
        return
    with path.open("wb") as handle:
        handle.write((",".join(table.column_names) + "\n").encode())  # Arrow quotes a header whatever the style
        pacsv.write_csv(table, handle, write_options=pacsv.WriteOptions(include_header=False, quoting_style="none"))


def run_from_store(
    analytics_dir: Path, link_dir: Path, out: Path, ruleset: RuleSet, *, as_of: dt.date, engine: str = "duckdb"
) -> Outputs:
    """Runs the rules on the current store and linkage and writes the CSVs (StoreEmptyError, NotLinkedError)."""
    RecordsStore(analytics_dir).current_dir()  # StoreEmptyError before anything else
    con = engines.connect(engine)
    if engine == "duckdb":
        con.raw_sql("set enable_progress_bar = false")
    inputs = store_inputs(con, analytics_dir, link_dir)
    outputs = run(con, inputs, ruleset, as_of)
    write(outputs, out)
    return outputs


__all__ = ["NotLinkedError", "StoreEmptyError", "run", "run_from_store", "write"]
