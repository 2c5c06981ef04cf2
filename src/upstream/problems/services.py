"""Every change to problem-solving plans: policy-checked, in one transaction, audited, kept in the history.

Plans and actions carry a version. A change names the version its author last saw and is written with a
conditional UPDATE on it: if someone else changed the plan or action in between, nothing is written and
the author is told plainly, rather than one partner's edit silently overwriting another's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from upstream.core import audit
from upstream.core.policy import PermissionDenied, require
from upstream.core.roles import Role
from upstream.problems import gates, policies, rubric
from upstream.problems.models import (
    POLICE_KINDS,
    Action,
    ActionStatus,
    DataSource,
    DataSourceKind,
    EmmieEffect,
    EvidenceReference,
    Finding,
    PlanEvent,
    PlanPartner,
    ProblemPlan,
    ProblemType,
    Stage,
    SurveyUpload,
    Technique,
)

SURVEY_MAX_BYTES = 1_000_000
SURVEY_MAX_ROWS = 20_000

# The plan fields each stage's form may change; the owner, stage, version and score change only by their own
# services.
STAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "scanning": (
        "title",
        "description",
        "problem_type",
        "addresses",
        "latitude",
        "longitude",
        "when_happens",
        "who_harmed",
        "how_noticed",
        "baseline_measure",
        "baseline_value",
        "baseline_start",
        "baseline_end",
    ),
    "analysis": (
        "offender",
        "offender_handler",
        "victim",
        "victim_guardian",
        "location",
        "location_manager",
        "question_what",
        "question_where",
        "question_when",
        "question_who",
        "question_why",
        "question_how",
        "concentration_time",
        "concentration_place",
        "concentration_from_data",
        "hypothesis",
    ),
    "response": ("objective", "impact"),
    "assessment": (
        "after_value",
        "after_start",
        "after_end",
        "comparison_kind",
        "comparison_area",
        "comparison_baseline",
        "comparison_after",
        "displacement_checked",
        "displacement_note",
        "decision",
        "lessons",
    ),
}
EDITABLE_FIELDS = frozenset(f for fields in STAGE_FIELDS.values() for f in fields)
ACTION_FIELDS = frozenset({"description", "technique", "finding", "agency", "owner_name", "due_date", "status", "note"})


class ConflictError(Exception):
    """Someone else changed the plan or action after the caller last saw it."""

    def __init__(self, what: str, current_version: int, expected_version: int) -> None:
        self.current_version = current_version
        self.expected_version = expected_version
        super().__init__(
            _(
                "Someone else changed this %(what)s while you were editing it (it is now version %(version)s, you "
                "had version %(expected)s). Your changes were not saved: look at it again and make them once more."
            )
            % {"what": what, "version": current_version, "expected": expected_version}
        )


class GateError(ValidationError):
    """A stage move was refused because the plan lacks what the next stage needs."""

    def __init__(self, to_stage: str, missing: gates.Missing) -> None:
        self.to_stage = to_stage
        self.missing = missing
        super().__init__([message for _field, message in missing], code="stage_gate")


def _now() -> dt.datetime:
    return timezone.now()


def _event(
    plan: ProblemPlan, actor: Any, kind: str, *, note: str = "", from_stage: str = "", to_stage: str = ""
) -> None:
    PlanEvent.objects.create(
        plan=plan,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        actor_label=str(actor.get_username()),
        organisation_id=getattr(actor, "organisation_id", None),
        note=note,
    )


def _fresh(actor: Any, plan: ProblemPlan | int, action: str) -> ProblemPlan:
    # Re-read under a row lock: decisions are made on what is stored now, never on the caller's copy.
    pk = plan if isinstance(plan, int) else plan.pk
    try:
        current = ProblemPlan.objects.select_for_update().get(pk=pk)
    except ProblemPlan.DoesNotExist:
        raise PermissionDenied(actor, action) from None
    require(actor, action, current)
    return current


def _require_owner_staff(actor: Any, action: str, plan: ProblemPlan) -> None:
    # Partners read a plan and update their own actions; the plan itself is the owning organisation's.
    if not policies.is_owner_staff(actor, plan):
        raise PermissionDenied(actor, action, plan)


def _check_version(plan: ProblemPlan, expected_version: int) -> None:
    if plan.version != expected_version:
        raise ConflictError(_("plan"), plan.version, expected_version)


def _write_plan(plan: ProblemPlan, expected_version: int, changes: dict[str, Any]) -> ProblemPlan:
    updated = ProblemPlan.objects.filter(pk=plan.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=_now(), **changes
    )
    if updated == 0:
        raise ConflictError(_("plan"), ProblemPlan.objects.get(pk=plan.pk).version, expected_version)
    return ProblemPlan.objects.get(pk=plan.pk)


def rescore(plan: ProblemPlan) -> rubric.Score:
    """Returns the plan's score under the current rubric, storing it on the plan (not a user's change)."""
    result = rubric.score(rubric.facts_for(plan))
    ProblemPlan.objects.filter(pk=plan.pk).update(score=result.percent, score_rubric_version=result.version)
    plan.score = result.percent
    plan.score_rubric_version = result.version
    return result


@transaction.atomic
def create_plan(
    *,
    actor: Any,
    title: str,
    problem_type: str,
    team: Any,
    area: Any,
    supervisor: Any,
    description: str = "",
    areas: Any = (),
    evidence: str = "",
    source_kind: str = "",
) -> ProblemPlan:
    """Returns a new plan at scanning, owned by the actor's organisation, audited as a collection.

    A plan started from a hotspot or repeat list carries that list's evidence reference, which becomes its
    first data source (of ``source_kind``), and the list's own area among its other areas.
    """
    require(actor, policies.PLAN_CREATE)
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        raise PermissionDenied(actor, policies.PLAN_CREATE)
    if not title.strip():
        raise ValidationError(_("Enter a title for the problem"), code="title")
    if problem_type not in ProblemType.values:
        raise ValidationError(_("Choose the kind of problem"), code="problem_type")
    if team.organisation_id != organisation_id:
        raise ValidationError(_("Choose one of your organisation's teams"), code="team")
    if supervisor.organisation_id != organisation_id or not supervisor.has_role(Role.SUPERVISOR):
        raise ValidationError(_("Choose a supervisor in your organisation"), code="supervisor")
    plan = ProblemPlan.objects.create(
        title=title.strip(),
        description=description.strip(),
        problem_type=problem_type,
        organisation_id=organisation_id,
        team=team,
        area=area,
        supervisor=supervisor,
        created_by=actor,
    )
    _event(plan, actor, "created", to_stage=Stage.SCANNING)
    extra_areas = [a for a in areas if a is not None and a.pk != area.pk]
    if extra_areas:
        plan.areas.set(extra_areas)
    if evidence.strip():
        kind = source_kind if source_kind in DataSourceKind.values else DataSourceKind.POLICE_EVENTS
        DataSource.objects.create(
            plan=plan, kind=kind, description=evidence.strip()[:300], is_police=kind in POLICE_KINDS
        )
        _event(plan, actor, "data_source_added", note=str(DataSourceKind(kind).label))
    rescore(plan)
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PROBLEMS_PLAN_CREATE,
        obj=plan,
        purpose=_("problem solving"),
        detail={"started_from": source_kind} if evidence.strip() else None,
    )
    return plan


def _clean_plan_changes(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"These fields cannot be changed this way: {', '.join(sorted(unknown))}")
    cleaned = {}
    for name, value in changes.items():
        cleaned[name] = value.strip() if isinstance(value, str) else value
    if "title" in cleaned and not cleaned["title"]:
        raise ValidationError(_("Enter a title for the problem"), code="title")
    for start, end in (("baseline_start", "baseline_end"), ("after_start", "after_end")):
        if cleaned.get(start) and cleaned.get(end) and cleaned[end] < cleaned[start]:
            raise ValidationError(_("A period must end on or after its start"), code=end)
    return cleaned


def _check_together(current: ProblemPlan, cleaned: dict[str, Any]) -> None:
    """Refuses changes that leave the plan saying something impossible: half a point, or an after before."""

    def value(name: str) -> Any:
        return cleaned[name] if name in cleaned else getattr(current, name)

    if (value("latitude") is None) != (value("longitude") is None):
        raise ValidationError(
            _("Enter both the latitude and the longitude of the point, or neither"),
            code="longitude" if value("longitude") is None else "latitude",
        )
    baseline_end, after_start = value("baseline_end"), value("after_start")
    if baseline_end and after_start and after_start <= baseline_end:
        raise ValidationError(
            _(
                "The after period must start after the baseline period ends (%(end)s), so that the two do not "
                "overlap: change the after period's start or the baseline's end"
            )
            % {"end": date_format(baseline_end)},
            code="baseline_end" if "baseline_end" in cleaned and "after_start" not in cleaned else "after_start",
        )


@transaction.atomic
def update_plan(
    *, actor: Any, plan: ProblemPlan | int, expected_version: int, areas: Any = None, **changes: Any
) -> ProblemPlan:
    """Returns the plan with the changes saved (if nobody changed it first), audited naming the fields."""
    current = _fresh(actor, plan, policies.PLAN_UPDATE)
    _require_owner_staff(actor, policies.PLAN_UPDATE, current)
    _check_version(current, expected_version)
    if current.stage == Stage.CLOSED:
        raise ValidationError(_("This plan is closed, so it cannot be changed."), code="closed")
    cleaned = _clean_plan_changes(changes)
    _check_together(current, cleaned)
    if "comparison_area" in cleaned:
        area = cleaned.pop("comparison_area")
        cleaned["comparison_area_id"] = area.pk if area is not None else None
    changed = sorted(name for name, value in cleaned.items() if getattr(current, name) != value)
    area_ids = None if areas is None else sorted(a.pk for a in areas)
    areas_changed = area_ids is not None and area_ids != sorted(current.areas.values_list("pk", flat=True))
    if not changed and not areas_changed:
        return current
    updated = _write_plan(current, expected_version, {name: cleaned[name] for name in changed})
    if areas_changed:
        updated.areas.set(area_ids or [])
        changed.append("areas")
    names = [n.removesuffix("_id") for n in changed]
    _event(updated, actor, "updated", note=", ".join(names))
    rescore(updated)
    # The audit names the fields, never their values: free text may name people.
    audit.record(actor=actor, tag=audit.AuditTag.PROBLEMS_PLAN_UPDATE, obj=updated, detail={"fields": names})
    return updated


def _child_write(actor: Any, plan: ProblemPlan | int, action: str, *, owner_only: bool = True) -> ProblemPlan:
    current = _fresh(actor, plan, action)
    if owner_only:
        _require_owner_staff(actor, action, current)
    if current.stage == Stage.CLOSED:
        raise ValidationError(_("This plan is closed, so it cannot be changed."), code="closed")
    return current


@transaction.atomic
def add_data_source(
    *, actor: Any, plan: ProblemPlan | int, kind: str, description: str, is_police: bool | None = None
) -> DataSource:
    """Returns a new data source on the plan; police kinds count as police data unless said otherwise."""
    current = _child_write(actor, plan, policies.PLAN_UPDATE)
    if kind not in DataSourceKind.values:
        raise ValidationError(_("Choose the kind of data"), code="kind")
    if not description.strip():
        raise ValidationError(_("Describe the data"), code="description")
    source = DataSource.objects.create(
        plan=current,
        kind=kind,
        description=description.strip(),
        is_police=(kind in POLICE_KINDS) if is_police is None else is_police,
    )
    _event(current, actor, "data_source_added", note=source.get_kind_display())
    rescore(current)
    audit.record(actor=actor, tag=audit.AuditTag.PROBLEMS_PLAN_UPDATE, obj=current, detail={"added": "data_source"})
    return source


@transaction.atomic
def add_finding(*, actor: Any, plan: ProblemPlan | int, text: str) -> Finding:
    """Returns a new analysis finding on the plan, for responses to answer."""
    current = _child_write(actor, plan, policies.PLAN_UPDATE)
    if not text.strip():
        raise ValidationError(_("Enter the finding"), code="text")
    finding = Finding.objects.create(plan=current, text=text.strip())
    _event(current, actor, "finding_added")
    audit.record(actor=actor, tag=audit.AuditTag.PROBLEMS_PLAN_UPDATE, obj=current, detail={"added": "finding"})
    return finding


@transaction.atomic
def add_evidence(
    *,
    actor: Any,
    plan: ProblemPlan | int,
    title: str,
    effect: str,
    source: str = "",
    evidence_strength: int = 0,
    notes: str = "",
) -> EvidenceReference:
    """Returns a new reference to evidence consulted, with its EMMIE effect and strength of evidence."""
    current = _child_write(actor, plan, policies.PLAN_UPDATE)
    if not title.strip():
        raise ValidationError(_("Enter the title of the evidence"), code="title")
    if effect not in EmmieEffect.values:
        raise ValidationError(_("Choose the effect the evidence reports"), code="effect")
    if not 0 <= evidence_strength <= 3:  # noqa: PLR2004 - the toolkit's scale
        raise ValidationError(_("Strength of evidence must be from 0 to 3"), code="evidence_strength")
    reference = EvidenceReference.objects.create(
        plan=current,
        title=title.strip(),
        source=source.strip(),
        effect=effect,
        evidence_strength=evidence_strength,
        notes=notes.strip(),
    )
    _event(current, actor, "evidence_added", note=reference.title)
    rescore(current)
    audit.record(actor=actor, tag=audit.AuditTag.PROBLEMS_PLAN_UPDATE, obj=current, detail={"added": "evidence"})
    return reference


def _validate_action(plan: ProblemPlan, fields: dict[str, Any]) -> None:
    if "description" in fields and not str(fields["description"]).strip():
        raise ValidationError(_("Describe the action"), code="description")
    if "technique" in fields and fields["technique"] not in Technique.values:
        raise ValidationError(_("Choose the technique or kind of response"), code="technique")
    if "status" in fields and fields["status"] not in ActionStatus.values:
        raise ValidationError(_("Choose the action's status"), code="status")
    finding = fields.get("finding")
    if finding is not None and finding.plan_id != plan.pk:
        raise ValidationError(_("Choose a finding of this plan"), code="finding")
    agency = fields.get("agency")
    if (
        agency is not None
        and agency.pk != plan.organisation_id
        and not plan.partners.filter(organisation_id=agency.pk).exists()
    ):
        raise ValidationError(
            _("The owning agency must be the plan's owner or a partner that joined it"), code="agency"
        )


@transaction.atomic
def add_action(
    *,
    actor: Any,
    plan: ProblemPlan | int,
    description: str,
    technique: str,
    finding: Finding | None = None,
    agency: Any = None,
    owner_name: str = "",
    due_date: dt.date | None = None,
) -> Action:
    """Returns a new action on the plan; a partner may add actions only for its own organisation."""
    current = _child_write(actor, plan, policies.ACTION_CREATE, owner_only=False)
    # A partner that joined adds its own organisation's actions, and nobody else's.
    own_agency = agency is not None and agency.pk == getattr(actor, "organisation_id", None)
    if not policies.is_owner_staff(actor, current) and not own_agency:
        raise PermissionDenied(actor, policies.ACTION_CREATE, current)
    fields = {"description": description, "technique": technique, "finding": finding, "agency": agency}
    _validate_action(current, fields)
    action = Action.objects.create(
        plan=current,
        description=description.strip(),
        technique=technique,
        finding=finding,
        agency=agency,
        owner_name=owner_name.strip(),
        due_date=due_date,
    )
    _event(current, actor, "action_added", note=action.get_technique_display())
    rescore(current)
    audit.record(actor=actor, tag=audit.AuditTag.PROBLEMS_ACTION_CREATE, obj=action, detail={"plan": current.pk})
    return action


@transaction.atomic
def update_action(*, actor: Any, action: Action | int, expected_version: int, **changes: Any) -> Action:
    """Returns the action with the changes saved if nobody changed it first; partners change only their own."""
    pk = action if isinstance(action, int) else action.pk
    try:
        current = Action.objects.select_for_update().select_related("plan").get(pk=pk)
    except Action.DoesNotExist:
        raise PermissionDenied(actor, policies.ACTION_UPDATE) from None
    require(actor, policies.ACTION_UPDATE, current)
    if not policies.may_change_action(actor, current):
        raise PermissionDenied(actor, policies.ACTION_UPDATE, current)
    unknown = set(changes) - ACTION_FIELDS
    if unknown:
        raise ValueError(f"These fields cannot be changed this way: {', '.join(sorted(unknown))}")
    if current.version != expected_version:
        raise ConflictError(_("action"), current.version, expected_version)
    if current.plan.stage == Stage.CLOSED:
        raise ValidationError(_("This plan is closed, so it cannot be changed."), code="closed")
    # A partner may not hand its action to another agency (nor take over someone else's).
    new_agency_id = changes["agency"].pk if changes.get("agency") else None
    if "agency" in changes and not policies.is_owner_staff(actor, current.plan) and new_agency_id != current.agency_id:
        raise PermissionDenied(actor, policies.ACTION_UPDATE, current)
    _validate_action(current.plan, changes)
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    columns = {
        (f"{k}_id" if k in ("finding", "agency") else k): (v.pk if hasattr(v, "pk") else v) for k, v in cleaned.items()
    }
    changed = sorted(k for k, v in columns.items() if getattr(current, k) != v)
    if not changed:
        return current
    updated = Action.objects.filter(pk=current.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=_now(), **{k: columns[k] for k in changed}
    )
    if updated == 0:
        raise ConflictError(_("action"), Action.objects.get(pk=current.pk).version, expected_version)
    fresh = Action.objects.select_related("plan").get(pk=current.pk)
    names = [n.removesuffix("_id") for n in changed]
    _event(fresh.plan, actor, "action_updated", note=f"{fresh.pk}: {', '.join(names)}")
    rescore(fresh.plan)
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PROBLEMS_ACTION_UPDATE,
        obj=fresh,
        detail={"plan": fresh.plan_id, "fields": names, "version": fresh.version},
    )
    return fresh


@transaction.atomic
def add_partner(*, actor: Any, plan: ProblemPlan | int, organisation: Any) -> PlanPartner:
    """Returns the partner organisation joined to the plan: its staff now see it, audited as a disclosure."""
    current = _child_write(actor, plan, policies.PLAN_PARTNER)
    if organisation.pk == current.organisation_id:
        raise ValidationError(_("The owning organisation is already on the plan"), code="organisation")
    partner, created = PlanPartner.objects.get_or_create(
        plan=current, organisation=organisation, defaults={"added_by": actor}
    )
    if created:
        _event(current, actor, "partner_joined", note=organisation.name)
        audit.record(
            actor=actor,
            tag=audit.AuditTag.PROBLEMS_PLAN_PARTNER,
            obj=current,
            recipient=f"organisation {organisation.pk}: {organisation}",
        )
    return partner


def _move(
    current: ProblemPlan, actor: Any, expected_version: int, *, to_stage: str, kind: str, note: str
) -> ProblemPlan:
    from_stage = current.stage
    changes: dict[str, Any] = {"stage": to_stage, "pending_stage": "", "pending_requested_by": None}
    if to_stage == Stage.CLOSED:
        changes["closed_at"] = _now()
    moved = _write_plan(current, expected_version, changes)
    _event(moved, actor, kind, note=note, from_stage=from_stage, to_stage=to_stage)
    rescore(moved)
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PROBLEMS_PLAN_MOVE,
        obj=moved,
        detail={"from": from_stage, "to": to_stage, "version": moved.version},
    )
    return moved


def _may_approve(actor: Any, plan: ProblemPlan) -> bool:
    return policies.is_owner_staff(actor, plan) and Role.SUPERVISOR in getattr(actor, "role_set", frozenset())


@transaction.atomic
def request_move(
    *, actor: Any, plan: ProblemPlan | int, expected_version: int, to_stage: str, note: str = ""
) -> ProblemPlan:
    """Returns the plan moved (by a supervisor) or waiting for the supervisor; refused with what is missing."""
    current = _fresh(actor, plan, policies.PLAN_MOVE)
    _require_owner_staff(actor, policies.PLAN_MOVE, current)
    _check_version(current, expected_version)
    missing = gates.missing_for(current, to_stage)
    if missing:
        raise GateError(to_stage, missing)
    # A supervisor's own move is approved as it is made; anyone else's waits for a supervisor.
    if _may_approve(actor, current):
        return _move(current, actor, expected_version, to_stage=to_stage, kind="moved", note=note)
    requested = _write_plan(current, expected_version, {"pending_stage": to_stage, "pending_requested_by": actor})
    _event(requested, actor, "move_requested", note=note, from_stage=current.stage, to_stage=to_stage)
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PROBLEMS_PLAN_MOVE,
        obj=requested,
        detail={"requested": to_stage, "from": current.stage},
    )
    return requested


@transaction.atomic
def approve_move(*, actor: Any, plan: ProblemPlan | int, expected_version: int, note: str = "") -> ProblemPlan:
    """Returns the plan moved to the stage asked for, after the gate is checked again on what is stored now."""
    current = _fresh(actor, plan, policies.PLAN_APPROVE)
    if not _may_approve(actor, current):
        raise PermissionDenied(actor, policies.PLAN_APPROVE, current)
    _check_version(current, expected_version)
    if not current.pending_stage:
        raise ValidationError(_("No stage move is waiting for approval"), code="no_request")
    missing = gates.missing_for(current, current.pending_stage)
    if missing:
        raise GateError(current.pending_stage, missing)
    return _move(current, actor, expected_version, to_stage=current.pending_stage, kind="move_approved", note=note)


@transaction.atomic
def refuse_move(*, actor: Any, plan: ProblemPlan | int, expected_version: int, reason: str) -> ProblemPlan:
    """Returns the plan with the waiting move refused, the reason kept in its history."""
    current = _fresh(actor, plan, policies.PLAN_APPROVE)
    if not _may_approve(actor, current):
        raise PermissionDenied(actor, policies.PLAN_APPROVE, current)
    _check_version(current, expected_version)
    if not current.pending_stage:
        raise ValidationError(_("No stage move is waiting for approval"), code="no_request")
    if not reason.strip():
        raise ValidationError(_("Say why the move is refused"), code="reason")
    refused = _write_plan(current, expected_version, {"pending_stage": "", "pending_requested_by": None})
    _event(
        refused, actor, "move_refused", note=reason.strip(), from_stage=current.stage, to_stage=current.pending_stage
    )
    audit.record(
        actor=actor, tag=audit.AuditTag.PROBLEMS_PLAN_MOVE, obj=refused, detail={"refused": current.pending_stage}
    )
    return refused


@transaction.atomic
def override_score(*, actor: Any, plan: ProblemPlan | int, score: int | None, reason: str) -> ProblemPlan:
    """Returns the plan with a supervisor's score override (None removes it), the reason kept and audited."""
    current = _fresh(actor, plan, policies.SCORE_OVERRIDE)
    if not _may_approve(actor, current):
        raise PermissionDenied(actor, policies.SCORE_OVERRIDE, current)
    if score is not None and not 0 <= score <= 100:  # noqa: PLR2004 - a percentage
        raise ValidationError(_("The score must be from 0 to 100"), code="score")
    if not reason.strip():
        raise ValidationError(_("Say why you are overriding the score"), code="reason")
    ProblemPlan.objects.filter(pk=current.pk).update(
        score_override=score, score_override_reason=reason.strip(), score_override_by=actor
    )
    _event(current, actor, "score_override", note=reason.strip())
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PROBLEMS_SCORE_OVERRIDE,
        obj=current,
        detail={"computed": current.score, "override": score},
    )
    return ProblemPlan.objects.get(pk=current.pk)


def summarise_survey(content: str) -> tuple[int, list[dict[str, Any]]]:
    """Returns a survey CSV's row count and, per column, numbers' count/mean/min/max or answers' counts."""
    reader = csv.DictReader(io.StringIO(content))
    if not reader.fieldnames:
        raise ValidationError(_("The file has no header row: the first line must name the columns"), code="file")
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) > SURVEY_MAX_ROWS:
            raise ValidationError(_("The file has more than %(max)d rows") % {"max": SURVEY_MAX_ROWS}, code="file")
    summary: list[dict[str, Any]] = []
    for column in reader.fieldnames:
        values = [(row.get(column) or "").strip() for row in rows]
        answered = [v for v in values if v]
        try:
            numbers = [float(v) for v in answered]
        except ValueError:
            numbers = []
        if answered and len(numbers) == len(answered):
            summary.append(
                {
                    "column": column,
                    "kind": "number",
                    "answered": len(numbers),
                    "mean": round(sum(numbers) / len(numbers), 2),
                    "min": min(numbers),
                    "max": max(numbers),
                }
            )
        else:
            top = Counter(answered).most_common(8)
            summary.append({"column": column, "kind": "answers", "answered": len(answered), "answers": top})
    return len(rows), summary


@transaction.atomic
def attach_survey(*, actor: Any, plan: ProblemPlan | int, name: str, content: bytes | str) -> SurveyUpload:
    """Returns residents' survey results stored with the plan and summarised column by column."""
    current = _child_write(actor, plan, policies.SURVEY_ATTACH, owner_only=False)
    if len(content) > SURVEY_MAX_BYTES:
        raise ValidationError(_("The file must be smaller than 1 MB"), code="file")
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file must be a CSV saved as UTF-8"), code="file") from None
    rows, summary = summarise_survey(content)
    survey = SurveyUpload.objects.create(
        plan=current,
        name=(name or _("Residents' survey")).strip()[:200],
        content=content,
        row_count=rows,
        summary=summary,
        uploaded_by=actor,
    )
    _event(current, actor, "survey_attached", note=survey.name)
    rescore(current)
    audit.record(
        actor=actor, tag=audit.AuditTag.PROBLEMS_SURVEY_ATTACH, obj=current, detail={"survey": survey.pk, "rows": rows}
    )
    return survey
