"""`upstream records link`: from the records store to resolved people, places and households."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from upstream_analytics import engine as engines
from upstream_analytics.linkage import decisions as clerical
from upstream_analytics.linkage import facts, households, model, standardise
from upstream_analytics.records.store import RecordsStore

Progress = Callable[[str], None]


@dataclass
class LinkSummary:
    """What a linkage run found and where it wrote it."""

    records: int
    people: int
    households: int
    clerical_pairs: int
    retrained: bool
    out: Path
    seconds: dict[str, float] = field(default_factory=dict)
    decisions: int = 0  # reviewers' match / non-match decisions the run applied


def store_tables(con: BaseBackend, store_dir: Path) -> dict[str, ir.Table]:
    """Returns the current store's tables on the engine (StoreEmptyError before any import)."""
    folder = RecordsStore(store_dir).current_dir()
    return {
        name: engines.read_parquet(con, folder / f"{name}.parquet", table_name=f"records_{name}")
        for name in ("events", "people", "locations", "involvements", "relationships")
    }


def standardised_records(con: BaseBackend, tables: dict[str, ir.Table]) -> pd.DataFrame:
    """Returns every person record standardised for linkage, as a frame."""
    nicknames = ibis.memtable(standardise.nicknames_frame())
    return con.execute(standardise.standardise_people(tables["people"], tables["locations"], nicknames))


def run_link(
    store_dir: Path,
    out: Path,
    *,
    engine: str = "duckdb",
    retrain: bool = False,
    threshold: float = 0.9,
    band: tuple[float, float] = (0.5, 0.9),
    progress: Progress | None = None,
    decisions: pd.DataFrame | None = None,
) -> LinkSummary:
    """Resolves people and households from the store; writes people_resolved, households and clerical_review CSVs.

    It also writes person_facts.parquet: each resolved person's date of birth, sex, ethnicity and area, as
    most of their records give them (linkage/facts.py).

    ``decisions`` (person_id_l, person_id_r, decision) are reviewers' verdicts, which override the model
    (linkage/decisions.py); the run also writes links.csv (which links made each group) and
    standardised.parquet (the records as the model compared them), which the review pages read.
    """
    say = progress or (lambda _: None)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    con = engines.connect(engine)
    if engine == "duckdb":
        con.raw_sql("set enable_progress_bar = false")  # the command draws its own progress
    tables = store_tables(con, store_dir)
    say("Standardising names, dates of birth and addresses")
    records = standardised_records(con, tables)
    seconds["standardise"] = time.perf_counter() - started
    mark = time.perf_counter()
    if retrain or not model.MODEL_PATH.exists():
        say("Training the linkage model (EM)")
        model.train(records, engine=engine)
        retrained = True
    else:
        retrained = False
    seconds["train"] = time.perf_counter() - mark
    mark = time.perf_counter()
    say("Scoring candidate pairs and clustering")
    result = model.predict(records, engine=engine, threshold=threshold, floor=min(band[0], threshold))
    seconds["link"] = time.perf_counter() - mark
    mark = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    # An earlier run's facts belong to its groups: gone before the new groups are written, so a run that
    # fails half-way never leaves facts beside people they do not describe (the triggers then vote afresh).
    (out / facts.FILE).unlink(missing_ok=True)
    decided = clerical.normalise(decisions)
    clusters, links = clerical.apply(records["person_id"], result.pairs, decided, threshold=threshold)
    resolved = clusters.sort_values("person_id")
    resolved.to_csv(out / "people_resolved.csv", index=False)
    links.sort_values(["person_id_l", "person_id_r"]).to_csv(out / "links.csv", index=False)
    records[list(model.LINK_COLUMNS)].to_parquet(out / "standardised.parquet", index=False)
    clerical_pairs = result.pairs[
        (result.pairs["match_probability"] >= band[0]) & (result.pairs["match_probability"] < band[1])
    ]
    clerical_pairs = clerical.still_to_review(clerical_pairs, decided)
    clerical_pairs = clerical_pairs.sort_values(
        ["match_probability", "person_id_l", "person_id_r"], ascending=[False, True, True]
    )
    clerical_pairs.to_csv(out / "clerical_review.csv", index=False)
    say("Resolving places and building households")
    resolved_table = (
        con.create_table("people_resolved", ibis.memtable(resolved), overwrite=True)
        if engine == "spark"
        else ibis.memtable(resolved)
    )
    places = standardise.standardise_locations(tables["locations"])
    homes = households.build_households(
        resolved_table, tables["people"], places, tables["involvements"], tables["events"], tables["relationships"]
    )
    frame = con.execute(homes)
    frame = frame.sort_values(["household_id", "resolved_person_id", "from", "to"], na_position="first")
    frame.to_csv(out / "households.csv", index=False)
    seconds["households"] = time.perf_counter() - mark
    mark = time.perf_counter()
    say("Voting each person's date of birth, sex, ethnicity and area")
    facts.write(con, facts.person_facts(tables["people"], resolved_table, tables["locations"]), out)
    seconds["person facts"] = time.perf_counter() - mark
    return LinkSummary(
        records=len(resolved),
        people=int(resolved["resolved_person_id"].nunique()),
        households=int(frame["household_id"].nunique()),
        clerical_pairs=len(clerical_pairs),
        retrained=retrained,
        out=out,
        seconds=seconds,
        decisions=int((decided["decision"] != clerical.UNSURE).sum()),
    )
