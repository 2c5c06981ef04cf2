"""The names, sex and addresses behind resolved people, read from the records store for the trigger queue.

A trigger row carries ids; the people reviewing it need to know who the child is and where they live, and
who the household members in the evidence are. For each resolved person this takes the value most of
their records give (as the rules do for sex and area), read once per run from the store's Parquet files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from upstream_analytics.records.store import RecordsStore


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 - NaN
        return ""
    return str(value).strip()


def _most_common(values: list[str]) -> str:
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


@dataclass
class PeopleDetails:
    """Name, sex, address and area code for each resolved person (and for person record ids)."""

    names: dict[str, str] = field(default_factory=dict)
    sexes: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    area_codes: dict[str, str] = field(default_factory=dict)
    resolved_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_store(cls, analytics_dir: Path, resolved: pd.DataFrame) -> PeopleDetails:
        """Returns the details of every resolved person in the current store (empty when it has no people)."""
        store = RecordsStore(analytics_dir)
        people_path = store.current_table_path("people")
        details = cls(
            resolved_of=dict(
                zip(resolved["person_id"].astype(str), resolved["resolved_person_id"].astype(str), strict=True)
            )
        )
        if people_path is None:
            return details
        people = pd.read_parquet(people_path)
        locations_path = store.current_table_path("locations")
        locations = pd.read_parquet(locations_path) if locations_path is not None else pd.DataFrame()
        places: dict[str, tuple[str, str]] = {}
        if not locations.empty:
            for row in locations.itertuples(index=False):
                line = ", ".join(
                    p for p in (_text(getattr(row, "address_line", "")), _text(getattr(row, "postcode", ""))) if p
                )
                places[_text(row.location_id)] = (line, _text(getattr(row, "area_code", "")))
        grouped: dict[str, dict[str, list[str]]] = {}
        for row in people.itertuples(index=False):
            person_id = _text(row.person_id)
            rid = details.resolved_of.get(person_id, person_id)
            slot = grouped.setdefault(rid, {"name": [], "sex": [], "address": [], "area": []})
            name = " ".join(p for p in (_text(getattr(row, "forename", "")), _text(getattr(row, "surname", ""))) if p)
            slot["name"].append(name)
            slot["sex"].append(_text(getattr(row, "sex", "")))
            line, area = places.get(_text(getattr(row, "address_location_id", "")), ("", ""))
            slot["address"].append(line)
            slot["area"].append(area)
        for rid, slot in grouped.items():
            details.names[rid] = _most_common(slot["name"])
            details.sexes[rid] = _most_common(slot["sex"])
            details.addresses[rid] = _most_common(slot["address"])
            details.area_codes[rid] = _most_common(slot["area"])
        return details

    def _rid(self, key: str) -> str:
        return key if key in self.names else self.resolved_of.get(key, key)

    def name(self, key: str) -> str:
        """Returns the name most records give a resolved person (or the person of a record id), or ''."""
        return self.names.get(self._rid(key), "")

    def sex(self, key: str) -> str:
        """Returns the sex most records give, or ''."""
        return self.sexes.get(self._rid(key), "")

    def address(self, key: str) -> str:
        """Returns the home address most records give, as 'line, postcode', or ''."""
        return self.addresses.get(self._rid(key), "")

    def area_code(self, key: str) -> str:
        """Returns the area code of the home address most records give, or ''."""
        return self.area_codes.get(self._rid(key), "")
