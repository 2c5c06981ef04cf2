"""Who the rules pick out: triggered children by sex, ethnicity and area against the extract's children."""

from __future__ import annotations

import pandas as pd

from upstream_analytics.triggers.ruleset import RuleSet

DIMENSIONS = ("sex", "ethnicity", "area_code")
COLUMNS = [
    "dimension",
    "group",
    "children",
    "referral",
    "emerging",
    "referral_rate",
    "referral_ratio",
    "emerging_rate",
    "emerging_ratio",
]


def report(facts: pd.DataFrame, triggers: pd.DataFrame, ruleset: RuleSet, window: object) -> pd.DataFrame:
    """Returns disparity.csv: per group, its children, how many reach each level, rates and ratios to all children.

    The population is every resolved person who was a child at some time in the window (born by its end and
    under the child age at its start). A ratio above 1 means the group is picked out more often than
    children as a whole; groups with no recorded value are reported as "not recorded".
    """
    start = window.start  # type: ignore[attr-defined]
    as_of = window.as_of  # type: ignore[attr-defined]
    start_ymd = start.year * 10000 + start.month * 100 + start.day
    end_ymd = as_of.year * 10000 + as_of.month * 100 + as_of.day
    dob = pd.to_numeric(facts["dob_ymd"], errors="coerce")
    age_limit = ruleset.number("child_age") * 10000
    children = facts[(dob <= end_ymd) & ((start_ymd - dob) < age_limit)].copy()
    if children.empty:
        return pd.DataFrame(columns=COLUMNS)
    counts = triggers.set_index("resolved_person_id")["ace_count"] if not triggers.empty else pd.Series(dtype=int)
    score = children["resolved_person_id"].map(counts).fillna(0).astype(int)
    children["referral"] = score >= ruleset.number("referral_threshold")
    children["emerging"] = (score >= ruleset.number("emerging_threshold")) & ~children["referral"]
    overall_ref = children["referral"].mean()
    overall_em = children["emerging"].mean()
    rows = [
        {
            "dimension": "all",
            "group": "all children",
            "children": len(children),
            "referral": int(children["referral"].sum()),
            "emerging": int(children["emerging"].sum()),
        }
    ]
    for dim in DIMENSIONS:
        values = (
            children[dim]
            .astype(object)
            .where(children[dim].notna() & (children[dim].astype(str) != ""), "not recorded")
        )
        grouped = children.assign(group=values).groupby("group")
        for group, frame in grouped:
            rows.append(
                {
                    "dimension": dim,
                    "group": str(group),
                    "children": len(frame),
                    "referral": int(frame["referral"].sum()),
                    "emerging": int(frame["emerging"].sum()),
                }
            )
    out = pd.DataFrame(rows)
    out["referral_rate"] = (out["referral"] / out["children"]).round(6)
    out["emerging_rate"] = (out["emerging"] / out["children"]).round(6)
    out["referral_ratio"] = (out["referral_rate"] / overall_ref).round(4) if overall_ref else None
    out["emerging_ratio"] = (out["emerging_rate"] / overall_em).round(4) if overall_em else None
    return out[COLUMNS]
