"""Clerical decisions that override the model: a person said two records are, or are not, one person.

The web app keeps every decision (who, when, why); a link run is given the latest decision on each pair as
a frame of ``person_id_l, person_id_r, decision``. A "match" joins the two records whatever the model
scored; a "non_match" keeps them apart, even when other links would join them through a third record; an
"unsure" decision changes nothing (the pair stays in the review queue for someone else to decide).

Keeping records apart is a constraint on clustering, not just a removed edge: A–C and C–B links would still
put A and B together. Groups holding a "non_match" pair are therefore rebuilt by adding their links one at a
time, reviewers' matches first and then the strongest model links, skipping a link that would join two
records someone said are different people. Groups without one are left as connected components found them,
so a run with no decisions gives exactly the model's answer.
"""

from __future__ import annotations

import pandas as pd

from upstream_analytics.linkage.model import connected_components

MATCH = "match"
NON_MATCH = "non_match"
UNSURE = "unsure"
DECISIONS = (MATCH, NON_MATCH, UNSURE)
COLUMNS = ("person_id_l", "person_id_r", "decision")


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Returns the pairs with the smaller person_id on the left, so (a, b) and (b, a) are one pair."""
    frame = frame.copy()
    left, right = frame["person_id_l"].astype(str), frame["person_id_r"].astype(str)
    frame["person_id_l"] = left.where(left <= right, right)
    frame["person_id_r"] = right.where(left <= right, left)
    return frame


def normalise(decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Returns one decision per pair (the last given), pairs ordered, unknown decisions refused."""
    if decisions is None or decisions.empty:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})
    unknown = set(decisions["decision"]) - set(DECISIONS)
    if unknown:
        raise ValueError(f"Unknown clerical decision(s) {sorted(unknown)}; expected one of {DECISIONS}")
    frame = ordered(decisions[list(COLUMNS)])
    frame = frame[frame["person_id_l"] != frame["person_id_r"]]
    return frame.drop_duplicates(["person_id_l", "person_id_r"], keep="last").reset_index(drop=True)


def still_to_review(pairs: pd.DataFrame, decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Returns the uncertain pairs nobody has decided yet ("unsure" pairs stay in the queue)."""
    decided = normalise(decisions)
    decided = decided[decided["decision"] != UNSURE]
    if decided.empty or pairs.empty:
        return pairs
    keys = ordered(pairs)
    known = pd.MultiIndex.from_frame(decided[["person_id_l", "person_id_r"]])
    mask = pd.MultiIndex.from_frame(keys[["person_id_l", "person_id_r"]]).isin(known)
    return pairs[~mask]


def apply(
    person_ids: pd.Series, pairs: pd.DataFrame, decisions: pd.DataFrame | None, *, threshold: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Returns (clusters, links) with the reviewers' decisions applied over the model's scored pairs.

    clusters: person_id, resolved_person_id; links: each link kept (person_id_l, person_id_r,
    match_probability, source "model" or "reviewer").
    """
    decided = normalise(decisions)
    known = set(person_ids.astype(str))
    decided = decided[decided["person_id_l"].isin(known) & decided["person_id_r"].isin(known)]
    model_links = ordered(pairs[pairs["match_probability"] >= threshold])[
        ["person_id_l", "person_id_r", "match_probability"]
    ].assign(source="model")
    apart = decided[decided["decision"] == NON_MATCH]
    if not apart.empty:
        cut = pd.MultiIndex.from_frame(apart[["person_id_l", "person_id_r"]])
        model_links = model_links[~pd.MultiIndex.from_frame(model_links[["person_id_l", "person_id_r"]]).isin(cut)]
    forced = decided[decided["decision"] == MATCH][["person_id_l", "person_id_r"]].assign(
        match_probability=float("nan"), source="reviewer"
    )
    model_links = model_links[
        ~pd.MultiIndex.from_frame(model_links[["person_id_l", "person_id_r"]]).isin(
            pd.MultiIndex.from_frame(forced[["person_id_l", "person_id_r"]])
        )
    ]
    links = pd.concat([forced, model_links], ignore_index=True) if not forced.empty else model_links
    links = links.reset_index(drop=True)
    clusters = connected_components(person_ids, links)
    if not apart.empty:
        clusters = _keep_apart(clusters, links, apart)
        # A link the rebuild skipped joins two people now, so it no longer explains anyone's group.
        group_of = dict(zip(clusters["person_id"], clusters["resolved_person_id"], strict=True))
        links = links[links["person_id_l"].map(group_of) == links["person_id_r"].map(group_of)].reset_index(drop=True)
    return clusters, links


def _keep_apart(clusters: pd.DataFrame, links: pd.DataFrame, apart: pd.DataFrame) -> pd.DataFrame:
    """Returns the clusters with every group that holds a non-match pair rebuilt without joining it."""
    group_of = dict(zip(clusters["person_id"], clusters["resolved_person_id"], strict=True))
    broken = {
        group_of[a]
        for a, b in zip(apart["person_id_l"], apart["person_id_r"], strict=True)
        if group_of[a] == group_of[b]
    }
    if not broken:
        return clusters
    members = clusters[clusters["resolved_person_id"].isin(broken)]["person_id"].tolist()
    inside = links[links["person_id_l"].map(group_of).isin(broken)]
    # Reviewers' matches first (NaN sorts last, so they are given +inf), then the strongest model links.
    order = inside.assign(rank=inside["match_probability"].fillna(float("inf"))).sort_values(
        ["rank", "person_id_l", "person_id_r"], ascending=[False, True, True]
    )
    parent = {m: m for m in members}
    enemies: dict[str, set[str]] = {m: set() for m in members}
    for a, b in zip(apart["person_id_l"], apart["person_id_r"], strict=True):
        if a in parent and b in parent:
            enemies[a].add(b)
            enemies[b].add(a)

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(order["person_id_l"], order["person_id_r"], strict=True):
        ra, rb = root(a), root(b)
        if ra == rb or rb in {root(e) for e in enemies[ra]}:
            continue
        parent[rb] = ra
        enemies[ra] |= enemies[rb]
    groups: dict[str, list[str]] = {}
    for m in members:
        groups.setdefault(root(m), []).append(m)
    new_id = {m: min(group) for group in groups.values() for m in group}
    clusters = clusters.copy()
    rebuilt = clusters["person_id"].isin(new_id.keys())
    clusters.loc[rebuilt, "resolved_person_id"] = clusters.loc[rebuilt, "person_id"].map(new_id)
    return clusters
