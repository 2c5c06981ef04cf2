"""`upstream triggers run`: from the records store and the linkage to triggers.csv and the repeat-demand lists."""

from __future__ import annotations

import datetime as dt
import itertools
import time
import warnings
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
from upstream_analytics.linkage import standardise
from upstream_analytics.records.store import RecordsStore, StoreEmptyError
from upstream_analytics.triggers import disparity, repeats, rules
from upstream_analytics.triggers.ruleset import ACE_NAMES, RuleSet

STORE_TABLES = ("events", "people", "locations", "involvements", "relationships")


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


@dataclass
class Outputs:
    """The frames a trigger run produces (also written as CSV)."""

    evidence: pd.DataFrame
    triggers: pd.DataFrame
    repeat_victims: pd.DataFrame
    frequent_callers: pd.DataFrame
    frequent_missing: pd.DataFrame
    repeat_locations: pd.DataFrame
    disparity: pd.DataFrame
    resolved: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)


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
        resolved_table = con.read_csv(str(resolved_path), table_name="trig_resolved", **text)
        households_table = con.read_csv(str(households_path), table_name="trig_households", **text)
        return Inputs(
            **tables,
            resolved=resolved_table.select("person_id", "resolved_person_id"),
            households=households_table.select("resolved_person_id", "household_id", "from", "to"),
        )
    resolved, households = read_link_outputs(link_dir)
    return Inputs(
        **tables,
        resolved=_table(con, "trig_resolved", resolved[["person_id", "resolved_person_id"]]),
        households=_table(con, "trig_households", households[["resolved_person_id", "household_id", "from", "to"]]),
    )


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

        def hold_spark(table: ir.Table, name: str) -> ir.Table:
            view = con.create_view(name, table, overwrite=True)
            session.catalog.cacheTable(name)
            return view

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
    """Returns the run's Ibis expressions by name, and the window they cover."""
    window = rules.Window.ending(as_of, ruleset.number("lookback_months"))
    facts = hold(rules.person_facts(inputs.people, inputs.resolved, inputs.locations), "held_facts")
    inv = hold(rules.involvement_facts(inputs.events, inputs.involvements, inputs.resolved), "held_involvements")
    asserted = rules.asserted_parents(inputs.relationships, inputs.resolved)
    partner_pairs = rules.partners(inputs.relationships, inputs.involvements, inputs.resolved)
    children = hold(rules.children_in_window(facts, ruleset, window), "held_children")
    family = rules.family_pairs(inputs.relationships, inputs.involvements, inputs.resolved)
    pairs = hold(rules.household_pairs(inputs.households, ruleset, family, children), "held_pairs")
    parents = hold(
        rules.carers(asserted, partner_pairs, inputs.households, facts, ruleset, pairs=pairs), "held_parents"
    )
    aces = hold(
        rules.ace_evidence(inv, facts, inputs.households, parents, ruleset, window, hold, pairs=pairs), "held_aces"
    )
    flags = rules.flag_evidence(inv, facts, aces, ruleset, window)
    # Only the locations of events in the window are normalised (the step is regular expressions per row).
    ev = inputs.events
    used = ev.filter(
        (ev.occurred_at.cast("date") > ibis.date(window.start))
        & (ev.occurred_at.cast("date") <= ibis.date(window.as_of))
    ).select("location_id")
    located = inputs.locations.semi_join(used, "location_id")
    std = standardise.standardise_locations(located).select("location_id", "place_key")
    places = std.join(located.select("location_id", "address_line", "postcode", "area_code"), "location_id")
    return {
        # Every output reads the facts of children only (the triggers' dates of birth, the disparity report).
        "facts": children,
        "aces": aces,
        "flags": flags,
        "repeat_victims": repeats.repeat_victim_events(inv, ruleset, window),
        "frequent_callers": repeats.frequent_caller_hits(inv, facts, ruleset, window),
        "call_counts": repeats.call_counts(inv, window),
        "frequent_missing": repeats.frequent_missing_events(inv, ruleset, window),
        "locations": repeats.location_counts(inputs.events, places, window),
    }, window


def _joined(values: pd.Series) -> str:
    return ";".join(sorted({str(v) for v in values if v is not None and not pd.isna(v)}))


def _joined_by(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    """Returns, per `key`, its distinct non-null `value`s sorted and joined with ';' (as `_joined` per group).

    One sort and one pass, instead of a pandas group-by apply that builds a Series per group: at the 1M tier
    there are hundreds of thousands of groups and the apply alone took minutes.
    """
    pairs = frame[[key, value]].dropna()
    if pairs.empty:
        return pd.Series(dtype=object)
    keys = pairs[key].to_numpy()
    values = pairs[value].astype(str).to_numpy()
    ordered = pd.DataFrame({"k": keys, "v": values}).drop_duplicates().sort_values(["k", "v"], kind="mergesort")
    out: dict[object, str] = {}
    for k, group in itertools.groupby(zip(ordered["k"].tolist(), ordered["v"].tolist(), strict=True), key=_first):
        out[k] = ";".join(v for _, v in group)
    return pd.Series(out, dtype=object)


def _first(pair: tuple[object, str]) -> object:
    return pair[0]


def summarise_triggers(
    evidence: pd.DataFrame, facts: pd.DataFrame, resolved: pd.DataFrame, ruleset: RuleSet
) -> pd.DataFrame:
    """Returns triggers.csv: one row per child with an ACE or a flag, the score and its evidence."""
    columns = [
        "resolved_person_id",
        "person_ids",
        "date_of_birth",
        "ace_types",
        "ace_count",
        "flags",
        "evidence_event_ids",
        "rule_version",
    ]
    if evidence.empty:
        return pd.DataFrame(columns=columns)
    counted = [n for n in ACE_NAMES if ruleset.ace_counted(n)]
    aces = evidence[evidence["kind"] == "ace"]
    rows = pd.DataFrame({"resolved_person_id": sorted(evidence["resolved_person_id"].unique())})
    rows["ace_types"] = rows["resolved_person_id"].map(_joined_by(aces, "resolved_person_id", "name")).fillna("")
    rows["ace_count"] = (
        rows["resolved_person_id"]
        .map(aces[aces["name"].isin(counted)].groupby("resolved_person_id")["name"].nunique())
        .fillna(0)
        .astype(int)
    )
    flags = _joined_by(evidence[evidence["kind"] == "flag"], "resolved_person_id", "name")
    rows["flags"] = rows["resolved_person_id"].map(flags).fillna("")
    rows["evidence_event_ids"] = rows["resolved_person_id"].map(_joined_by(evidence, "resolved_person_id", "event_id"))
    listed = resolved[resolved["resolved_person_id"].isin(rows["resolved_person_id"])]
    ids = _joined_by(listed, "resolved_person_id", "person_id")
    rows["person_ids"] = rows["resolved_person_id"].map(ids).fillna("")
    dob = facts.set_index("resolved_person_id")["date_of_birth"]
    rows["date_of_birth"] = rows["resolved_person_id"].map(dob)
    rows["rule_version"] = ruleset.version
    rows = rows.sort_values(["ace_count", "resolved_person_id"], ascending=[False, True])
    return rows[columns].reset_index(drop=True)


def level(ace_count: int, ruleset: RuleSet) -> str:
    """Returns 'referral', 'emerging' or '' for a score under the rule set's thresholds."""
    if ace_count >= ruleset.number("referral_threshold"):
        return "referral"
    if ace_count >= ruleset.number("emerging_threshold"):
        return "emerging"
    return ""


def summarise_repeat_victims(rows: pd.DataFrame) -> pd.DataFrame:
    """Returns repeat_victims.csv: one row per person and crime type with a repeat."""
    columns = ["resolved_person_id", "crime_type", "victimisations", "repeats", "first_date", "last_date", "event_ids"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    g = rows.groupby(["resolved_person_id", "crime_type"])
    out = g.agg(
        victimisations=("event_id", "nunique"),
        repeats=("is_repeat", "sum"),
        first_date=("day", "min"),
        last_date=("day", "max"),
    ).reset_index()
    out["repeats"] = out["repeats"].astype(int)
    ids = _joined_by(
        rows.assign(_key=list(zip(rows["resolved_person_id"], rows["crime_type"], strict=True))), "_key", "event_id"
    )
    out["event_ids"] = (
        pd.Series(list(zip(out["resolved_person_id"], out["crime_type"], strict=True))).map(ids).to_numpy()
    )
    return out.sort_values(["victimisations", "resolved_person_id", "crime_type"], ascending=[False, True, True])[
        columns
    ]


def summarise_callers(hits: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Returns frequent_callers.csv: each frequent caller, the rules met, their peak and total calls."""
    columns = ["resolved_person_id", "rules_met", "peak_calls", "calls", "first_date", "last_date"]
    if hits.empty:
        return pd.DataFrame(columns=columns)
    g = hits.groupby("resolved_person_id")
    out = g.agg(peak_calls=("peak_calls", "max")).reset_index()
    out["rules_met"] = out["resolved_person_id"].map(_joined_by(hits, "resolved_person_id", "rule")).to_numpy()
    out = out.merge(counts, on="resolved_person_id", how="left").rename(
        columns={"first_day": "first_date", "last_day": "last_date"}
    )
    return out.sort_values(["calls", "resolved_person_id"], ascending=[False, True])[columns]


def summarise_missing(rows: pd.DataFrame) -> pd.DataFrame:
    """Returns frequent_missing.csv: each person reported missing often, with their episodes."""
    columns = ["resolved_person_id", "episodes", "first_date", "last_date", "event_ids"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    g = rows.groupby("resolved_person_id")
    out = g.agg(episodes=("event_id", "nunique"), first_date=("day", "min"), last_date=("day", "max")).reset_index()
    out["event_ids"] = out["resolved_person_id"].map(_joined_by(rows, "resolved_person_id", "event_id")).to_numpy()
    return out.sort_values(["episodes", "resolved_person_id"], ascending=[False, True])[columns]


def summarise_locations(places: pd.DataFrame, ruleset: RuleSet) -> pd.DataFrame:
    """Returns repeat_locations.csv: the busiest addresses, their share of all located events and the running share."""
    cfg = ruleset.rule("repeat_locations")
    columns = ["rank", "place_key", "address_line", "postcode", "area_code", "events", "share", "cumulative_share"]
    if places.empty:
        return pd.DataFrame(columns=columns)
    total = int(places["events"].sum())
    ordered = places.sort_values(["events", "place_key"], ascending=[False, True]).reset_index(drop=True)
    ordered["share"] = (ordered["events"] / total).round(6)
    ordered["cumulative_share"] = (ordered["events"].cumsum() / total).round(6)
    ordered["rank"] = range(1, len(ordered) + 1)
    top = ordered[ordered["events"] >= int(cfg["min_events"])].head(int(cfg["top"]))
    return top[columns]


def run(
    con: BaseBackend, inputs: Inputs, ruleset: RuleSet, as_of: dt.date, resolved: pd.DataFrame | None = None
) -> Outputs:
    """Returns every output of a trigger run on one engine."""
    seconds: dict[str, float] = {}
    exprs, window = compute(inputs, ruleset, as_of, holder(con))
    frames: dict[str, Any] = {}
    for name, expr in exprs.items():
        mark = time.perf_counter()
        frames[name] = con.execute(expr)
        seconds[name] = time.perf_counter() - mark
    evidence = pd.concat([frames["aces"], frames["flags"]], ignore_index=True)
    evidence = evidence.sort_values(list(rules.EVIDENCE_COLUMNS), na_position="first").reset_index(drop=True)
    if resolved is None:
        resolved = con.execute(inputs.resolved.order_by("person_id"))
    triggers = summarise_triggers(evidence, frames["facts"], resolved, ruleset)
    return Outputs(
        evidence=evidence,
        triggers=triggers,
        repeat_victims=summarise_repeat_victims(frames["repeat_victims"]),
        frequent_callers=summarise_callers(frames["frequent_callers"], frames["call_counts"]),
        frequent_missing=summarise_missing(frames["frequent_missing"]),
        repeat_locations=summarise_locations(frames["locations"], ruleset),
        disparity=disparity.report(frames["facts"], triggers, ruleset, window),
        resolved=(resolved if resolved["person_id"].is_monotonic_increasing else resolved.sort_values("person_id"))[
            ["person_id", "resolved_person_id"]
        ].reset_index(drop=True),
        seconds=seconds,
    )


def write(outputs: Outputs, out: Path) -> None:
    """Writes the output contract's CSV files (and the evidence and disparity reports) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    _write_text_csv(outputs.resolved, out / "people_resolved.csv")
    outputs.triggers.to_csv(out / "triggers.csv", index=False)
    outputs.evidence.to_csv(out / "evidence.csv", index=False)
    outputs.repeat_victims.to_csv(out / "repeat_victims.csv", index=False)
    outputs.frequent_callers.to_csv(out / "frequent_callers.csv", index=False)
    outputs.frequent_missing.to_csv(out / "frequent_missing.csv", index=False)
    outputs.repeat_locations.to_csv(out / "repeat_locations.csv", index=False)
    outputs.disparity.to_csv(out / "disparity.csv", index=False)


def _write_text_csv(frame: pd.DataFrame, path: Path) -> None:
    """Writes a frame of text columns as CSV, byte for byte as pandas would, but faster where it can.

    Arrow's writer takes a second for the 1M tier's 1.9 million rows where pandas takes many; it can leave
    values unquoted only when none holds a comma, quote or line break, so otherwise pandas writes the file.
    """
    table = pa.Table.from_pandas(
        frame, schema=pa.schema([(c, pa.string()) for c in frame.columns]), preserve_index=False
    )
    plain = table.num_rows > 0 and all(
        col.null_count == 0 and not pc.any(pc.match_substring_regex(col, r'[,"\r\n]')).as_py() for col in table.columns
    )
    if not plain:
        frame.to_csv(path, index=False)
        return
    with path.open("wb") as handle:
        handle.write((",".join(frame.columns) + "\n").encode())  # Arrow quotes a header whatever the style
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
