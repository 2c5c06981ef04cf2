"""Why the model scored a pair as it did: each comparison's level and match weight, for a reviewer to read.

A link run writes the records as the model compared them (``standardised.parquet``); this scores one pair
of them again with the saved model (Splink's ``score_pair`` on DuckDB) and returns, comparison by
comparison, the level the pair reached and its match weight (log2 of the Bayes factor: positive weights
are evidence for one person, negative against). The prior is scaled to the run's size as ``predict`` does,
and the surname's term frequency is taken from the run's records, so the figures are the run's own.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from upstream_analytics.linkage import model

STANDARDISED = "standardised.parquet"

# What each comparison compared, as the reviewer should see it (column names of the standardised record).
SHOWN = {
    "forename": ("forename_std", "middle_std"),
    "surname": ("surname_std",),
    "date_of_birth": ("dob_full", "dob_year"),
    "sex": ("sex_std",),
    "address": ("place_key", "postcode_std"),
    "pnc_id": ("pnc_std",),
    "phone": ("phone_std",),
    "ethnicity": ("ethnicity_std",),
}


@dataclass
class ComparisonExplained:
    """One comparison of the pair: what each side held, the level reached and its weight."""

    name: str
    level: str
    match_weight: float
    left: str
    right: str


@dataclass
class PairExplanation:
    """The model's score of one pair, comparison by comparison."""

    person_id_l: str
    person_id_r: str
    match_probability: float
    match_weight: float
    prior_weight: float
    comparisons: list[ComparisonExplained] = field(default_factory=list)


class NoRunError(LookupError):
    """The link run's records are not there (no run yet, or run before explanations were written)."""


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def _records(run_dir: Path, ids: tuple[str, str]) -> tuple[list[dict[str, Any]], int, dict[str, dict[str, float]]]:
    path = run_dir / STANDARDISED
    if not path.exists():
        raise NoRunError(f"{path} is missing: run `upstream records link` again.")
    con = duckdb.connect()
    try:
        source = f"read_parquet('{path.as_posix()}')"
        held = {r[0] for r in con.execute(f"describe select * from {source}").fetchall()}  # noqa: S608 - our path
        # A run written by an earlier model lacks the columns a later one added: those compare as missing.
        columns = ", ".join(c if c in held else f"null as {c}" for c in model.LINK_COLUMNS)
        rows = con.execute(f"select {columns} from {source} where person_id in (?, ?)", list(ids)).fetchall()  # noqa: S608 - the path is ours
        total = _count(con, f"select count(*) from {source}", [])  # noqa: S608 - the path is ours
        tf: dict[str, dict[str, float]] = {}
        for column in model.TF_COLUMNS:
            tf[column] = {}
            for value in {r[model.LINK_COLUMNS.index(column)] for r in rows} - {None}:
                count = _count(con, f"select count(*) from {source} where {column} = ?", [value])  # noqa: S608
                tf[column][value] = count / total if total else 0.0
    finally:
        con.close()
    found = [dict(zip(model.LINK_COLUMNS, row, strict=True)) for row in rows]
    by_id = {r["person_id"]: r for r in found}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise LookupError(f"No person record {', '.join(missing)} in the last link run.")
    return [by_id[ids[0]], by_id[ids[1]]], total, tf


def _level_label(levels: list[dict[str, Any]], gamma: int) -> str:
    """Returns the label of the level a comparison vector value stands for (Splink numbers them down to 0)."""
    if gamma == -1:
        return "Missing on one side"
    ranked = [level for level in levels if not level.get("is_null_level")]
    index = len(ranked) - 1 - gamma
    if 0 <= index < len(ranked):
        return str(ranked[index].get("label_for_charts") or ranked[index].get("sql_condition"))
    return str(gamma)


def explain_pair(
    run_dir: Path, person_id_l: str, person_id_r: str, saved: dict[str, Any] | None = None
) -> PairExplanation:
    """Returns why the saved model scores the two records as it does, comparison by comparison."""
    import duckdb as db
    import pandas as pd
    from splink import DuckDBAPI, Linker

    (left, right), total, tf = _records(run_dir, (str(person_id_l), str(person_id_r)))
    for record in (left, right):
        for column in model.TF_COLUMNS:
            record[f"tf_{column}"] = tf[column].get(record[column]) if record[column] is not None else None
    settings_dict = model._scaled_to(saved or model.load_model(), total)
    settings_dict.pop("sql_dialect", None)
    api = DuckDBAPI(db.connect())
    frame = pd.DataFrame([left, right])[list(model.LINK_COLUMNS)]
    linker = Linker(api.register(frame, table_name="pair_records"), settings_dict, log_level=logging.WARNING)
    scored = linker.inference.score_pair(left, right).as_record_list()[0]
    prior = settings_dict["probability_two_random_records_match"]
    explained = PairExplanation(
        person_id_l=str(person_id_l),
        person_id_r=str(person_id_r),
        match_probability=float(scored["match_probability"]),
        match_weight=float(scored["match_weight"]),
        prior_weight=math.log2(prior / (1 - prior)),
    )
    for comparison in settings_dict["comparisons"]:
        name = comparison["output_column_name"]
        gamma = int(scored[f"gamma_{name}"])
        label = _level_label(comparison["comparison_levels"], gamma)
        # The level's weight, plus the term-frequency adjustment where the comparison has one (names).
        weight = float(scored.get(f"mw_{name}") or 0.0) + float(scored.get(f"mw_tf_adj_{name}") or 0.0)
        shown = SHOWN.get(name, ())
        explained.comparisons.append(
            ComparisonExplained(
                name=name,
                level=label,
                match_weight=weight,
                left=" / ".join(str(left[c]) for c in shown if left.get(c) is not None),
                right=" / ".join(str(right[c]) for c in shown if right.get(c) is not None),
            )
        )
    return explained
