"""Every read of police person records, the review queue and the link history: always given the actor.

The records live in the analytics store and the last link run's files (read through
``upstream_analytics.linkage.results``); decisions and runs live in the database. Showing a person's records
is a consultation (DPA 2018 s.62), so each page that names people writes one audit event saying whose
records were shown; search words are not logged (they are often names).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404

from upstream.core import audit
from upstream.core.policy import require, scoped
from upstream.records import policies
from upstream.records.models import Decision, LinkDecision, LinkRun
from upstream.records.services import PAIR_OBJECT_TYPE, PERSON_OBJECT_TYPE, run_dir, store_dir

PAGE_SIZE = 25
SHOWS = ("waiting", "unsure", "decided")


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 - NaN
        return ""
    return str(value).strip()


def _rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    return [{k: _text(v) for k, v in row.items()} for row in frame.to_dict("records")] if not frame.empty else []


def _name(row: dict[str, str] | None) -> str:
    if not row:
        return ""
    return " ".join(p for p in (row.get("forename", ""), row.get("middle_names", ""), row.get("surname", "")) if p)


def _run_time() -> dt.datetime | None:
    from upstream_analytics.linkage import results

    stamp = results.run_finished_at(run_dir())
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC) if stamp is not None else None


def _may(actor: Any, action: str) -> bool:
    from upstream.core.policy import role_allows

    return role_allows(actor, action)


def _latest(decisions: QuerySet[LinkDecision]) -> dict[tuple[str, str], LinkDecision]:
    # Decisions are made by people, so there are few; reading them all avoids an IN list as long as the queue.
    latest: dict[tuple[str, str], LinkDecision] = {}
    for row in decisions.order_by("decided_at", "pk"):
        latest[(row.person_id_l, row.person_id_r)] = row
    return latest


@dataclass
class ReviewRow:
    """One uncertain pair in the queue, with enough of each record to recognise it."""

    person_id_l: str
    person_id_r: str
    match_probability: float
    left: dict[str, str]
    right: dict[str, str]
    decision: LinkDecision | None = None

    @property
    def left_name(self) -> str:
        """Returns the first record's name."""
        return _name(self.left)

    @property
    def right_name(self) -> str:
        """Returns the second record's name."""
        return _name(self.right)


@dataclass
class ReviewQueue:
    """One page of the clerical review queue and how far the review has got."""

    show: str
    rows: list[ReviewRow]
    waiting: int
    unsure: int
    decided: int
    page: int
    pages: int
    has_run: bool
    run_at: dt.datetime | None
    decided_all_time: int = 0

    @property
    def total(self) -> int:
        """Returns how many pairs the last run put in the queue."""
        return self.waiting + self.unsure + self.decided


def review_queue(actor: Any, *, show: str = "waiting", page: int = 1) -> ReviewQueue:
    """Returns one page of the pairs still to decide (or marked unsure, or decided since the run), audited."""
    from upstream_analytics.linkage import results

    require(actor, policies.REVIEW, policies.StoreRecord("queue"))
    show = show if show in SHOWS else "waiting"
    pairs = results.review_pairs(run_dir())
    scope = scoped(actor, policies.REVIEW, LinkDecision.objects.all())
    latest = _latest(scope) if not pairs.empty else {}
    sorted_pairs: dict[str, list[tuple[str, str, float]]] = {name: [] for name in SHOWS}
    for left, right, probability in pairs[["person_id_l", "person_id_r", "match_probability"]].itertuples(index=False):
        key = (left, right) if left <= right else (right, left)
        decision = latest.get(key)
        bucket = "waiting" if decision is None else ("unsure" if decision.decision == Decision.UNSURE else "decided")
        sorted_pairs[bucket].append((key[0], key[1], float(probability)))
    chosen = sorted_pairs[show]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ids = sorted({pid for left, right, _ in shown for pid in (left, right)})
    records = {r["person_id"]: r for r in _rows(results.person_records(store_dir(), ids))}
    rows = [
        ReviewRow(left, right, probability, records.get(left, {}), records.get(right, {}), latest.get((left, right)))
        for left, right, probability in shown
    ]
    if rows:
        audit.record(
            actor=actor,
            tag=audit.AuditTag.RECORDS_PAIR_LIST,
            object_type=PAIR_OBJECT_TYPE,
            detail={"ids": ids, "show": show, "page": page},
        )
    return ReviewQueue(
        show=show,
        rows=rows,
        waiting=len(sorted_pairs["waiting"]),
        unsure=len(sorted_pairs["unsure"]),
        decided=len(sorted_pairs["decided"]),
        page=page,
        pages=pages,
        has_run=results.has_run(run_dir()),
        run_at=_run_time(),
        decided_all_time=scope.exclude(decision=Decision.UNSURE).count(),
    )


def waiting_count(actor: Any) -> int:
    """Returns how many pairs of the last run nobody has decided (for the home page)."""
    from upstream_analytics.linkage import results

    pairs = results.review_pairs(run_dir())
    if pairs.empty:
        return 0
    scope = scoped(actor, policies.REVIEW, LinkDecision.objects.all())
    latest = _latest(scope)
    return sum(
        1
        for left, right in pairs[["person_id_l", "person_id_r"]].itertuples(index=False)
        if ((left, right) if left <= right else (right, left)) not in latest
    )


def home_waiting_count(actor: Any) -> int | None:
    """Returns the pairs waiting for the home page, or None for staff outside a police force."""
    if not policies.holds_store(actor):
        return None
    return waiting_count(actor)


@dataclass
class PairView:
    """One pair side by side: both records, the model's reasons and what people decided."""

    person_id_l: str
    person_id_r: str
    left: dict[str, str]
    right: dict[str, str]
    match_probability: float | None
    explanation: Any
    history: list[LinkDecision]
    resolved: dict[str, str]
    events: dict[str, int]
    next_pair: tuple[str, str] | None = None

    @property
    def current(self) -> LinkDecision | None:
        """Returns the decision that counts now (the latest), if any."""
        return self.history[0] if self.history else None


def explanation(person_id_l: str, person_id_r: str) -> Any:
    """Returns the model's reasons for one pair (cached per run), or None when the run cannot say."""
    from upstream_analytics.linkage import explain

    stamp = _run_time()
    key = f"records:explain:{stamp.timestamp() if stamp else 0}:{person_id_l}:{person_id_r}"
    found = cache.get(key)
    if found is None:
        try:
            found = explain.explain_pair(run_dir(), person_id_l, person_id_r)
        except LookupError:
            return None
        cache.set(key, found, 60 * 60)
    return found


def review_pair(actor: Any, person_id_l: str, person_id_r: str) -> PairView:
    """Returns a pair of records side by side with the model's reasons and the decisions on it, audited."""
    from upstream_analytics.linkage import results

    left_id, right_id = sorted((str(person_id_l), str(person_id_r)))
    require(actor, policies.REVIEW, policies.StoreRecord(f"{left_id}|{right_id}"))
    records = {r["person_id"]: r for r in _rows(results.person_records(store_dir(), [left_id, right_id]))}
    if left_id not in records or right_id not in records or left_id == right_id:
        raise Http404
    pairs = results.review_pairs(run_dir())
    in_queue = pairs[(pairs["person_id_l"] == left_id) & (pairs["person_id_r"] == right_id)]
    probability = float(in_queue["match_probability"].iloc[0]) if not in_queue.empty else None
    scope = scoped(actor, policies.REVIEW, LinkDecision.objects.all())
    history = list(scope.filter(person_id_l=left_id, person_id_r=right_id).order_by("-decided_at", "-pk"))
    events = results.events_of(store_dir(), [left_id, right_id])
    counts = events.groupby("person_id").size().to_dict() if not events.empty else {}
    try:
        resolved = results.resolved_of(run_dir(), [left_id, right_id])
    except results.NoLinkRunError:
        resolved = {}
    audit.record(
        actor=actor,
        tag=audit.AuditTag.RECORDS_PAIR_VIEW,
        object_type=PAIR_OBJECT_TYPE,
        object_id=f"{left_id}|{right_id}",
        detail={"ids": [left_id, right_id]},
    )
    view = PairView(
        person_id_l=left_id,
        person_id_r=right_id,
        left=records[left_id],
        right=records[right_id],
        match_probability=probability,
        explanation=explanation(left_id, right_id),
        history=history,
        resolved=resolved,
        events={k: int(v) for k, v in counts.items()},
    )
    view.next_pair = _next_waiting(actor, pairs, exclude=(left_id, right_id))
    return view


def _next_waiting(actor: Any, pairs: pd.DataFrame, *, exclude: tuple[str, str]) -> tuple[str, str] | None:
    if pairs.empty:
        return None
    scope = scoped(actor, policies.REVIEW, LinkDecision.objects.all())
    latest = _latest(scope)
    for left, right in pairs[["person_id_l", "person_id_r"]].itertuples(index=False):
        key = (left, right) if left <= right else (right, left)
        if key != exclude and key not in latest:
            return key
    return None


@dataclass
class PersonView:
    """A resolved person: their records, events, household and why the records were put together."""

    resolved_person_id: str
    records: list[dict[str, str]]
    events: list[dict[str, str]]
    relationships: list[dict[str, str]]
    households: list[dict[str, Any]]
    links: list[dict[str, str]]
    decisions: list[LinkDecision]
    run_at: dt.datetime | None
    names: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Returns the name most of the person's records give."""
        names = [_name(r) for r in self.records if _name(r)]
        return max(sorted(set(names)), key=names.count) if names else ""

    @property
    def pending(self) -> list[LinkDecision]:
        """Returns the decisions made since the last run, which the next run will apply."""
        if self.run_at is None:
            return [d for d in self.decisions if d.decision != Decision.UNSURE]
        return [d for d in self.decisions if d.decided_at > self.run_at and d.decision != Decision.UNSURE]


def resolved_person(actor: Any, resolved_person_id: str) -> PersonView:
    """Returns one resolved person with all their records, audited as a consultation."""
    from upstream_analytics.linkage import results

    require(actor, policies.PERSON_VIEW, policies.StoreRecord(resolved_person_id))
    try:
        found = results.resolved_person(run_dir(), store_dir(), resolved_person_id)
    except results.NoLinkRunError:
        found = None
    if found is None:
        raise Http404
    ids = found.records["person_id"].astype(str).tolist() if not found.records.empty else []
    decisions: list[LinkDecision] = []
    if _may(actor, policies.HISTORY_VIEW):
        decisions = list(
            scoped(actor, policies.HISTORY_VIEW, LinkDecision.objects.all())
            .filter(Q(person_id_l__in=ids) | Q(person_id_r__in=ids) | Q(resolved_person_id=resolved_person_id))
            .select_related("decided_by")
            .order_by("-decided_at", "-pk")
        )
    members = sorted(set(found.households["resolved_person_id"].astype(str))) if not found.households.empty else []
    names = {r["person_id"]: _name(r) for r in _rows(results.person_records(store_dir(), members))}
    households: list[dict[str, Any]] = []
    for household_id, group in found.households.groupby("household_id", sort=True):
        households.append({"household_id": household_id, "members": _rows(group)})
    audit.record(
        actor=actor,
        tag=audit.AuditTag.RECORDS_PERSON_VIEW,
        object_type=PERSON_OBJECT_TYPE,
        object_id=resolved_person_id,
        detail={"ids": ids, "household_members": members},
    )
    return PersonView(
        resolved_person_id=resolved_person_id,
        records=_rows(found.records),
        events=_rows(found.events),
        relationships=_rows(found.relationships),
        households=households,
        links=_rows(found.links),
        decisions=decisions,
        run_at=_run_time(),
        names=names,
    )


def find_people(actor: Any, search: str) -> list[dict[str, str]]:
    """Returns up to 50 person records matching every word (id, name or postcode), audited by the ids shown."""
    from upstream_analytics.linkage import results

    require(actor, policies.PERSON_VIEW, policies.StoreRecord("search"))
    words = search.split()
    if not words:
        return []
    found = _rows(results.find_people(run_dir(), store_dir(), words))
    audit.record(
        actor=actor,
        tag=audit.AuditTag.RECORDS_PERSON_SEARCH,
        object_type=PERSON_OBJECT_TYPE,
        detail={"ids": [r["person_id"] for r in found], "searched": True},
    )
    return found


@dataclass
class History:
    """A page of link decisions, newest first, and the link runs."""

    decisions: list[LinkDecision]
    runs: list[LinkRun]
    page: int
    pages: int


def runs_in_scope(actor: Any) -> QuerySet[LinkRun]:
    """Returns the link runs the actor may see: their organisation's and the command line's."""
    if not policies.holds_store(actor):
        return LinkRun.objects.none()
    return LinkRun.objects.filter(Q(organisation_id=actor.organisation_id) | Q(organisation__isnull=True))


def link_history(actor: Any, *, page: int = 1, person_id: str = "") -> History:
    """Returns the decisions made (optionally on one record) and the runs, audited as a consultation."""
    require(actor, policies.HISTORY_VIEW, policies.StoreRecord("history"))
    decisions = scoped(actor, policies.HISTORY_VIEW, LinkDecision.objects.all()).select_related("decided_by")
    if person_id:
        decisions = decisions.filter(Q(person_id_l=person_id) | Q(person_id_r=person_id))
    total = decisions.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = list(decisions.order_by("-decided_at", "-pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    audit.record(
        actor=actor,
        tag=audit.AuditTag.RECORDS_HISTORY_VIEW,
        object_type=PAIR_OBJECT_TYPE,
        detail={"decisions": [d.pk for d in shown], "page": page, "person_id": person_id},
    )
    return History(decisions=shown, runs=list(runs_in_scope(actor)[:10]), page=page, pages=pages)


def get_run(actor: Any, run_id: int) -> LinkRun:
    """Returns one link run the actor may see, or 404."""
    require(actor, policies.RUN_START)
    run = runs_in_scope(actor).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def latest_run(actor: Any) -> LinkRun | None:
    """Returns the newest link run the actor may see."""
    return runs_in_scope(actor).first()
