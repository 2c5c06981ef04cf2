"""The demo's search log: six months of public searches, so the gap analysis has demand to show.

Searches pick a need and a ward (more of them in the city), as a person narrowing the public search would; each
records how many services it would have found — the active services for that need with a place in the ward or
open to anyone — so "found nothing" falls where the demo directory really has gaps. A few searches use words
alone, some of them for help the directory does not list (gambling, bereavement, British Sign Language).
Deterministic for a seed; a second run adds nothing.
"""

# ruff: noqa: PLR2004 - seeded random shares make up data; nothing here is secret

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from upstream.directory.models import SearchLog
from upstream.directory.vocab import NEED_CATEGORIES
from upstream.gaps.queries import load_places, service_facts
from upstream.places.models import AreaLevel

order = 58
label = "Search log for the gap analysis"

SEARCHES = 600
DAYS = 180
WORDS_ONLY = (
    ("food bank", None),
    ("debt advice", None),
    ("gambling support", 0),
    ("bereavement counselling", 0),
    ("british sign language", 0),
    ("night shelter", None),
)


def build(context: Any) -> dict[str, int]:
    """Writes the demo's search log, unless it already has one."""
    if SearchLog.objects.filter(channel="demo").exists():
        return {"searches logged": 0}
    places = load_places()
    wards = [w for ws in places.wards_of.values() for w in ws if w.level == AreaLevel.WARD]
    if not wards or not places.authorities:
        return {"searches logged": 0}
    facts = service_facts(places)
    city_wards = places.wards_of.get(places.authorities[0].id, [])
    rng = context.random("gaps-search-log")
    now = timezone.now()
    needs = list(NEED_CATEGORIES)
    rows = []
    for _ in range(SEARCHES):
        when = now - dt.timedelta(days=rng.random() * DAYS, minutes=rng.randrange(1440))
        if rng.random() < 0.2:
            text, fixed = rng.choice(WORDS_ONLY)
            count = fixed if fixed is not None else rng.randrange(3, 25)
            rows.append(SearchLog(created_at=when, text=text, filters={}, result_count=count, channel="demo"))
            continue
        # The city's wards (Avonmere City, first by name) draw more searches, as a city does.
        ward = rng.choice(city_wards) if city_wards and rng.random() < 0.4 else rng.choice(wards)
        need = rng.choice(needs)
        # Evening searches for help "open now", as people look after work.
        open_now = rng.random() < 0.15
        found = sum(
            1 for f in facts if need in f.needs and (ward.id in f.areas or f.anywhere) and (not open_now or f.evenings)
        )
        filters: dict[str, Any] = {"needs": [need], "area_code": ward.code, "near": False}
        if open_now:
            filters["open_at"] = when.replace(hour=19).isoformat()
        rows.append(SearchLog(created_at=when, text="", filters=filters, result_count=found, channel="demo"))
    SearchLog.objects.bulk_create(rows)
    return {"searches logged": len(rows)}
