"""Every read of the trigger queue and the demand lists: given the actor, filtered by the policy, audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.core import audit
from upstream.core.policy import can, require, scoped
from upstream.triggers import policies
from upstream.triggers.models import DemandEntry, DemandKind, Level, RunStatus, Trigger, TriggerEvent, TriggerRun

PAGE_SIZE = 50

ACE_LABELS = {
    "domestic_abuse": gettext_lazy("Domestic abuse in the household"),
    "physical_abuse": gettext_lazy("Physical abuse or neglect"),
    "sexual_abuse": gettext_lazy("Sexual abuse"),
    "emotional_abuse": gettext_lazy("Emotional abuse"),
    "parental_imprisonment": gettext_lazy("Parent or carer imprisoned"),
    "parental_drug_misuse": gettext_lazy("Parental drug misuse"),
    "parental_alcohol_misuse": gettext_lazy("Parental alcohol misuse"),
    "parental_mental_health": gettext_lazy("Parental mental ill health"),
    "parental_separation": gettext_lazy("Parental separation (proxy, not counted)"),
}
FLAG_LABELS = {
    "repeat_missing": gettext_lazy("Repeat missing episodes"),
    "first_time_suspect": gettext_lazy("Suspect for the first time"),
    "exploitation": gettext_lazy("Exploitation markers"),
    "drugs_warrant": gettext_lazy("Present at a drugs warrant"),
    "violence_outside_home": gettext_lazy("Victim of violence outside the home"),
}
ACTION_LABELS = {
    "found": gettext_lazy("Found by a run of the rules"),
    "evidence": gettext_lazy("A run found different evidence"),
    "relinked": gettext_lazy("Linked again under another resolved person id"),
    "review": gettext_lazy("Reviewed"),
    "assign": gettext_lazy("Assigned to a team"),
    "dismiss": gettext_lazy("Dismissed"),
    "refer": gettext_lazy("Draft referral made"),
}
SEX_LABELS = {"F": gettext_lazy("Female"), "M": gettext_lazy("Male"), "U": gettext_lazy("Not known")}
BANDS = {
    "referral": gettext_lazy("4 or more ACEs"),
    "emerging": gettext_lazy("Emerging: 2 or 3 ACEs"),
    "flags": gettext_lazy("Flags only, below the thresholds"),
}


def ace_label(name: str) -> str:
    """Returns an ACE type in words."""
    return str(ACE_LABELS.get(name, name.replace("_", " ")))


def flag_label(name: str) -> str:
    """Returns a prevention flag in words."""
    return str(FLAG_LABELS.get(name, name.replace("_", " ")))


@dataclass
class TriggerPage:
    """One page of the queue."""

    triggers: list[Trigger]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """Returns how many pages the filtered queue has."""
        return max(1, -(-self.total // self.page_size))


def triggers_in_scope(actor: Any) -> QuerySet[Trigger]:
    """Returns the triggers the actor may see."""
    return scoped(actor, policies.TRIGGER_VIEW, Trigger.objects.all())


def _area_filter(area_id: int | None) -> Q:
    if not area_id:
        return Q()
    # An area filter matches the child's neighbourhood, or any ward or authority it lies in.
    return Q(area_id=area_id) | Q(area__parent_id=area_id) | Q(area__parent__parent_id=area_id)


def team_area_ids(team: Any) -> list[int]:
    """Returns the ids of the areas a team covers and every area inside them (three levels down)."""
    from upstream.places.models import Area

    top = list(team.areas.values_list("pk", flat=True))
    found = set(top)
    frontier = top
    for _level in range(3):
        frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found.update(frontier)
    return sorted(found)


def list_triggers(
    actor: Any,
    *,
    status: str = "",
    band: str = "",
    area_id: int | None = None,
    team: Any = None,
    include_gone: bool = False,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> TriggerPage:
    """Returns one page of the queue with the filters applied, most ACEs first; audited as a consultation."""
    queryset = triggers_in_scope(actor).select_related("area", "team", "referral")
    if status:
        queryset = queryset.filter(status=status)
    elif not include_gone:
        queryset = queryset.exclude(status="dismissed")
    if band == "referral":
        queryset = queryset.filter(level=Level.REFERRAL)
    elif band == "emerging":
        queryset = queryset.filter(level=Level.EMERGING)
    elif band == "flags":
        queryset = queryset.filter(level=Level.FLAGS_ONLY)
    if not include_gone:
        queryset = queryset.filter(in_latest_run=True)
    queryset = queryset.filter(_area_filter(area_id))
    if team is not None:
        queryset = queryset.filter(Q(team=team) | Q(team__isnull=True, area_id__in=team_area_ids(team)))
    total = queryset.count()
    page = max(1, page)
    rows = list(
        queryset.order_by("-ace_count", "-evidence_changed_at", "pk")[(page - 1) * page_size : page * page_size]
    )
    if rows:
        audit.record(
            actor=actor,
            tag=audit.AuditTag.TRIGGERS_TRIGGER_LIST,
            object_type="triggers.trigger",
            purpose=_("trigger queue"),
            detail={"shown": [t.pk for t in rows], "status": status, "band": band},
        )
    return TriggerPage(rows, total, page, page_size)


def find_trigger(actor: Any, trigger_id: int | str) -> Trigger:
    """Returns a trigger the actor may see, without auditing (for forms that re-read it), or raises Http404."""
    try:
        trigger = Trigger.objects.select_related("area", "area__parent", "team", "referral", "last_run").get(
            pk=int(trigger_id)
        )
    except (Trigger.DoesNotExist, ValueError):
        raise Http404 from None
    if not can(actor, policies.TRIGGER_VIEW, trigger):
        # The same answer as for a trigger that does not exist: nothing is said about what exists.
        raise Http404
    return trigger


def get_trigger(actor: Any, trigger_id: int | str) -> Trigger:
    """Returns a trigger with its evidence for the actor, audited as a consultation of personal data."""
    trigger = find_trigger(actor, trigger_id)
    audit.record(
        actor=actor,
        tag=audit.AuditTag.TRIGGERS_TRIGGER_VIEW,
        obj=trigger,
        purpose=_("trigger review"),
        detail={"resolved_person_id": trigger.resolved_person_id, "version": trigger.version},
    )
    return trigger


def history_of(actor: Any, trigger: Trigger) -> list[TriggerEvent]:
    """Returns what happened to a trigger, oldest first."""
    require(actor, policies.TRIGGER_VIEW, trigger)
    return list(trigger.events.select_related("actor"))


def evidence_rows(trigger: Trigger) -> list[dict[str, str]]:
    """Returns the trigger's evidence in words, one row per event and reason, newest first."""
    rows = []
    for item in trigger.evidence:
        is_ace = item.get("kind") == "ace"
        rows.append(
            {
                "kind": str(_("ACE")) if is_ace else str(_("Flag")),
                "reason": ace_label(item.get("name", "")) if is_ace else flag_label(item.get("name", "")),
                "event_id": item.get("event_id", ""),
                "day": item.get("day", ""),
                "code": item.get("code", ""),
                "member": item.get("member_name") or item.get("member_id") or "",
                "member_id": item.get("member_id", ""),
            }
        )
    return sorted(rows, key=lambda r: (r["day"], r["event_id"]), reverse=True)


def household_members(trigger: Trigger) -> list[dict[str, Any]]:
    """Returns the household members the evidence involves, each with the events they appear in."""
    members: dict[str, dict[str, Any]] = {}
    for item in trigger.evidence:
        member_id = item.get("member_id")
        if not member_id:
            continue
        slot = members.setdefault(member_id, {"id": member_id, "name": item.get("member_name", ""), "events": set()})
        slot["events"].add(item.get("event_id", ""))
    return [{**m, "events": sorted(m["events"])} for m in sorted(members.values(), key=lambda m: m["id"])]


def open_referrals_for(actor: Any, trigger: Trigger) -> list[Any]:
    """Returns the open referrals the actor may see for the child (by the resolved person), so no one is referred twice.

    Looks through the referrals the referrals policy lets the actor see; a referral the actor's organisation
    cannot see is not shown, but the trigger's own referral always counts.
    """
    from upstream.referrals import queries as referral_queries
    from upstream.referrals.models import CLOSED_STATUSES

    found = (
        referral_queries.referrals_in_scope(actor)
        .filter(person__resolved_person_id=trigger.resolved_person_id)
        .exclude(status__in=CLOSED_STATUSES)
    )
    found_list = list(found.select_related("receiving_organisation")[:10])
    own = trigger.referral if trigger.referral_id else None
    if own is not None and own.status not in CLOSED_STATUSES and all(r.pk != own.pk for r in found_list):
        found_list.append(own)
    return found_list


def open_referral_children(actor: Any, triggers: list[Trigger]) -> set[str]:
    """Returns which of the listed children are open to a referral the actor may see (one query)."""
    from upstream.referrals import queries as referral_queries
    from upstream.referrals.models import CLOSED_STATUSES

    if not triggers or not can(actor, "referrals:referral:view"):
        return {t.resolved_person_id for t in triggers if t.referral_id}
    ids = [t.resolved_person_id for t in triggers]
    open_ids = {
        rid
        for rid in referral_queries.referrals_in_scope(actor)
        .filter(person__resolved_person_id__in=ids)
        .exclude(status__in=CLOSED_STATUSES)
        .values_list("person__resolved_person_id", flat=True)
        if rid
    }
    return open_ids | {t.resolved_person_id for t in triggers if t.referral_id}


def latest_run(actor: Any) -> TriggerRun | None:
    """Returns the actor's organisation's most recent run, finished or not."""
    return scoped(actor, policies.RUN_VIEW, TriggerRun.objects.all()).order_by("-created_at", "-pk").first()


def latest_finished_run(actor: Any) -> TriggerRun | None:
    """Returns the actor's organisation's most recent finished run."""
    return (
        scoped(actor, policies.RUN_VIEW, TriggerRun.objects.filter(status=RunStatus.FINISHED))
        .order_by("-finished_at", "-pk")
        .first()
    )


def list_runs(actor: Any, *, limit: int = 20) -> list[TriggerRun]:
    """Returns the organisation's recent runs, newest first."""
    return list(scoped(actor, policies.RUN_VIEW, TriggerRun.objects.all()).order_by("-created_at", "-pk")[:limit])


def get_run(actor: Any, run_id: int | str) -> TriggerRun:
    """Returns a run the actor may see, or raises Http404."""
    try:
        run = TriggerRun.objects.get(pk=int(run_id))
    except (TriggerRun.DoesNotExist, ValueError):
        raise Http404 from None
    if not can(actor, policies.RUN_VIEW, run):
        raise Http404
    return run


def demand_list(
    actor: Any, kind: str, *, area_id: int | None = None, team: Any = None, limit: int = 200
) -> tuple[TriggerRun | None, list[DemandEntry], int]:
    """Returns the latest run, the rows of one demand list with the filters applied, and the total; audited."""
    if kind not in DemandKind.values:
        raise Http404
    require(actor, policies.DEMAND_VIEW)
    run = latest_finished_run_for_demand(actor)
    if run is None:
        return None, [], 0
    queryset = scoped(actor, policies.DEMAND_VIEW, DemandEntry.objects.filter(run=run, kind=kind)).select_related(
        "area"
    )
    queryset = queryset.filter(_area_filter(area_id))
    if team is not None:
        queryset = queryset.filter(area_id__in=team_area_ids(team))
    total = queryset.count()
    rows = list(queryset.order_by("rank", "pk")[:limit])
    if rows and kind != DemandKind.REPEAT_LOCATION:
        audit.record(
            actor=actor,
            tag=audit.AuditTag.TRIGGERS_DEMAND_VIEW,
            object_type="triggers.demandentry",
            purpose=_("repeat and frequent demand list"),
            detail={"kind": kind, "shown": [r.pk for r in rows]},
        )
    return run, rows, total


def latest_finished_run_for_demand(actor: Any) -> TriggerRun | None:
    """Returns the run whose demand lists the actor's organisation sees (the latest finished)."""
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return None
    return (
        TriggerRun.objects.filter(organisation_id=organisation_id, status=RunStatus.FINISHED)
        .order_by("-finished_at", "-pk")
        .first()
    )


def disparity(actor: Any) -> tuple[TriggerRun | None, list[dict[str, Any]]]:
    """Returns the latest finished run and its disparity rows (groups against all children)."""
    require(actor, policies.DISPARITY_VIEW)
    run = latest_finished_run(actor)
    if run is None:
        return None, []
    return run, list(run.disparity)


def queue_count(actor: Any) -> int:
    """Returns how many triggers in the actor's queue wait for a decision (for the home page)."""
    if not can(actor, policies.TRIGGER_VIEW):
        return 0
    return triggers_in_scope(actor).filter(status="new", in_latest_run=True).exclude(level=Level.FLAGS_ONLY).count()
