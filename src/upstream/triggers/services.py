"""Every change to the trigger queue: runs of the rules, and each decision on a trigger, audited.

A run applies the rule set in ``upstream_analytics.triggers`` to the records store, then loads what it found
into the queue: one trigger per child and organisation, so running again updates a child's evidence and
score and keeps what people decided. Each decision (review, assign, dismiss, turn into a referral) checks
the policy, then the version of the trigger the person last saw, and writes with a conditional UPDATE: if
someone else (or a run with new evidence) changed the trigger in between, the decision is refused and the
person is told, rather than silently overwriting what the other person did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from upstream.core import audit
from upstream.core.policy import PermissionDenied, can, require
from upstream.triggers import details, policies
from upstream.triggers.models import (
    DemandEntry,
    DemandKind,
    Level,
    RunStatus,
    Trigger,
    TriggerEvent,
    TriggerRun,
    TriggerStatus,
)

MAX_REASON_LENGTH = 2000
RUN_STEPS = 5
Progress = Callable[[str], None]


class ConflictError(Exception):
    """Someone else changed the trigger after the caller last saw it."""

    def __init__(self, trigger: Trigger, expected_version: int) -> None:
        self.trigger = trigger
        self.expected_version = expected_version
        super().__init__(
            _(
                "Someone else changed this trigger after you opened it: it is now %(status)s (version %(version)s, "
                "you had version %(expected)s). Nothing was saved. Read it again before you decide."
            )
            % {"status": trigger.get_status_display().lower(), "version": trigger.version, "expected": expected_version}
        )


class RunRefusedError(Exception):
    """A run cannot start or finish: the store is empty, not linked, or another run is going."""


def _now() -> dt.datetime:
    return timezone.now()


def _label(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    return "command line"


# ---------------------------------------------------------------------------------------------------- runs


@transaction.atomic
def start_run(*, actor: Any, as_of: dt.date, engine: str = "duckdb") -> TriggerRun:
    """Returns a new run of the rules, queued as a background task (one at a time per organisation)."""
    require(actor, policies.RUN_START)
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        raise PermissionDenied(actor, policies.RUN_START)
    if as_of > timezone.localdate():
        raise ValidationError(_("The as-of date cannot be in the future"), code="as_of")
    busy = TriggerRun.objects.filter(
        organisation_id=organisation_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).first()
    if busy is not None:
        raise RunRefusedError(
            _("A run is already going (started %(when)s): wait for it to finish before starting another.")
            % {"when": timezone.localtime(busy.created_at).strftime("%H:%M")}
        )
    run = TriggerRun.objects.create(
        organisation_id=organisation_id,
        as_of=as_of,
        engine=engine,
        started_by=actor,
        started_by_label=_label(actor),
        steps_total=RUN_STEPS,
        step=_("Waiting for the background worker"),
    )
    audit.record(
        actor=actor,
        tag=audit.AuditTag.TRIGGERS_RUN_START,
        obj=run,
        purpose=_("trigger run as of %(date)s") % {"date": as_of.isoformat()},
        detail={"as_of": as_of.isoformat(), "engine": engine},
    )
    from upstream.triggers.tasks import run_triggers

    # Enqueued in the same transaction as the run (the database backend stores the task as a row), so a
    # run is never left waiting for a task that was not recorded.
    run_triggers.enqueue(run.pk)
    run.refresh_from_db()
    return run


def create_command_line_run(*, organisation: Any, as_of: dt.date, engine: str) -> TriggerRun:
    """Returns a run started from `upstream triggers run`, which loads into the organisation's queue."""
    return TriggerRun.objects.create(
        organisation=organisation,
        as_of=as_of,
        engine=engine,
        started_by_label="command line",
        steps_total=RUN_STEPS,
        status=RunStatus.RUNNING,
        started_at=_now(),
    )


def _step(run: TriggerRun | None, text: str, progress: Progress | None) -> None:
    if progress is not None:
        progress(text)
    if run is not None:
        TriggerRun.objects.filter(pk=run.pk).update(step=text, steps_done=F("steps_done") + 1)


@dataclass
class RunResult:
    """What a run did: the analytics outputs, the rule set that ran and the queue counts."""

    outputs: Any
    ran: str
    refused: str
    rule_version: str
    threshold: int
    out: Path
    referral: int
    emerging: int
    new: int
    updated: int


def execute_run(  # noqa: C901 - each step, and the two ways the store can be unready, said in turn
    run: TriggerRun | None,
    *,
    as_of: dt.date | None = None,
    engine: str = "duckdb",
    rules_path: Path | None = None,
    out: Path | None = None,
    link: Path | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Runs the rules on the current store and linkage, writes the CSVs and loads the run into the queue.

    ``run`` None writes the CSVs only (the command line with no organisation to load into). Raises
    RunRefusedError, with a message saying what to do, when the store is empty or not linked; a run row
    is then marked failed with that message.
    """
    from upstream_analytics.records.store import StoreEmptyError
    from upstream_analytics.triggers import ruleset
    from upstream_analytics.triggers.pipeline import NotLinkedError, level, run_from_store

    runs_dir = Path(settings.RUNS_DIR)
    out = out or runs_dir / "triggers"
    link = link or runs_dir / "link"
    if run is not None:
        as_of, engine = run.as_of, run.engine
    as_of = as_of or timezone.localdate()
    if run is not None:
        TriggerRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=_now(), steps_done=0)
    try:
        _step(run, _("Loading the rule set"), progress)
        loaded = ruleset.load(rules_path, Path(settings.DATA_DIR) / "triggers")
        refused = str(loaded.refused) if loaded.refused is not None else ""
        if run is not None:
            TriggerRun.objects.filter(pk=run.pk).update(
                rule_version=loaded.rules.version, ruleset_ran=loaded.ran, ruleset_refused=refused
            )
        _step(run, _("Applying the rules to the records store (the longest step)"), progress)
        try:
            outputs = run_from_store(Path(settings.ANALYTICS_DIR), link, out, loaded.rules, as_of=as_of, engine=engine)
        except StoreEmptyError as exc:
            raise RunRefusedError(
                _(
                    "There are no records to run the rules on. %(detail)s Then link them (upstream records link) "
                    "and run the rules again."
                )
                % {"detail": str(exc)}
            ) from exc
        except NotLinkedError as exc:
            raise RunRefusedError(
                _(
                    "The records have not been linked yet, so the rules cannot tell who is who or who lives "
                    "together. %(detail)s"
                )
                % {"detail": str(exc)}
            ) from exc
        levels = outputs.triggers["ace_count"].map(lambda n: level(int(n), loaded.rules))
        result = RunResult(
            outputs=outputs,
            ran=loaded.ran,
            refused=refused,
            rule_version=loaded.rules.version,
            threshold=loaded.rules.number("referral_threshold"),
            out=out,
            referral=int((levels == "referral").sum()),
            emerging=int((levels == "emerging").sum()),
            new=0,
            updated=0,
        )
        if run is None:
            return result
        _step(run, _("Reading the names and addresses behind each trigger"), progress)
        people = details.PeopleDetails.from_store(Path(settings.ANALYTICS_DIR), outputs.resolved)
        _step(run, _("Updating the trigger queue"), progress)
        result.new, result.updated = load_run(
            run=run, outputs=outputs, people=people, levels=list(levels), rule_version=loaded.rules.version
        )
        _step(run, _("Updating the repeat and frequent demand lists"), progress)
        load_demand(run=run, outputs=outputs, people=people)
    except RunRefusedError as exc:
        if run is not None:
            _fail(run, str(exc))
        raise
    except Exception as exc:
        if run is not None:
            _fail(run, _("The run stopped with an error: %(error)s. Tell the service team.") % {"error": exc})
        raise
    TriggerRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FINISHED,
        finished_at=_now(),
        step=_("Finished"),
        steps_done=RUN_STEPS,
        referral_count=result.referral,
        emerging_count=result.emerging,
        trigger_count=len(outputs.triggers),
        new_count=result.new,
        disparity=_records(outputs.disparity),
    )
    return result


def _fail(run: TriggerRun, message: str) -> None:
    TriggerRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=_now(), message=message)


def _records(frame: Any) -> list[dict[str, Any]]:
    return [
        {k: (None if _missing(v) else (v.item() if hasattr(v, "item") else v)) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def _missing(value: Any) -> bool:
    try:
        return bool(value != value)  # NaN  # noqa: PLR0124 - the one portable NaN test without numpy
    except (TypeError, ValueError):
        return False


def _split(value: Any) -> list[str]:
    if value is None or _missing(value) or value == "":
        return []
    return [part for part in str(value).split(";") if part]


def _date(value: Any) -> dt.date | None:
    if value is None or _missing(value) or not str(value):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@transaction.atomic
def load_run(
    *, run: TriggerRun, outputs: Any, people: details.PeopleDetails, levels: list[str], rule_version: str
) -> tuple[int, int]:
    """Loads a run's triggers into the queue: new children added, known ones updated, decisions kept.

    Returns (new, updated). A child whose evidence changed since someone decided gets a new version, so a
    decision made on the old evidence is refused (optimistic locking) and the page says the evidence changed.
    """
    from upstream.places.models import Area

    evidence = outputs.evidence
    by_child: dict[str, list[dict[str, Any]]] = {}
    for row in evidence.to_dict("records"):
        member = row.get("member_id")
        member = None if member is None or _missing(member) else str(member)
        by_child.setdefault(str(row["resolved_person_id"]), []).append(
            {
                "kind": str(row["kind"]),
                "name": str(row["name"]),
                "event_id": str(row["event_id"]),
                "day": str(row["day"])[:10] if not _missing(row["day"]) else "",
                "code": "" if row["code"] is None or _missing(row["code"]) else str(row["code"]),
                "member_id": member or "",
                "member_name": people.name(member) if member else "",
            }
        )
    existing = {t.resolved_person_id: t for t in Trigger.objects.filter(organisation_id=run.organisation_id)}
    relinked = _relinked(outputs.triggers, existing)
    codes = {people.area_code(str(rid)) for rid in outputs.triggers["resolved_person_id"]}
    areas = {a.code: a for a in Area.objects.filter(code__in=[c for c in codes if c])}
    now = _now()
    new = updated = 0
    seen: set[str] = set()
    for row, child_level in zip(outputs.triggers.to_dict("records"), levels, strict=True):
        rid = str(row["resolved_person_id"])
        seen.add(rid)
        area_code = people.area_code(rid)
        event_ids = _split(row["evidence_event_ids"])
        ace_count = int(row["ace_count"])
        fields: dict[str, Any] = {
            "person_ids": _split(row["person_ids"]),
            "name": people.name(rid),
            "date_of_birth": _date(row["date_of_birth"]),
            "sex": people.sex(rid),
            "address": people.address(rid),
            "area_code": area_code,
            "area": areas.get(area_code),
            "ace_types": _split(row["ace_types"]),
            "ace_count": ace_count,
            "level": child_level or Level.FLAGS_ONLY,
            "flags": _split(row["flags"]),
            "evidence_event_ids": event_ids,
            "evidence": by_child.get(rid, []),
            "rule_version": rule_version,
            "last_run": run,
            "in_latest_run": True,
        }
        trigger = existing.get(rid)
        moved_from = ""
        if trigger is None and rid in relinked:
            trigger = relinked[rid]
            moved_from = trigger.resolved_person_id
            TriggerEvent.objects.create(
                trigger=trigger,
                actor_label=run.started_by_label,
                action="relinked",
                from_status=trigger.status,
                to_status=trigger.status,
                note=_(
                    "Linked again: the child's resolved person id changed from %(old)s to %(new)s; "
                    "the trigger, its decisions and its history were carried over (person records %(records)s)."
                )
                % {"old": moved_from, "new": rid, "records": ", ".join(fields["person_ids"])},
            )
            trigger.resolved_person_id = rid
        if trigger is None:
            trigger = Trigger.objects.create(
                organisation_id=run.organisation_id, resolved_person_id=rid, first_run=run, **fields
            )
            TriggerEvent.objects.create(
                trigger=trigger, actor_label=run.started_by_label, action="found", to_status=TriggerStatus.NEW
            )
            new += 1
            continue
        changed = set(trigger.evidence_event_ids) != set(event_ids) or trigger.ace_count != ace_count
        # A re-link that also changed which person records are the child is a change of who the trigger is about.
        changed = changed or bool(moved_from and set(trigger.person_ids) != set(fields["person_ids"]))
        for name, value in fields.items():
            setattr(trigger, name, value)
        if changed:
            trigger.version += 1
            trigger.evidence_changed_at = now
            TriggerEvent.objects.create(
                trigger=trigger,
                actor_label=run.started_by_label,
                action="evidence",
                from_status=trigger.status,
                to_status=trigger.status,
                note=_("New evidence: %(count)s ACE types, events %(events)s")
                % {"count": ace_count, "events": ", ".join(event_ids)},
            )
        trigger.save()
        updated += 1
    carried = {t.pk for t in relinked.values()}
    gone = [t.pk for rid, t in existing.items() if rid not in seen and t.in_latest_run and t.pk not in carried]
    Trigger.objects.filter(pk__in=gone).update(in_latest_run=False)
    audit.record(
        actor=run.started_by,
        actor_label=run.started_by_label,
        tag=audit.AuditTag.TRIGGERS_RUN_LOAD,
        obj=run,
        purpose=_("trigger run as of %(date)s loaded into the queue") % {"date": run.as_of.isoformat()},
        detail={"new": new, "updated": updated, "no_longer_found": len(gone), "rule_version": rule_version},
    )
    return new, updated


def _relinked(triggers: Any, existing: dict[str, Trigger]) -> dict[str, Trigger]:
    """Returns, for each child of this run new to the queue, the trigger they had under another resolved id.

    Linking again can give a child another resolved person id (it is the smallest id of their person
    records, so a record added or split off changes it). Such a child is matched to the earlier trigger
    that shares most of their person records, among triggers whose own id this run did not find, so the
    trigger keeps its decisions and history instead of starting again. Each earlier trigger goes to one
    child at most (ties: the child with the smaller id, then the older trigger).
    """
    current = {str(rid) for rid in triggers["resolved_person_id"]}
    by_record: dict[str, list[Trigger]] = {}
    for trigger in existing.values():
        if trigger.resolved_person_id not in current:
            for person_id in trigger.person_ids:
                by_record.setdefault(str(person_id), []).append(trigger)
    if not by_record:
        return {}
    matched: dict[str, Trigger] = {}
    taken: set[int] = set()
    for _n, rid, pk, trigger in sorted(_shared_records(triggers, existing, by_record), key=lambda c: c[:3]):
        if rid not in matched and pk not in taken:
            matched[rid] = trigger
            taken.add(pk)
    return matched


def _shared_records(
    triggers: Any, existing: dict[str, Trigger], by_record: dict[str, list[Trigger]]
) -> list[tuple[int, str, int, Trigger]]:
    """Returns (minus the records shared, child id, trigger pk, trigger) for each new child and earlier trigger."""
    candidates: list[tuple[int, str, int, Trigger]] = []
    for row in triggers[["resolved_person_id", "person_ids"]].itertuples(index=False):
        rid = str(row.resolved_person_id)
        if rid in existing:
            continue
        shared: dict[int, int] = {}
        found: dict[int, Trigger] = {}
        for person_id in _split(row.person_ids):
            for trigger in by_record.get(person_id, []):
                shared[trigger.pk] = shared.get(trigger.pk, 0) + 1
                found[trigger.pk] = trigger
        candidates.extend((-n, rid, pk, found[pk]) for pk, n in shared.items())
    return candidates


_DEMAND_SOURCES = (
    (DemandKind.REPEAT_VICTIM, "repeat_victims", "victimisations"),
    (DemandKind.FREQUENT_CALLER, "frequent_callers", "calls"),
    (DemandKind.FREQUENT_MISSING, "frequent_missing", "episodes"),
    (DemandKind.REPEAT_LOCATION, "repeat_locations", "events"),
)


@transaction.atomic
def load_demand(*, run: TriggerRun, outputs: Any, people: details.PeopleDetails) -> int:
    """Replaces the organisation's repeat and frequent demand lists with this run's; returns the rows loaded."""
    from upstream.places.models import Area

    DemandEntry.objects.filter(run__organisation_id=run.organisation_id).exclude(run=run).delete()
    entries: list[DemandEntry] = []
    for kind, attribute, count_column in _DEMAND_SOURCES:
        frame = getattr(outputs, attribute)
        for rank, row in enumerate(frame.to_dict("records"), start=1):
            clean = {k: (None if _missing(v) else (v.item() if hasattr(v, "item") else v)) for k, v in row.items()}
            if kind == DemandKind.REPEAT_LOCATION:
                subject = str(clean["place_key"])
                name = ", ".join(str(p) for p in (clean.get("address_line"), clean.get("postcode")) if p)
                area_code = str(clean.get("area_code") or "")
                event_ids: list[str] = []
            else:
                subject = str(clean["resolved_person_id"])
                name = people.name(subject)
                area_code = people.area_code(subject)
                event_ids = _split(clean.get("event_ids"))
            entries.append(
                DemandEntry(
                    run=run,
                    kind=kind,
                    rank=int(clean.get("rank") or rank),
                    subject=subject[:200],
                    name=name[:300],
                    area_code=area_code,
                    count=int(clean.get(count_column) or 0),
                    first_date=_date(clean.get("first_date")),
                    last_date=_date(clean.get("last_date")),
                    detail={k: v for k, v in clean.items() if k not in {"event_ids", "resolved_person_id"}},
                    event_ids=event_ids,
                )
            )
    areas = {a.code: a for a in Area.objects.filter(code__in={e.area_code for e in entries if e.area_code})}
    for entry in entries:
        entry.area = areas.get(entry.area_code)
    DemandEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


# ----------------------------------------------------------------------------------------------- decisions


def _fresh(actor: Any, trigger: Trigger | int) -> Trigger:
    # Re-read under a row lock: decisions are made on what is stored now, never on the caller's copy.
    pk = trigger if isinstance(trigger, int) else trigger.pk
    try:
        current = Trigger.objects.select_for_update().get(pk=pk)
    except Trigger.DoesNotExist:
        raise PermissionDenied(actor, policies.TRIGGER_DECIDE) from None
    require(actor, policies.TRIGGER_DECIDE, current)
    return current


def _decide(
    *,
    actor: Any,
    trigger: Trigger | int,
    expected_version: int,
    action: str,
    to_status: str,
    changes: dict[str, Any],
    note: str = "",
    check: Callable[[Trigger], None] | None = None,
) -> Trigger:
    current = _fresh(actor, trigger)
    # A stale caller is told that first: what they saw is no longer true, whatever they asked for.
    if current.version != expected_version:
        raise ConflictError(current, expected_version)
    if check is not None:
        check(current)
    from_status = current.status
    updated = Trigger.objects.filter(pk=current.pk, version=expected_version).update(
        version=F("version") + 1,
        status=to_status,
        decided_by=actor,
        decided_at=_now(),
        updated_at=_now(),
        **changes,
    )
    if updated == 0:
        raise ConflictError(Trigger.objects.get(pk=current.pk), expected_version)
    moved = Trigger.objects.select_related("team", "area").get(pk=current.pk)
    TriggerEvent.objects.create(
        trigger=moved,
        actor=actor,
        actor_label=_label(actor),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    audit.record(
        actor=actor,
        tag=audit.AuditTag.TRIGGERS_TRIGGER_DECIDE,
        obj=moved,
        purpose=_("trigger %(action)s") % {"action": action},
        detail={"action": action, "from": from_status, "to": to_status, "version": moved.version, **_jsonable(changes)},
    )
    return moved


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if hasattr(value, "pk"):
            out[f"{key}_id"] = value.pk
        elif key != "dismiss_reason":  # the reason is on the trigger; the log says a reason was given
            out[key] = value
    return out


def _refuse_closed(trigger: Trigger) -> None:
    if trigger.status == TriggerStatus.REFERRED:
        raise ValidationError(
            _("A referral has already been made for this child from this trigger: see the referral instead.")
        )


@transaction.atomic
def review_trigger(*, actor: Any, trigger: Trigger | int, expected_version: int, note: str = "") -> Trigger:
    """Returns the trigger marked as reviewed (its evidence read by a person), audited as an alteration."""
    return _decide(
        actor=actor,
        trigger=trigger,
        expected_version=expected_version,
        action="review",
        to_status=TriggerStatus.REVIEWED,
        changes={},
        note=note.strip()[:MAX_REASON_LENGTH],
        check=_refuse_closed,
    )


@transaction.atomic
def assign_trigger(*, actor: Any, trigger: Trigger | int, expected_version: int, team: Any, note: str = "") -> Trigger:
    """Returns the trigger assigned to one of the actor's organisation's neighbourhood teams, audited."""
    if (
        team is None
        or team.organisation_id != getattr(actor, "organisation_id", None)
        or not team.is_neighbourhood_team
    ):
        raise ValidationError(_("Choose a neighbourhood team of your organisation"), code="team")
    return _decide(
        actor=actor,
        trigger=trigger,
        expected_version=expected_version,
        action="assign",
        to_status=TriggerStatus.ASSIGNED,
        changes={"team": team},
        note=note.strip()[:MAX_REASON_LENGTH],
        check=_refuse_closed,
    )


@transaction.atomic
def dismiss_trigger(*, actor: Any, trigger: Trigger | int, expected_version: int, reason: str) -> Trigger:
    """Returns the trigger dismissed with the reason given (required), audited as an alteration."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Enter the reason for dismissing this trigger"), code="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            _("The reason must be %(max)s characters or fewer") % {"max": MAX_REASON_LENGTH}, code="reason"
        )
    return _decide(
        actor=actor,
        trigger=trigger,
        expected_version=expected_version,
        action="dismiss",
        to_status=TriggerStatus.DISMISSED,
        changes={"dismiss_reason": reason},
        note=reason,
        check=_refuse_closed,
    )


def suggested_team(trigger: Trigger) -> Any:
    """Returns the neighbourhood team covering the child's address (its neighbourhood, ward or authority), or None."""
    from upstream.accounts.models import Team

    area = trigger.area
    chain: list[int] = []
    while area is not None and len(chain) < 5:  # noqa: PLR2004 - neighbourhood, ward, authority, force
        chain.append(area.pk)
        area = area.parent
    for area_id in chain:
        team = (
            Team.objects.filter(organisation_id=trigger.organisation_id, is_neighbourhood_team=True, areas=area_id)
            .order_by("name")
            .first()
        )
        if team is not None:
            return team
    return None


def referral_reason(trigger: Trigger) -> str:
    """Returns the referral reason a trigger pre-fills: the score, the ACE types and the flags, without event detail."""
    from upstream.triggers.queries import ace_label, flag_label

    parts = [
        _("Identified by the prevention triggers (rule set version %(version)s, trigger %(ref)s).")
        % {"version": trigger.rule_version, "ref": trigger.reference},
        _("Adverse childhood experiences recorded by police in the last two years: %(aces)s.")
        % {"aces": ", ".join(ace_label(a) for a in trigger.ace_types) or _("none")},
    ]
    if trigger.flags:
        parts.append(_("Other concerns: %(flags)s.") % {"flags": ", ".join(flag_label(f) for f in trigger.flags)})
    return " ".join(parts)


@transaction.atomic
def refer_trigger(
    *,
    actor: Any,
    trigger: Trigger | int,
    expected_version: int,
    reason: str,
    service: Any = None,
    programme: Any = None,
) -> Trigger:
    """Returns the trigger turned into a draft referral (through the referrals service), audited.

    The child becomes a person record held by the actor's organisation, linked to the resolved person
    (found again if someone already linked one), and the draft referral is pre-filled from the trigger;
    the referrer then records consent or the lawful basis and sends it from the referral's page.
    """
    from upstream.people import services as people_services
    from upstream.people.models import Person
    from upstream.referrals import services as referral_services
    from upstream.referrals.models import SourceKind

    current = _fresh(actor, trigger)
    if current.version != expected_version:
        raise ConflictError(current, expected_version)
    _refuse_closed(current)
    from upstream.triggers.queries import open_referrals_for

    if open_referrals_for(actor, current):
        raise ValidationError(
            _("This child is already open to a partner referral: read it before making another."), code="open"
        )
    person = (
        Person.objects.filter(
            controller_id=actor.organisation_id, resolved_person_id=current.resolved_person_id, erased_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if person is None:
        forenames, _sep, surname = current.name.rpartition(" ")
        person = people_services.create_person(
            actor=actor,
            legal_regime="law_enforcement",
            purpose=_("prevention referral from trigger %(ref)s") % {"ref": current.reference},
            retention_class="safeguarding_child",
            forenames=forenames or current.name,
            surname=surname if forenames else "",
            date_of_birth=current.date_of_birth,
            sex=current.sex if current.sex in {"F", "M"} else "U",
            address_line_1=current.address.split(",")[0] if current.address else "",
            postcode=current.address.rsplit(",", 1)[-1].strip() if "," in current.address else "",
        )
        person = people_services.link_person(
            actor=actor,
            person=person,
            resolved_person_id=current.resolved_person_id,
            purpose=_("referral from trigger %(ref)s") % {"ref": current.reference},
        )
    referral = referral_services.create_referral(
        actor=actor,
        person=person,
        reason=reason,
        service=service,
        programme=programme,
        source_kind=SourceKind.TRIGGER,
        source_reference=current.reference,
        area=current.area,
    )
    return _decide(
        actor=actor,
        trigger=current.pk,
        expected_version=expected_version,
        action="refer",
        to_status=TriggerStatus.REFERRED,
        changes={"referral": referral},
        note=referral.reference,
    )


def can_refer(actor: Any) -> bool:
    """Returns whether the actor may turn triggers into referrals (the referrals and people policies agree)."""
    from upstream.people import policies as people_policies
    from upstream.referrals import policies as referral_policies

    return (
        can(actor, policies.TRIGGER_DECIDE)
        and can(actor, referral_policies.REFERRAL_CREATE)
        and can(actor, people_policies.PERSON_CREATE)
        and can(actor, people_policies.PERSON_LINK)
    )


__all__ = [
    "ConflictError",
    "RunRefusedError",
    "assign_trigger",
    "dismiss_trigger",
    "execute_run",
    "refer_trigger",
    "review_trigger",
    "start_run",
]
