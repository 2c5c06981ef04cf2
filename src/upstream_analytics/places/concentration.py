"""How concentrated crime is across a force's areas: Gini coefficient, Lorenz curve and top shares.

Also the sentence a report needs: "the top 3 areas account for more crime than the bottom 32 together".
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

TOP_SHARES = (0.01, 0.05, 0.10)
# The headline compares the top 5% of areas (at least one) with as many of the lowest areas as they outweigh.
HEADLINE_SHARE = 0.05


def gini(counts: np.ndarray) -> float:
    """Returns the Gini coefficient of the counts (0 = spread evenly, near 1 = all in one area)."""
    values = np.sort(np.asarray(counts, dtype=float))
    n = len(values)
    total = values.sum()
    if n == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2.0 * (ranks * values).sum()) / (n * total) - (n + 1) / n)


def lorenz(counts: np.ndarray, points: int = 101) -> list[dict[str, float]]:
    """Returns the Lorenz curve (share of areas, lowest first, against share of crime) at evenly spaced points."""
    values = np.sort(np.asarray(counts, dtype=float))
    n = len(values)
    total = values.sum()
    if n == 0:
        return []
    cumulative = np.concatenate([[0.0], np.cumsum(values)]) / (total or 1.0)
    x = np.linspace(0.0, 1.0, min(points, n + 1))
    y = np.interp(x * n, np.arange(n + 1), cumulative)
    return [{"areas_share": round(float(a), 6), "crime_share": round(float(b), 6)} for a, b in zip(x, y, strict=True)]


def top_count(n_areas: int, share: float) -> int:
    """Returns how many areas make up the top share (rounded up, at least one)."""
    return max(1, math.ceil(n_areas * share - 1e-9)) if n_areas else 0


def top_share(counts: np.ndarray, share: float) -> float:
    """Returns the share of all crime held by the top share of areas."""
    values = np.sort(np.asarray(counts, dtype=float))[::-1]
    total = values.sum()
    if total == 0:
        return 0.0
    return float(values[: top_count(len(values), share)].sum() / total)


def outweighed_bottom(counts: np.ndarray, top_n: int) -> int:
    """Returns the largest M such that the bottom M areas together hold less crime than the top N."""
    descending = np.sort(np.asarray(counts, dtype=float))[::-1]
    top = descending[:top_n].sum()
    rest = descending[top_n:][::-1]  # the others, lowest first
    below = np.cumsum(rest) < top
    return int(below.sum())


def concentration(
    counts: dict[str, int], *, unlocated: int, outside: int, level_label: str = "areas"
) -> dict[str, Any]:
    """Returns the concentration summary of crime across all areas, areas with none included."""
    codes = sorted(counts)
    values = np.array([counts[c] for c in codes], dtype=float)
    n = len(values)
    total = int(values.sum())
    top_n = top_count(n, HEADLINE_SHARE)
    bottom_m = outweighed_bottom(values, top_n) if n else 0
    if n == 0 or total == 0:
        statement = f"No located crime in the {n} {level_label} for this period."
    elif bottom_m >= top_n:
        statement = (
            f"The top {top_n} {level_label} account for more crime than the bottom {bottom_m} {level_label} together "
            f"(out of {n})."
        )
    else:
        statement = f"Crime is spread fairly evenly: the top {top_n} {level_label} do not outweigh a larger group."
    ranked = sorted(codes, key=lambda c: (-counts[c], c))
    return {
        "n_areas": n,
        "located": total,
        "unlocated": int(unlocated),
        "outside": int(outside),
        "areas_with_none": int((values == 0).sum()),
        "gini": round(gini(values), 6),
        "top_shares": {
            f"top_{round(s * 100)}pct": {"areas": top_count(n, s), "share": round(top_share(values, s), 6)}
            for s in TOP_SHARES
        },
        "statement": statement,
        "statement_numbers": {"top": top_n, "bottom": bottom_m},
        "top_areas": [{"area_code": c, "crimes": int(counts[c])} for c in ranked[:top_n]],
        "lorenz": lorenz(values),
    }
