"""Pages of the trigger queue, the runs, the repeat and frequent demand lists and the disparity report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from upstream.core import links
from upstream.core.policy import can, require
from upstream.triggers import forms, policies, queries, services
from upstream.triggers.models import DemandKind, Level, TriggerStatus

DECISIONS = ("review", "assign", "dismiss", "refer")
DEMAND_LINK_KINDS = {
    DemandKind.REPEAT_VICTIM: "triggers:repeat-victim",
    DemandKind.REPEAT_LOCATION: "triggers:repeat-location",
    DemandKind.FREQUENT_CALLER: "triggers:repeat-list",
    DemandKind.FREQUENT_MISSING: "triggers:repeat-list",
}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _teams(actor: Any) -> list[Any]:
    from upstream.accounts.models import Team

    organisation_id = getattr(actor, "organisation_id", None)
    return list(Team.objects.filter(organisation_id=organisation_id, is_neighbourhood_team=True).order_by("name"))


def _areas() -> list[Any]:
    from upstream.places.models import Area, AreaLevel

    return list(Area.objects.filter(level__in=[AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD]).order_by("level", "name"))


def _filters(request: HttpRequest) -> dict[str, Any]:
    teams = _teams(request.user)
    team_id = _int(request.GET.get("team"))
    return {
        "area_id": _int(request.GET.get("area")),
        "team_id": team_id,
        "team": next((t for t in teams if t.pk == team_id), None),
        "team_choices": teams,
        "area_choices": _areas(),
    }


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Shows the trigger queue with its filters, the latest run and the button to run the rules now."""
    require(request.user, policies.TRIGGER_VIEW)
    status = request.GET.get("status", "")
    if status not in TriggerStatus.values:
        status = ""
    band = request.GET.get("band", "")
    if band not in queries.BANDS:
        band = ""
    filters = _filters(request)
    page = queries.list_triggers(
        request.user,
        status=status,
        band=band,
        area_id=filters["area_id"],
        team=filters["team"],
        include_gone=request.GET.get("gone") == "1",
        page=_int(request.GET.get("page")) or 1,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "triggers/queue.html",
        {
            "page": page,
            "status": status,
            "band": band,
            "status_choices": TriggerStatus.choices,
            "band_choices": list(queries.BANDS.items()),
            "open_children": queries.open_referral_children(request.user, page.triggers),
            "latest_run": queries.latest_run(request.user),
            "runs": queries.list_runs(request.user, limit=5),
            "can_run": can(request.user, policies.RUN_START),
            "run_form_value": timezone.localdate().isoformat(),
            "query": query.urlencode(),
            "ace_label": queries.ace_label,
            "flag_label": queries.flag_label,
            "Level": Level,
            **filters,
        },
    )


def _target_choices(actor: Any) -> list[tuple[str, str]]:
    from upstream.referrals import queries as referral_queries
    from upstream.referrals.models import ReceivingService

    choices = [
        (f"programme:{p.pk}", _("Programme: %(name)s") % {"name": p.name})
        for p in referral_queries.list_programmes(actor)
    ]
    choices += [
        (f"service:{r.service_id}", _("Service: %(name)s") % {"name": r.service.name})
        for r in ReceivingService.objects.select_related("service").order_by("service__name")
    ]
    return choices


def _target(value: str) -> tuple[Any, Any]:
    from upstream.directory.models import Service
    from upstream.referrals.models import Programme

    kind, _sep, key = value.partition(":")
    try:
        if kind == "programme":
            return None, Programme.objects.get(pk=int(key))
        if kind == "service":
            return Service.objects.get(pk=key), None
    except (Programme.DoesNotExist, Service.DoesNotExist, ValueError, ValidationError):
        pass
    raise ValidationError(_("Choose the programme or service to refer to"), code="target")


def _detail_context(request: HttpRequest, trigger: Any, **extra: Any) -> dict[str, Any]:
    can_decide = can(request.user, policies.TRIGGER_DECIDE, trigger)
    can_refer = services.can_refer(request.user)
    suggested = services.suggested_team(trigger)
    return {
        "trigger": trigger,
        "evidence": queries.evidence_rows(trigger),
        "members": queries.household_members(trigger),
        "history": queries.history_of(request.user, trigger),
        "action_labels": queries.ACTION_LABELS,
        "status_labels": dict(TriggerStatus.choices),
        "sex_labels": queries.SEX_LABELS,
        "open_referrals": queries.open_referrals_for(request.user, trigger),
        "aces": [queries.ace_label(a) for a in trigger.ace_types],
        "flags": [queries.flag_label(f) for f in trigger.flags],
        "can_decide": can_decide and trigger.status != TriggerStatus.REFERRED,
        "can_refer": can_refer and trigger.status != TriggerStatus.REFERRED,
        "teams": _teams(request.user),
        "suggested_team": suggested,
        "target_choices": _target_choices(request.user) if can_refer else [],
        "referral_reason": services.referral_reason(trigger),
        "record_links": links.for_record("triggers:child", request.user, trigger),
        "errors": {},
        "values": {},
        **extra,
    }


@login_required
@require_GET
def detail(request: HttpRequest, trigger_id: int) -> HttpResponse:
    """Shows one trigger: who, the score, every event behind it, the household members, history and actions."""
    trigger = queries.get_trigger(request.user, trigger_id)
    return render(request, "triggers/detail.html", _detail_context(request, trigger))


@login_required
@require_POST
def decide(request: HttpRequest, trigger_id: int, decision: str) -> HttpResponse:
    """Reviews, assigns, dismisses or refers a trigger; a stale version is refused and said plainly."""
    if decision not in DECISIONS:
        raise Http404
    trigger = queries.find_trigger(request.user, trigger_id)
    require(request.user, policies.TRIGGER_DECIDE, trigger)
    form_class = {
        "review": forms.DecisionForm,
        "assign": forms.AssignForm,
        "dismiss": forms.DismissForm,
        "refer": forms.ReferForm,
    }[decision]
    form = form_class(request.POST)
    errors: dict[str, str] = {}
    conflict = ""
    if form.is_valid():
        data = form.cleaned_data
        common = {"actor": request.user, "trigger": trigger.pk, "expected_version": data["version"]}
        try:
            if decision == "review":
                done = services.review_trigger(**common, note=data.get("note", ""))
                messages.success(request, _("Trigger %(ref)s marked as reviewed") % {"ref": done.reference})
            elif decision == "assign":
                team = next((t for t in _teams(request.user) if t.pk == data["team"]), None)
                done = services.assign_trigger(**common, team=team, note=data.get("note", ""))
                messages.success(
                    request, _("Trigger %(ref)s assigned to %(team)s") % {"ref": done.reference, "team": done.team.name}
                )
            elif decision == "dismiss":
                done = services.dismiss_trigger(**common, reason=data["reason"])
                messages.success(request, _("Trigger %(ref)s dismissed") % {"ref": done.reference})
            else:
                if not services.can_refer(request.user):
                    raise Http404
                service, programme = _target(data["target"])
                done = services.refer_trigger(**common, reason=data["reason"], service=service, programme=programme)
                messages.success(
                    request,
                    _("Draft referral %(ref)s made from the trigger: record the basis for sharing, then send it.")
                    % {"ref": done.referral.reference},
                )
                return HttpResponseRedirect(reverse("referrals:detail", args=[done.referral_id]))
        except services.ConflictError as exc:
            conflict = str(exc)
        except ValidationError as exc:
            errors[getattr(exc, "code", None) or decision] = " ".join(exc.messages)
        else:
            return HttpResponseRedirect(reverse("triggers:detail", args=[trigger.pk]))
    else:
        errors = {name: str(errs[0]) for name, errs in form.errors.items()}
    trigger = queries.find_trigger(request.user, trigger_id)
    context = _detail_context(
        request, trigger, errors=errors, conflict=conflict, decision=decision, values=request.POST.dict()
    )
    return render(request, "triggers/detail.html", context, status=409 if conflict else 400)


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Queues a run of the rules as of the chosen date and shows its progress."""
    require(request.user, policies.RUN_START)
    form = forms.RunForm(request.POST)
    error = ""
    if form.is_valid():
        as_of = form.cleaned_data["as_of"] or timezone.localdate()
        try:
            run = services.start_run(actor=request.user, as_of=as_of)
        except (ValidationError, services.RunRefusedError) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            return HttpResponseRedirect(reverse("triggers:run", args=[run.pk]))
    else:
        error = str(form.errors["as_of"][0])
    return render(
        request,
        "triggers/run_error.html",
        {"error": error, "value": request.POST.get("as_of", "")},
        status=400,
    )


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """Shows a run's progress, then what it found (htmx refreshes the progress while it runs)."""
    run = queries.get_run(request.user, run_id)
    template = "triggers/_run_status.html" if request.headers.get("HX-Request") else "triggers/run.html"
    return render(request, template, {"run": run})


@login_required
@require_GET
def demand(request: HttpRequest) -> HttpResponse:
    """Shows one repeat or frequent demand list with its evidence, filtered by area and team."""
    require(request.user, policies.DEMAND_VIEW)
    kind = request.GET.get("list") or DemandKind.REPEAT_VICTIM
    if kind not in DemandKind.values:
        kind = DemandKind.REPEAT_VICTIM
    filters = _filters(request)
    run, rows, total = queries.demand_list(request.user, kind, area_id=filters["area_id"], team=filters["team"])
    link_kind = DEMAND_LINK_KINDS[DemandKind(kind)]
    plan_links = {row.pk: links.for_record(link_kind, request.user, _plan_record(row, run)) for row in rows}
    return render(
        request,
        "triggers/demand.html",
        {
            "kind": kind,
            "kinds": DemandKind.choices,
            "kind_label": DemandKind(kind).label,
            "run": run,
            "rows": rows,
            "total": total,
            "plan_links": plan_links,
            **filters,
        },
    )


def _plan_record(row: Any, run: Any) -> dict[str, str]:
    # What a problem-solving plan starts from: the area and the list, never the person's name.
    area_name = row.area.name if row.area is not None else row.area_code
    as_of = run.as_of.isoformat() if run else ""
    titles = {
        DemandKind.REPEAT_VICTIM: _("Repeat victimisation in %(area)s"),
        DemandKind.FREQUENT_CALLER: _("Frequent calls for service in %(area)s"),
        DemandKind.FREQUENT_MISSING: _("Repeat missing episodes in %(area)s"),
        DemandKind.REPEAT_LOCATION: _("Repeat location: %(area)s"),
    }
    return {
        "area_code": row.area_code,
        "title": str(titles[DemandKind(row.kind)] % {"area": area_name}),
        "evidence": _("%(list)s, entry %(rank)s, as of %(date)s: %(count)s events")
        % {"list": DemandKind(row.kind).label, "rank": row.rank, "date": as_of, "count": row.count},
    }


@login_required
@require_GET
def disparity(request: HttpRequest) -> HttpResponse:
    """Shows who the rules pick out: triggered children by sex, ethnicity and area against all children."""
    run, rows = queries.disparity(request.user)
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row.get("dimension", "")), []).append(row)
    return render(request, "triggers/disparity.html", {"run": run, "groups": groups})
