"""The Fellegi–Sunter model that decides which person records are one person (Splink 5).

The model's shape (comparisons and blocking rules) is code; its trained parameters live in a versioned JSON
file beside it (model_v2.json), re-used on every run unless a retrain is asked for, so results do not drift
between runs and a change of model is a reviewed commit.
"""

from __future__ import annotations

import json
import logging
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

MODEL_VERSION = "v2"
MODEL_PATH = Path(__file__).with_name(f"model_{MODEL_VERSION}.json")
SEED = 20261123

# Columns Splink reads (the standardised record).
LINK_COLUMNS = (
    "person_id",
    "forename_std",
    "surname_std",
    "middle_std",
    "forename_canonical",
    "sex_std",
    "pnc_std",
    "dob_full",
    "dob_year",
    "dob_month",
    "dob_day",
    "postcode_std",
    "postcode_outward",
    "place_key",
    "surname_soundex",
    "forename_soundex",
    "phone_std",
    "ethnicity_std",
    "ethnicity_group",
)

# Columns whose exact agreement is weighed by how common the value is (a shared "Smith" says less than a
# shared "Oyelaran"); explain.py computes the same frequencies for a pair.
TF_COLUMNS = ("forename_std", "surname_std")


def _comparisons(*, guards: bool = True) -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    swapped = "forename_std_l = surname_std_r and surname_std_l = forename_std_r"
    # Swapped and misspelt or shortened ("Wood, Christina" / "Tina Wood"): the Soundex codes cross over.
    swapped_sounds = "forename_soundex_l = surname_soundex_r and surname_soundex_l = forename_soundex_r"
    forename = cl.CustomComparison(
        output_column_name="forename",
        comparison_levels=[
            cll.NullLevel("forename_std"),
            cll.ExactMatchLevel("forename_std", term_frequency_adjustments=True),
            cll.CustomLevel("forename_canonical_l = forename_canonical_r", "Nickname of the same name"),
            cll.CustomLevel(swapped, "Forename and surname swapped"),
            cll.CustomLevel(swapped_sounds, "Forename and surname swapped, sounding alike"),
            cll.JaroWinklerLevel("forename_std", 0.92),
            cll.CustomLevel(
                "forename_std_l = middle_std_r or middle_std_l = forename_std_r", "Forename is the other's middle name"
            ),
            cll.JaroWinklerLevel("forename_std", 0.8),
            # Fellegi–Sunter treats fields as independent, but twins and siblings share surname, address and
            # (twins) date of birth. Unrelated forenames almost never belong to one person, so this level's
            # m is fixed very small rather than learnt: EM would otherwise learn "same household".
            _else(guards),
        ],
    )
    surname = cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname_std"),
            cll.ExactMatchLevel("surname_std", term_frequency_adjustments=True),
            # The forename comparison already counts a swap; here it is neutral so it is not counted twice.
            cll.CustomLevel(swapped, "Forename and surname swapped").configure(
                m_probability=0.5, u_probability=0.5, fix_m_probability=True, fix_u_probability=True
            ),
            cll.CustomLevel(swapped_sounds, "Forename and surname swapped, sounding alike").configure(
                m_probability=0.5, u_probability=0.5, fix_m_probability=True, fix_u_probability=True
            ),
            cll.JaroWinklerLevel("surname_std", 0.92),
            cll.CustomLevel(
                "length(surname_std_l) >= 3 and length(surname_std_r) >= 3 and "
                "(substr(surname_std_l, 1, length(surname_std_r)) = surname_std_r "
                "or substr(surname_std_r, 1, length(surname_std_l)) = surname_std_l)",
                "One surname is the start of the other (double-barrelled)",
            ),
            cll.JaroWinklerLevel("surname_std", 0.8),
            cll.ElseLevel(),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.CustomLevel("dob_year_l is null or dob_year_r is null", "Missing").configure(is_null_level=True),
            cll.CustomLevel("dob_full_l = dob_full_r", "Exact date"),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and dob_month_l = dob_day_r and dob_day_l = dob_month_r",
                "Day and month transposed",
            ),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and (dob_month_l is null or dob_month_r is null "
                "or (dob_month_l = dob_month_r and (dob_day_l is null or dob_day_r is null)))",
                "Partial date agrees",
            ),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and dob_month_l = dob_month_r", "Same year and month, day differs"
            ),
            cll.CustomLevel("dob_year_l = dob_year_r", "Same year"),
            # A parent and child of one name at one address differ here; as for forenames, fixed small.
            _else(guards),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[cll.NullLevel("sex_std"), cll.ExactMatchLevel("sex_std"), cll.ElseLevel()],
    )
    place = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel("postcode_std_l is null or postcode_std_r is null", "Missing").configure(
                is_null_level=True
            ),
            cll.CustomLevel("place_key_l = place_key_r", "Same place"),
            cll.ExactMatchLevel("postcode_std"),
            cll.ExactMatchLevel("postcode_outward"),
            cll.ElseLevel(),
        ],
    )
    pnc = cl.CustomComparison(
        output_column_name="pnc_id",
        comparison_levels=[cll.NullLevel("pnc_std"), cll.ExactMatchLevel("pnc_std"), cll.ElseLevel()],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[cll.NullLevel("phone_std"), cll.ExactMatchLevel("phone_std"), cll.ElseLevel()],
    )
    # Records may carry a self-defined (18+1) or an officer-defined (IC) code for one person: the broad group
    # is a level of its own. EM learns how often a person's codes disagree.
    ethnicity = cl.CustomComparison(
        output_column_name="ethnicity",
        comparison_levels=[
            cll.NullLevel("ethnicity_group"),
            cll.ExactMatchLevel("ethnicity_std"),
            cll.ExactMatchLevel("ethnicity_group"),
            cll.ElseLevel(),
        ],
    )
    return [forename, surname, dob, sex, place, pnc, phone, ethnicity]


def _else(guard: bool) -> Any:
    """Returns the last level of a comparison: a guard (m fixed very small) or a level EM learns."""
    import splink.comparison_level_library as cll

    if guard:
        return cll.ElseLevel().configure(m_probability=1e-6, fix_m_probability=True)
    return cll.ElseLevel()


def _blocking_rules() -> list[Any]:
    from splink import block_on

    # Each rule joins records sharing a narrow key, so pairs grow near-linearly with the records; together
    # they catch a match unless it differs on every key at once.
    return [
        block_on("pnc_std"),
        block_on("phone_std"),
        block_on("surname_soundex", "dob_full"),
        block_on("forename_soundex", "dob_full"),
        block_on("forename_canonical", "surname_std", "dob_year"),
        block_on("surname_soundex", "forename_soundex", "dob_year"),
        block_on("place_key", "forename_soundex"),
        "l.forename_std = r.surname_std and l.surname_std = r.forename_std",
        "l.forename_soundex = r.surname_soundex and l.surname_soundex = r.forename_soundex and l.dob_year = r.dob_year",
    ]


def settings(*, guards: bool = True) -> Any:
    """Returns the Splink settings of the model (untrained); guards=False lets EM learn every level."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="person_id",
        comparisons=_comparisons(guards=guards),
        blocking_rules_to_generate_predictions=_blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        probability_two_random_records_match=0.0001,
    )


def _db_api(engine: str) -> Any:
    if engine == "spark":
        from splink import SparkAPI

        from upstream_analytics.engine import spark_session

        # Persisting in memory breaks lineage without a checkpoint folder to set up and clean.
        return SparkAPI(spark_session=spark_session(), break_lineage_method="persist")
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect()
    con.execute("set threads=2")
    return DuckDBAPI(con)


@contextmanager
def _registered(api: Any, engine: str, records: pd.DataFrame) -> Iterator[Any]:
    """Yields the records registered with Splink for one training or scoring run, and cleans up after it."""
    frame = records[list(LINK_COLUMNS)]
    if engine != "spark":
        yield api.register(frame, table_name="person_records")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    from upstream_analytics.engine import spark_session

    # Through a Parquet file rather than createDataFrame: from pandas, every row crosses to the JVM as Python
    # objects and the driver holds them all, which ran a 6g heap out of memory at the 100k tier; Spark reads
    # the file in partitions. (A missing value is null either way.) The file lives as long as the run reads
    # it: a web link runs in the long-lived task worker, which must not gather one file per run.
    with tempfile.TemporaryDirectory(prefix="upstream-link-records-") as folder:
        path = Path(folder) / "records.parquet"
        # Text columns are written as text even when every value is missing (Spark cannot read Parquet's null type).
        schema = pa.schema(
            [(c, pa.string() if frame[c].dtype == object else pa.from_numpy_dtype(frame[c].dtype)) for c in frame]
        )
        pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), path)
        # One Spark session serves every run in the process, and Splink refuses a table name already in its
        # catalog: each run registers its records under a name of its own.
        yield api.register(spark_session().read.parquet(str(path)), table_name=f"person_records_{uuid.uuid4().hex}")


def train(
    records: pd.DataFrame, *, engine: str = "duckdb", out: Path | None = MODEL_PATH, guards: bool = True
) -> dict[str, Any]:
    """Trains the model's parameters with EM (seeded, so the same records give the same model); saves JSON."""
    from splink import Linker, block_on

    api = _db_api(engine)
    with _registered(api, engine, records) as table:
        linker = Linker(table, settings(guards=guards), log_level=logging.WARNING)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("forename_std", "surname_std", "dob_full"), "l.pnc_std = r.pnc_std"], recall=0.6
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=SEED)
        # Two passes, each blocking on what the other estimates, so every comparison gets m values.
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob_full"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("surname_std", "forename_canonical")
        )
        model = linker.misc.save_model_to_json()
    model["upstream_model_version"] = MODEL_VERSION
    model["upstream_training_records"] = len(records)
    if out is not None:
        out.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return model


@dataclass
class LinkResult:
    """Which records were judged one person, and the pairs a person should look at."""

    pairs: pd.DataFrame  # person_id_l, person_id_r, match_probability (all scored pairs above the band's floor)
    person_ids: pd.Series
    threshold: float

    @cached_property
    def clusters(self) -> pd.DataFrame:
        """Returns person_id, resolved_person_id: the groups of the pairs at the threshold, found when first asked.

        `records link` groups the pairs itself, with reviewers' decisions applied (decisions.apply), so it never
        pays for this grouping too.
        """
        links = self.pairs[self.pairs["match_probability"] >= self.threshold]
        return connected_components(self.person_ids, links)


def load_model(path: Path = MODEL_PATH) -> dict[str, Any]:
    """Returns the saved model as a Splink settings dict."""
    return json.loads(path.read_text(encoding="utf-8"))


def _scaled_to(model: dict[str, Any], records: int) -> dict[str, Any]:
    """Returns the model with its prior scaled to this many records.

    A person has about as many duplicate records in a large force as in a small one, so the chance that two
    records picked at random match falls as 1/N. Left at the training extract's value, a model trained on
    25,000 records links far too readily among 2 million (pairwise precision 0.81 at the 1M tier).
    """
    model = dict(model)
    model.pop("upstream_model_version", None)
    trained_on = model.pop("upstream_training_records", None)
    if trained_on and records > 0:
        model["probability_two_random_records_match"] = min(
            0.5, model["probability_two_random_records_match"] * trained_on / records
        )
    return model


def predict(
    records: pd.DataFrame,
    *,
    engine: str = "duckdb",
    model: dict[str, Any] | None = None,
    threshold: float = 0.9,
    floor: float = 0.5,
) -> LinkResult:
    """Scores candidate pairs with the model and clusters records whose link probability is at the threshold."""
    from splink import Linker

    api = _db_api(engine)
    settings_dict = _for_engine(_scaled_to(model or load_model(), len(records)), engine)
    with _registered(api, engine, records) as table:
        linker = Linker(table, settings_dict, log_level=logging.WARNING)
        scored = linker.inference.predict(threshold_match_probability=floor)
        pairs = scored.as_pandas_dataframe()[["person_id_l", "person_id_r", "match_probability"]]
    return LinkResult(pairs=pairs, person_ids=records["person_id"], threshold=threshold)


def _for_engine(model: dict[str, Any], engine: str) -> dict[str, Any]:
    """Returns the model's settings written in the engine's SQL, with the trained parameters.

    The JSON holds DuckDB SQL (double-quoted names, which Spark reads as strings), so for Spark the
    settings are rebuilt from code in Spark's dialect and the trained values copied across, level by level.
    """
    model.pop("sql_dialect", None)
    if engine != "spark":
        return model
    fresh: dict[str, Any] = settings().create_settings_dict("spark")
    fresh["blocking_rules_to_generate_predictions"] = [
        rule.create_blocking_rule_dict("spark") for rule in _spark_blocking_rules()
    ]
    for new, old in zip(fresh["comparisons"], model["comparisons"], strict=True):
        for new_level, old_level in zip(new["comparison_levels"], old["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability", "tf_adjustment_weight", "tf_minimum_u_value"):
                if key in old_level:
                    new_level[key] = old_level[key]
    fresh["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    fresh.pop("sql_dialect", None)
    return fresh


def _spark_blocking_rules() -> list[Any]:
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    return [to_blocking_rule_creator(rule) for rule in _blocking_rules()]


def connected_components(person_ids: pd.Series, links: pd.DataFrame) -> pd.DataFrame:
    """Returns each person_id with its resolved_person_id: the smallest person_id of its linked group."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components as components

    ids = pd.Index(sorted(person_ids.astype(str).unique()))
    left = ids.get_indexer(links["person_id_l"].astype(str))
    right = ids.get_indexer(links["person_id_r"].astype(str))
    n = len(ids)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, label = components(graph, directed=False)
    # The label numbering is arbitrary; the smallest id in each group names it, the same on every engine.
    # The ids are sorted, so a group's smallest id is the one at its first position. (A pandas group-by "min"
    # over text falls back to Python once per group: 10 s at 186,509 records, minutes at the 1M tier.)
    _, first = np.unique(label, return_index=True)
    return pd.DataFrame({"person_id": ids, "resolved_person_id": ids.to_numpy()[first[label]]})
