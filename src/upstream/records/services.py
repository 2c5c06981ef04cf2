"""Every write about record linkage: reviewers' decisions, links and unlinks by hand, link runs.

A decision is a row that is never changed; the latest on a pair is the one that counts, and the next link
run reads them all (``decisions_frame``) so a decided pair is never put in the queue again and the decision
overrides the model. Each decision is audited in its own transaction as an s.62 combination (a link, or
an unlink) or, for "unsure", an alteration.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upstream.core import audit
from upstream.core.policy import PermissionDenied, require
from upstream.records import policies
from upstream.records.models import Decision, DecisionSource, LinkDecision, LinkRun, RunStatus

PAIR_OBJECT_TYPE = "records.person-pair"
PERSON_OBJECT_TYPE = "records.resolved-person"
RUN_STEPS = 6  # the five steps run_link reports when it retrains (four when not), then writing the outcome
REASON_MAX = 2000


class RunRefusedError(Exception):
    """A link run cannot start or cannot finish; the message says what to do."""


def run_dir() -> Path:
    """Returns the folder the web's link runs write to and the review pages read (the command's default)."""
    return Path(settings.RUNS_DIR) / "link"


def store_dir() -> Path:
    """Returns the analytics folder that holds the records store."""
    return Path(settings.ANALYTICS_DIR)


def _label(actor: Any) -> str:
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "command line"


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _tag(decision: str) -> audit.AuditTag:
    return {
        Decision.MATCH: audit.AuditTag.RECORDS_PERSON_LINK,
        Decision.NON_MATCH: audit.AuditTag.RECORDS_PERSON_UNLINK,
    }.get(decision, audit.AuditTag.RECORDS_PAIR_UNSURE)  # type: ignore[call-overload]


def _require_store(actor: Any, action: str, key: str) -> None:
    require(actor, action, policies.StoreRecord(key))
    if getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(actor, action)


def _known_records(person_ids: list[str]) -> dict[str, str]:
    from upstream_analytics.linkage import results

    try:
        return results.resolved_of(run_dir(), person_ids)
    except results.NoLinkRunError as exc:
        raise ValidationError(_("There is no link run yet: run the linkage first."), code="no_run") from exc


def decide_pair(
    *,
    actor: Any,
    person_id_l: str,
    person_id_r: str,
    decision: str,
    reason: str = "",
    match_probability: float | None = None,
) -> LinkDecision:
    """Returns the reviewer's decision on a pair from the review queue, kept and audited."""
    left, right = _ordered(str(person_id_l), str(person_id_r))
    _require_store(actor, policies.REVIEW, f"{left}|{right}")
    if decision not in Decision.values:
        raise ValidationError(_("Choose whether the two records are the same person"), code="decision")
    if left == right:
        raise ValidationError(_("Choose two different records"), code="pair")
    if len(reason) > REASON_MAX:
        raise ValidationError(_("The reason must be %(n)s characters or fewer") % {"n": REASON_MAX}, code="reason")
    known = _known_records([left, right])
    missing = [pid for pid in (left, right) if pid not in known]
    if missing:
        raise ValidationError(_("The last link run has no record %(ids)s") % {"ids": ", ".join(missing)}, code="pair")
    with transaction.atomic():
        row = LinkDecision.objects.create(
            organisation_id=actor.organisation_id,
            person_id_l=left,
            person_id_r=right,
            decision=decision,
            source=DecisionSource.REVIEW,
            reason=reason.strip(),
            match_probability=match_probability,
            decided_by=actor,
            decided_by_label=_label(actor),
        )
        audit.record(
            actor=actor,
            tag=_tag(decision),
            object_type=PAIR_OBJECT_TYPE,
            object_id=f"{left}|{right}",
            purpose=_("clerical review of record linkage"),
            detail={"decision": decision, "match_probability": match_probability, "source": DecisionSource.REVIEW},
        )
    return row


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Enter why, so others can check the decision later"), code="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(_("The reason must be %(n)s characters or fewer") % {"n": REASON_MAX}, code="reason")
    return reason


def link_record(*, actor: Any, resolved_person_id: str, person_id: str, reason: str) -> LinkDecision:
    """Returns the decision that a record (of another resolved person) is this person, audited as a link."""
    _require_store(actor, policies.PERSON_LINK, resolved_person_id)
    reason = _require_reason(reason)
    person_id = person_id.strip()
    known = _known_records([resolved_person_id, person_id])
    if resolved_person_id not in known:
        raise ValidationError(_("The last link run has no person %(id)s") % {"id": resolved_person_id}, code="person")
    if person_id not in known:
        raise ValidationError(_("There is no person record %(id)s: check the id") % {"id": person_id}, code="person_id")
    if known[person_id] == known[resolved_person_id]:
        raise ValidationError(
            _("Record %(id)s is already one of this person's records") % {"id": person_id}, code="person_id"
        )
    left, right = _ordered(resolved_person_id, person_id)
    with transaction.atomic():
        row = LinkDecision.objects.create(
            organisation_id=actor.organisation_id,
            person_id_l=left,
            person_id_r=right,
            decision=Decision.MATCH,
            source=DecisionSource.MANUAL,
            reason=reason,
            resolved_person_id=resolved_person_id,
            decided_by=actor,
            decided_by_label=_label(actor),
        )
        audit.record(
            actor=actor,
            tag=audit.AuditTag.RECORDS_PERSON_LINK,
            object_type=PERSON_OBJECT_TYPE,
            object_id=resolved_person_id,
            purpose=_("linking a person record by hand"),
            detail={"person_id": person_id, "was_resolved_to": known[person_id], "source": DecisionSource.MANUAL},
        )
    return row


def unlink_record(*, actor: Any, resolved_person_id: str, person_id: str, reason: str) -> list[LinkDecision]:
    """Returns the decisions that a record is not this person (one per other record), audited as an unlink."""
    from upstream_analytics.linkage import results

    _require_store(actor, policies.PERSON_LINK, resolved_person_id)
    reason = _require_reason(reason)
    group = results.group_of(run_dir(), resolved_person_id)
    if person_id not in group:
        raise ValidationError(
            _("Record %(id)s is not one of this person's records") % {"id": person_id}, code="person_id"
        )
    others = [pid for pid in group if pid != person_id]
    if not others:
        raise ValidationError(_("This person has only one record, so there is nothing to unlink"), code="person_id")
    with transaction.atomic():
        rows = [
            LinkDecision.objects.create(
                organisation_id=actor.organisation_id,
                person_id_l=_ordered(person_id, other)[0],
                person_id_r=_ordered(person_id, other)[1],
                decision=Decision.NON_MATCH,
                source=DecisionSource.MANUAL,
                reason=reason,
                resolved_person_id=resolved_person_id,
                decided_by=actor,
                decided_by_label=_label(actor),
            )
            for other in others
        ]
        audit.record(
            actor=actor,
            tag=audit.AuditTag.RECORDS_PERSON_UNLINK,
            object_type=PERSON_OBJECT_TYPE,
            object_id=resolved_person_id,
            purpose=_("unlinking a person record by hand"),
            detail={"person_id": person_id, "kept_apart_from": others, "source": DecisionSource.MANUAL},
        )
    return rows


def decisions_frame() -> pd.DataFrame:
    """Returns every decision in the order made (person_id_l, person_id_r, decision), for the link run."""
    rows = LinkDecision.objects.order_by("decided_at", "pk").values_list("person_id_l", "person_id_r", "decision")
    return pd.DataFrame(list(rows), columns=["person_id_l", "person_id_r", "decision"])


def start_link_run(*, actor: Any, engine: str = "duckdb") -> LinkRun:
    """Returns a new link run, queued as a background task (one at a time)."""
    _require_store(actor, policies.RUN_START, "store")
    if engine not in {"duckdb", "spark"}:
        raise ValidationError(_("Choose DuckDB or Spark"), code="engine")
    busy = LinkRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()
    if busy is not None:
        raise RunRefusedError(
            _("A link run is already going (started %(when)s): wait for it to finish before starting another.")
            % {"when": timezone.localtime(busy.created_at).strftime("%H:%M")}
        )
    with transaction.atomic():
        run = LinkRun.objects.create(
            organisation_id=actor.organisation_id,
            engine=engine,
            started_by=actor,
            started_by_label=_label(actor),
            steps_total=RUN_STEPS,
            step=_("Waiting for the background worker"),
        )
        audit.record(
            actor=actor,
            tag=audit.AuditTag.RECORDS_LINK_RUN,
            obj=run,
            purpose=_("record linkage run"),
            detail={"engine": engine},
        )
        from upstream.records.tasks import run_linkage

        # Enqueued in the run's transaction (the database backend stores the task as a row), so a run is never
        # left waiting for a task that was not recorded.
        run_linkage.enqueue(run.pk)
    run.refresh_from_db()
    return run


def create_command_line_run(*, engine: str) -> LinkRun:
    """Returns a run started by `upstream records link`, audited like one started from the web."""
    with transaction.atomic():
        run = LinkRun.objects.create(
            engine=engine,
            started_by_label="command line",
            steps_total=RUN_STEPS,
            status=RunStatus.RUNNING,
            started_at=timezone.now(),
        )
        audit.record(
            actor=None,
            actor_label="command line",
            tag=audit.AuditTag.RECORDS_LINK_RUN,
            obj=run,
            purpose=_("record linkage run"),
            detail={"engine": engine},
        )
    return run


def execute_link_run(
    run: LinkRun | None,
    *,
    engine: str = "duckdb",
    out: Path | None = None,
    retrain: bool = False,
    threshold: float = 0.9,
    band: tuple[float, float] = (0.5, 0.9),
    progress: Callable[[str], None] | None = None,
) -> Any:
    """Runs the linkage with every decision so far, recording each step on the run; returns the summary."""
    from upstream_analytics.linkage.pipeline import run_link
    from upstream_analytics.records.store import StoreEmptyError

    if run is not None:
        engine = run.engine
        LinkRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=run.started_at or timezone.now())

    def step(text: str) -> None:
        if run is not None:
            run.steps_done = min(run.steps_done + 1, run.steps_total)
            run.step = text[:200]
            LinkRun.objects.filter(pk=run.pk).update(step=run.step, steps_done=run.steps_done)
        if progress is not None:
            progress(text)

    try:
        summary = run_link(
            store_dir(),
            out or run_dir(),
            engine=engine,
            retrain=retrain,
            threshold=threshold,
            band=band,
            progress=step,
            decisions=decisions_frame(),
        )
    except StoreEmptyError as exc:
        if run is not None:
            _fail(run, str(exc))
        raise RunRefusedError(str(exc)) from exc
    except Exception as exc:
        if run is not None:
            _fail(
                run,
                _("The run stopped with an error (%(error)s). Try again; if it fails again, tell support.")
                % {"error": type(exc).__name__},
            )
        raise
    if run is not None:
        LinkRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FINISHED,
            step=_("Finished"),
            steps_done=run.steps_total,
            finished_at=timezone.now(),
            records=summary.records,
            people=summary.people,
            households=summary.households,
            clerical_pairs=summary.clerical_pairs,
            decisions_applied=summary.decisions,
        )
    return summary


def _fail(run: LinkRun, message: str) -> None:
    LinkRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, message=message, finished_at=timezone.now())
