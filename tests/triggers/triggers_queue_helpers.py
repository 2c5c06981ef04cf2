"""Helpers for the trigger queue's tests: the analytics side's hand-made household as a store, and signing in."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq


def load_fixtures():
    """Returns the analytics side's hand-made household (tests/analytics/triggers/triggers_fixtures.py)."""
    if "triggers_fixtures" in sys.modules:
        return sys.modules["triggers_fixtures"]
    spec = importlib.util.spec_from_file_location(
        "triggers_fixtures", Path(__file__).parents[1] / "analytics" / "triggers" / "triggers_fixtures.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["triggers_fixtures"] = module
    spec.loader.exec_module(module)
    return module


def write_store(
    data_dir: Path,
    *,
    linked: bool = True,
    drop_events: tuple[str, ...] = (),
    relink: dict[str, str] | None = None,
) -> None:
    """Writes the hand-made household as the current records store and, if asked, its linkage.

    `relink` maps person ids to the resolved person id a new linkage gives them (their household stays).
    """
    fixtures = load_fixtures()
    frames = fixtures.frames()
    if relink:
        resolved = frames["resolved"]
        was = dict(zip(resolved["person_id"], resolved["resolved_person_id"], strict=True))
        resolved["resolved_person_id"] = [relink.get(p, was[p]) for p in resolved["person_id"]]
        homes = frames["households"]
        moved = [homes[homes["resolved_person_id"] == was[p]].assign(resolved_person_id=r) for p, r in relink.items()]
        homes = pd.concat([homes, *moved], ignore_index=True)
        frames["households"] = homes[homes["resolved_person_id"].isin(set(resolved["resolved_person_id"]))]
        frames["households"] = frames["households"].drop_duplicates().reset_index(drop=True)
    frames["events"] = frames["events"][~frames["events"]["event_id"].isin(drop_events)]
    frames["involvements"] = frames["involvements"][~frames["involvements"]["event_id"].isin(drop_events)]
    frames["people"]["forename"] = frames["people"]["person_id"].str.upper()
    frames["people"]["surname"] = "Testperson"
    root = data_dir / "analytics" / "records"
    version = root / "versions" / "v000001"
    version.mkdir(parents=True, exist_ok=True)
    for name in ("events", "people", "locations", "involvements", "relationships"):
        pq.write_table(fixtures._arrow(frames[name]), version / f"{name}.parquet")
    (root / "CURRENT").write_text("v000001\n", encoding="utf-8")
    if linked:
        link = data_dir / "runs" / "link"
        link.mkdir(parents=True, exist_ok=True)
        frames["resolved"].to_csv(link / "people_resolved.csv", index=False)
        frames["households"].to_csv(link / "households.csv", index=False)
