"""Allocation: N officers shared among teams (or wards) in proportion to need, by largest remainder.

Each team gets at least a floor; the rest follows a need index by the largest-remainder (Hamilton) method.
"""

from __future__ import annotations

import math

import pandas as pd

DEFAULT_WEIGHTS = {"harm": 0.5, "demand": 0.3, "vulnerability": 0.2}


def parse_weights(text: str | None) -> dict[str, float]:
    """Returns need weights from "harm=0.5,demand=0.3,vulnerability=0.2" (defaults for any left out)."""
    weights = dict(DEFAULT_WEIGHTS)
    if not text:
        return weights
    for part in text.split(","):
        key, _, value = part.partition("=")
        key = key.strip()
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown need weight {key!r}: use harm, demand or vulnerability")
        try:
            weights[key] = float(value)
        except ValueError:
            raise ValueError(f"need weight {key} must be a number, not {value!r}") from None
        if weights[key] < 0:
            raise ValueError(f"need weight {key} must be 0 or more")
    if sum(weights.values()) <= 0:
        raise ValueError("at least one need weight must be above 0")
    return weights


def need_index(units: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Returns each unit's need: the weighted sum of its shares of the force's harm, demand and vulnerability."""
    total_weight = sum(weights.values())
    need = pd.Series(0.0, index=units.index)
    for key, weight in weights.items():
        column = units[key].astype(float).fillna(0.0)
        total = column.sum()
        if total > 0:
            need += weight / total_weight * column / total
    return need


def largest_remainder(need: pd.Series, officers: int, floor: int) -> pd.Series:  # noqa: C901 - the method reads best whole
    """Returns whole officers per unit: at least the floor each, the rest in proportion to need."""
    if officers < 0 or floor < 0:
        raise ValueError("officers and floor must be 0 or more")
    n = len(need)
    if floor * n > officers:
        raise ValueError(f"{officers} officers cannot give {n} teams a floor of {floor} each (needs {floor * n})")
    allocated = pd.Series(0, index=need.index, dtype="int64")
    if n == 0:
        return allocated
    # Units whose proportional share falls below the floor get the floor and leave the pool; the rest is
    # shared again among the others, until every remaining share is at or above the floor.
    pool = list(need.index)
    fixed: dict[object, int] = {}
    remaining = officers
    while True:
        pool_need = need[pool].clip(lower=0)
        total = pool_need.sum()
        quotas = pool_need / total * remaining if total > 0 else pd.Series(remaining / len(pool), index=pool)
        below = [u for u in pool if quotas[u] < floor]
        if not below:
            break
        for u in below:
            fixed[u] = floor
            remaining -= floor
        pool = [u for u in pool if u not in below]
        if not pool:
            break
    for u, value in fixed.items():
        allocated[u] = value
    if pool:
        whole = {u: math.floor(quotas[u]) for u in pool}
        left = remaining - sum(whole.values())
        # Ties in the remainder go to the higher need, then to the unit listed first, so runs repeat exactly.
        order = sorted(pool, key=lambda u: (-(quotas[u] - whole[u]), -need[u], str(u)))
        for u in order[:left]:
            whole[u] += 1
        for u, value in whole.items():
            allocated[u] = value
    return allocated


def allocate(units: pd.DataFrame, *, officers: int, floor: int, weights: dict[str, float]) -> pd.DataFrame:
    """Returns units (index: unit code) with need index, share, exact quota, officers and change from current."""
    out = units.copy()
    out["need_index"] = need_index(units, weights)
    total = out["need_index"].sum()
    out["need_share"] = out["need_index"] / total if total > 0 else 0.0
    out["quota"] = out["need_share"] * officers
    out["officers"] = largest_remainder(out["need_index"], officers, floor)
    if "current" in out.columns:
        out["change"] = out["officers"] - out["current"]
    return out
