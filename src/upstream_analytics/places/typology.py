"""A typology of need: areas clustered on standardised harm, vulnerability and demand.

k-means (seeded), k chosen by the silhouette, each cluster named in plain words by rules on its centroid;
and a Vulnerable Localities Index (VLI) alongside.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

FEATURES = ("harm", "vulnerability", "demand")
SEED = 20170701
K_RANGE = range(2, 9)
N_INIT = 5  # k-means restarts per k; more changed no cluster in our tests, and cost time at 33,000 areas
HIGH = 0.5  # half a standard deviation above the force's average
LOW = -0.25


def _name(centroid: dict[str, float]) -> str:
    harm, vulnerability, demand = (centroid[f] for f in FEATURES)
    if harm >= HIGH and vulnerability >= HIGH:
        return "complex policing need"
    if demand >= HIGH and harm >= HIGH:
        return "night-time economy or town centre"
    if demand >= HIGH or harm >= HIGH:
        return "high demand, low deprivation"
    if vulnerability >= HIGH:
        return "deprived, moderate crime"
    if max(harm, vulnerability, demand) <= LOW:
        return "low demand"
    return "average need"


NAMING_RULES = [
    "harm and vulnerability both at least 0.5 SD above the force average: complex policing need",
    "else demand and harm both at least 0.5 SD above: night-time economy or town centre",
    "else demand or harm at least 0.5 SD above: high demand, low deprivation",
    "else vulnerability at least 0.5 SD above: deprived, moderate crime",
    "else all three at most 0.25 SD below: low demand",
    "else: average need",
    "two clusters with the same name are told apart by a number, most needy first",
]


# What each feature is made of: (input column, logged?, what it is). The first part of each is always there;
# the others come from the force's own records (the records store) and are used when the profile has them.
PARTS: dict[str, tuple[tuple[str, bool, str], ...]] = {
    "harm": (("harm_rate", True, "harm-weighted crime per 1,000 residents"),),
    "vulnerability": (
        ("deprivation", False, "deprivation percentile from the IMD rank (1 = most deprived in England)"),
        ("domestic_abuse_rate", True, "domestic abuse events (flagged DA) per 1,000 residents, force records"),
        ("missing_rate", True, "missing episodes per 1,000 residents, force records"),
    ),
    "demand": (
        ("demand_rate", True, "crimes and ASB incidents per 1,000 residents"),
        ("calls_rate", True, "calls for service per 1,000 residents, force records"),
    ),
}


def _standardise(values: pd.Series) -> pd.Series:
    std = values.std(ddof=0)
    return (values - values.mean()) / (std or 1.0)


def parts_used(indicators: pd.DataFrame) -> dict[str, list[str]]:
    """Returns, per feature, the input columns it is made of: the optional ones only when the input has them."""
    used: dict[str, list[str]] = {}
    for feature, parts in PARTS.items():
        first, *optional = parts
        used[feature] = [first[0]] + [
            # Used when the force's records place any such event in the force's areas (and residents are known).
            column
            for column, _log, _what in optional
            if column in indicators and bool((indicators[column].astype(float).fillna(0.0) > 0).any())
        ]
    return used


def features(indicators: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Returns the standardised features (log of rates, then z-scores) and how many values were imputed.

    A feature made of several parts (vulnerability from deprivation, domestic abuse and missing episodes when
    the force's records are imported) is the mean of its parts' z-scores, standardised again, so each part
    counts equally and the feature keeps the same scale as one made of a single part.
    """
    used = parts_used(indicators)
    out = pd.DataFrame(index=indicators.index)
    imputed: dict[str, int] = {}
    for feature, parts in PARTS.items():
        scores = []
        for column, logged, _what in parts:
            if column not in used[feature]:
                continue
            # Rates per 1,000 residents are heavily skewed (a city centre has few residents and much crime),
            # so they are logged before standardising; otherwise one area would be a cluster of its own.
            raw = indicators[column].astype(float)
            raw = np.log1p(raw) if logged else raw
            imputed[column] = int(raw.isna().sum())
            # The median fills gaps (Welsh LSOAs have no IMD row); with no value at all, every area is alike.
            scores.append(_standardise(raw.fillna(raw.median() if raw.notna().any() else 0.0)))
        out[feature] = scores[0] if len(scores) == 1 else _standardise(pd.concat(scores, axis=1).mean(axis=1))
    return out, imputed


def choose_k(x: np.ndarray, *, seed: int = SEED) -> tuple[int, dict[int, float]]:
    """Returns the k with the highest silhouette (ties to the smaller k) and the silhouette of every k tried."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(x)
    # k-means cannot find more clusters than there are distinct points (areas with identical features).
    distinct = len(np.unique(x, axis=0)) if n else 0
    scores: dict[int, float] = {}
    sample = min(n, 5000)
    for k in K_RANGE:
        if k >= n or k > distinct:
            break
        labels = KMeans(n_clusters=k, n_init=N_INIT, random_state=seed).fit_predict(x)
        if len(set(labels)) < 2:  # noqa: PLR2004 - a silhouette needs two clusters
            continue
        scores[k] = round(float(silhouette_score(x, labels, sample_size=sample, random_state=seed)), 6)
    if not scores:
        return 1, scores
    best = max(scores.values())
    return min(k for k, s in scores.items() if s == best), scores


def typology(indicators: pd.DataFrame, *, seed: int = SEED) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Returns one row per area (cluster, cluster name, feature z-scores, VLI) and the explanation of k."""
    from threadpoolctl import threadpool_limits

    # One thread: on three features k-means is quick, and OpenMP threads fighting over a shared 2-core
    # machine made it a hundred times slower; one thread also keeps results identical from run to run.
    with threadpool_limits(limits=1):
        return _typology(indicators, seed=seed)


def _typology(indicators: pd.DataFrame, *, seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    from sklearn.cluster import KMeans

    z, imputed = features(indicators)
    used = parts_used(indicators)
    x = z[list(FEATURES)].to_numpy()
    k, scores = choose_k(x, seed=seed)
    if k == 1:
        labels = np.zeros(len(x), dtype=int)
    else:
        labels = KMeans(n_clusters=k, n_init=N_INIT, random_state=seed).fit_predict(x)
    centroids = pd.DataFrame(x, columns=list(FEATURES)).groupby(labels).mean()
    # Number clusters by need (sum of the centroid), most needy first, so the numbering means something.
    order = centroids.sum(axis=1).sort_values(ascending=False).index.tolist()
    renumber = {old: new + 1 for new, old in enumerate(order)}
    names: dict[int, str] = {}
    for old in order:
        names[renumber[old]] = _name(centroids.loc[old].to_dict())
    counts: dict[str, int] = {}
    for cluster in sorted(names):
        counts[names[cluster]] = counts.get(names[cluster], 0) + 1
    seen: dict[str, int] = {}
    for cluster in sorted(names):
        base = names[cluster]
        if counts[base] > 1:
            seen[base] = seen.get(base, 0) + 1
            names[cluster] = f"{base} {seen[base]}"
    out = pd.DataFrame(
        {
            "area_code": indicators.index,
            "cluster": [renumber[label] for label in labels],
        }
    )
    out["cluster_name"] = out["cluster"].map(names)
    for feature in FEATURES:
        out[f"{feature}_z"] = z[feature].to_numpy().round(6)
    out["vli"] = vulnerable_localities_index(indicators).to_numpy().round(3)
    explanation = {
        "k": k,
        "k_tried": sorted(scores),
        "silhouette_by_k": {str(key): value for key, value in sorted(scores.items())},
        "why": (
            f"k = {k} gave the highest mean silhouette ({scores.get(k, float('nan')):.3f}) of the k tried "
            f"({min(K_RANGE)}–{max(K_RANGE)}): areas sit closest to their own cluster and furthest from the next."
            if k > 1
            else "Too few areas (or no variation) to cluster: every area is in one group."
        ),
        "features": {feature: _describe(feature, used[feature]) for feature in FEATURES},
        "parts": used,
        "force_records_used": any(len(columns) > 1 for columns in used.values()),
        "imputed_with_median": imputed,
        "clusters": [
            {
                "cluster": renumber[old],
                "name": names[renumber[old]],
                "areas": int((labels == old).sum()),
                "centroid": {f: round(float(centroids.loc[old, f]), 4) for f in FEATURES},
            }
            for old in order
        ],
        "naming_rules": NAMING_RULES,
        "seed": seed,
    }
    return out, explanation


def _describe(feature: str, columns: list[str]) -> str:
    """Returns how a feature was made, in words, for typology.json."""
    described = []
    for column, logged, what in PARTS[feature]:
        if column in columns:
            described.append(f"log(1 + {what})" if logged else what)
    if len(described) == 1:
        return f"{described[0]}, standardised"
    return "mean of the standardised " + "; ".join(described) + ", standardised again"


VLI_COMPONENTS = ("burglary_rate", "criminal_damage_rate", "income", "employment", "education", "young_share")


def vulnerable_localities_index(indicators: pd.DataFrame) -> pd.Series:
    """Returns a VLI-style index: the mean of six measures each scaled so the force average is 100."""
    # The Jill Dando Institute's VLI averages indices (100 = average) of burglary, criminal damage, income,
    # employment, education and the share of young people. IoD2019 File 2 gives ranks, not scores, so the
    # deprivation measures here are percentiles of deprivation (1 = most deprived); see docs/places-analysis.md.
    parts = []
    for column in VLI_COMPONENTS:
        values = indicators[column].astype(float)
        mean = values.mean()
        parts.append(values / mean * 100 if mean and not np.isnan(mean) else values * np.nan)
    return pd.concat(parts, axis=1).mean(axis=1, skipna=True)
