# ruff: noqa: PD004 - these are Ibis expressions, whose null test is notnull, not pandas
"""Who the rules pick out: triggered children by sex, ethnicity and area against the extract's children."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from upstream_analytics.triggers.ruleset import ACE_NAMES, RuleSet

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
NOT_RECORDED = "not recorded"


def counts(children: ir.Table, evidence: ir.Table, ruleset: RuleSet) -> ir.Table:
    """Returns (dimension, group, children, referral, emerging): the window's children per group and level.

    `children` is every resolved person who was a child at some time in the window (born by its end and under
    the child age at its start), with their sex, ethnicity and area; a child's level comes from the number
    of counted ACE types in `evidence`. A missing or blank value is the group "not recorded".
    """
    counted = [n for n in ACE_NAMES if ruleset.ace_counted(n)]
    aces = evidence.filter((evidence.kind == "ace") & evidence.name.isin(counted))
    scores = aces.group_by("resolved_person_id").aggregate(score=aces.name.nunique())
    c = children.left_join(scores, "resolved_person_id").select(children, score=scores.score.fill_null(0))
    referral = c.score >= ruleset.number("referral_threshold")
    emerging = (c.score >= ruleset.number("emerging_threshold")) & ~referral
    c = c.mutate(_referral=referral.cast("int64"), _emerging=emerging.cast("int64"))
    groups = [("all", ibis.literal("all children"))]
    for dim in DIMENSIONS:
        value = c[dim].cast("string")
        groups.append((dim, ibis.ifelse(c[dim].notnull() & (value != ""), value, NOT_RECORDED)))
    parts = [
        c.mutate(dimension=ibis.literal(dim), group=group)
        .group_by("dimension", "group")
        .aggregate(children=ibis._.count(), referral=ibis._._referral.sum(), emerging=ibis._._emerging.sum())
        for dim, group in groups
    ]
    out = parts[0]
    for part in parts[1:]:
        out = out.union(part)
    return out


def report(counted: pd.DataFrame) -> pd.DataFrame:
    """Returns disparity.csv from :func:`counts`: per group, its children, rates and ratios to all children.

    A ratio above 1 means the group is picked out more often than children as a whole. The rows: all
    children first, then each dimension's groups in order.
    """
    overall = counted[counted["dimension"] == "all"]
    if overall.empty or int(overall["children"].iloc[0]) == 0:
        return pd.DataFrame(columns=COLUMNS)
    order = {d: i for i, d in enumerate(("all", *DIMENSIONS))}
    out = counted.assign(_order=counted["dimension"].map(order), group=counted["group"].astype(str))
    out = out.sort_values(["_order", "group"], kind="mergesort").reset_index(drop=True)
    for column in ("children", "referral", "emerging"):
        out[column] = out[column].astype("int64")
    all_children = int(overall["children"].iloc[0])
    overall_ref = int(overall["referral"].iloc[0]) / all_children
    overall_em = int(overall["emerging"].iloc[0]) / all_children
    out["referral_rate"] = (out["referral"] / out["children"]).round(6)
    out["emerging_rate"] = (out["emerging"] / out["children"]).round(6)
    out["referral_ratio"] = (out["referral_rate"] / overall_ref).round(4) if overall_ref else None
    out["emerging_ratio"] = (out["emerging_rate"] / overall_em).round(4) if overall_em else None
    return out[COLUMNS]
