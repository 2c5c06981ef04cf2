"""Problem-solving pages: thin views over problems.queries (reads) and problems.services (changes)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upstream.accounts.models import Team
from upstream.core.policy import PermissionDenied, can, require
from upstream.places.models import Area
from upstream.problems import gates, policies, queries, records_measures, rubric, services
from upstream.problems.forms import (
    STAGE_FORMS,
    ActionForm,
    DataSourceForm,
    EvidenceForm,
    FindingForm,
    OverrideForm,
    PartnerForm,
    PlanForm,
    SurveyForm,
)
from upstream.problems.models import STAGE_ORDER, Action, DataSourceKind, ProblemPlan, ProblemType, Stage

STAGE_TITLES = {
    "scanning": gettext_lazy("Scanning"),
    "analysis": gettext_lazy("Analysis"),
    "response": gettext_lazy("Response"),
    "assessment": gettext_lazy("Assessment"),
}


def _errors(form: forms.Form) -> dict[str, str]:
    return {name: str(errors[0]) for name, errors in form.errors.items()}


def _kind(field: forms.Field) -> str:  # noqa: PLR0911 - one answer per kind of widget
    widget = field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.SelectMultiple):
        return "multiselect"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.DateInput):
        return "date"
    if isinstance(widget, forms.NumberInput):
        return "number"
    return "text"


def fields_for(form: forms.Form, errors: dict[str, str]) -> list[dict[str, Any]]:
    """Returns each form field as what the GOV.UK field macros need: name, label, hint, kind, value, choices."""
    rendered = []
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        kind = _kind(field)
        choices = []
        if kind in ("select", "multiselect"):
            selected = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value or "")}
            choices = [
                {
                    "value": str(getattr(v, "value", v)),
                    "text": str(label),
                    "selected": str(getattr(v, "value", v)) in selected,
                }
                for v, label in field.choices  # type: ignore[attr-defined]
            ]
        if kind == "date" and value and not isinstance(value, str):
            value = value.isoformat()
        rendered.append(
            {
                "name": name,
                "label": str(field.label or name),
                "hint": str(field.help_text or ""),
                "kind": kind,
                "value": "" if value is None else value,
                "choices": choices,
                "error": errors.get(name, ""),
            }
        )
    return rendered


def gate_links(plan: ProblemPlan, missing: gates.Missing) -> list[dict[str, str]]:
    """Returns the gate's messages, each linking to where the person can fix it."""
    links = []
    for name, message in missing:
        stage = next((s for s, names in services.STAGE_FIELDS.items() if name in names), None)
        if stage is not None:
            href = reverse("problems:stage", args=[plan.pk, stage]) + f"#{name}"
        elif name == "data_sources":
            href = reverse("problems:source-add", args=[plan.pk])
        elif name == "findings":
            href = reverse("problems:finding-add", args=[plan.pk])
        else:
            href = f"#{name}"
        links.append({"text": message, "href": href})
    return links


def _plan_url(plan: ProblemPlan, anchor: str = "") -> str:
    return reverse("problems:detail", args=[plan.pk]) + (f"#{anchor}" if anchor else "")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _version(request: HttpRequest) -> int:
    return _int(request.POST.get("version")) or 0


def _render_form(
    request: HttpRequest,
    *,
    title: str,
    form: forms.Form,
    back: str,
    submit: str,
    plan: ProblemPlan | None = None,
    version: int | None = None,
    multipart: bool = False,
    caption: str = "",
    started_from: dict[str, str] | None = None,
    location_map: str = "",
) -> HttpResponse:
    errors = _errors(form)
    return render(
        request,
        "problems/form.html",
        {
            "title": title,
            "caption": caption,
            "fields": fields_for(form, errors),
            "errors": errors,
            "back": back,
            "submit": submit,
            "plan": plan,
            "version": version,
            "multipart": multipart,
            "started_from": started_from,
            # The GeoJSON of the plan's area, for placing the plan's point on a map (scanning, with JavaScript).
            "location_map": location_map,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """Shows the plans the user may see, filtered by area, team and stage."""
    area_id = _int(request.GET.get("area"))
    team_id = _int(request.GET.get("team"))
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    plans = list(queries.list_plans(request.user, area_id=area_id, team_id=team_id, stage=stage or None)[:200])
    visible = queries.plans_in_scope(request.user)
    return render(
        request,
        "problems/list.html",
        {
            "plans": plans,
            "area_id": area_id,
            "team_id": team_id,
            "stage": stage,
            "stage_choices": Stage.choices,
            "area_choices": Area.objects.filter(pk__in=visible.values("area_id")).order_by("name"),
            "team_choices": Team.objects.filter(pk__in=visible.values("team_id")).order_by("name"),
            "can_create": can(request.user, policies.PLAN_CREATE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """Starts a new plan at scanning."""
    require(request.user, policies.PLAN_CREATE)
    form = PlanForm(request.POST or None, user=request.user, initial=_initial_from_source(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        source_area = data.pop("source_area", None)
        try:
            plan = services.create_plan(
                actor=request.user,
                **data,
                areas=[source_area] if source_area is not None and source_area != data["area"] else [],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Plan %(ref)s started") % {"ref": plan.reference})
            return HttpResponseRedirect(_plan_url(plan))
    return _render_form(
        request,
        title=_("Start a problem-solving plan"),
        form=form,
        back=reverse("problems:list"),
        submit=_("Start plan"),
        started_from=_started_from(form),
    )


def _initial_from_source(request: HttpRequest) -> dict[str, Any]:
    """Returns the new plan's fields from the page it was started from (see problems/links.py)."""
    if request.method != "GET" or not request.GET:
        return {}
    get = request.GET
    initial: dict[str, Any] = {
        "title": get.get("title", "")[:200],
        "description": get.get("description", "")[:2000],
        "evidence": get.get("evidence", "")[:300],
        "source_kind": get.get("source_kind", "") if get.get("source_kind", "") in DataSourceKind.values else "",
        "problem_type": get.get("problem_type", "") if get.get("problem_type", "") in ProblemType.values else "",
    }
    code = get.get("from_area", "")[:60]
    source_area = Area.objects.filter(code=code).first() if code else None
    if source_area is not None:
        initial["source_area"] = source_area.pk
        choosable = set(PlanForm(user=request.user).fields["area"].queryset.values_list("pk", flat=True))  # type: ignore[attr-defined]
        # A neighbourhood or hotspot is not a plan's area: the plan belongs to the ward (or authority) holding it.
        ancestor: Area | None = source_area
        while ancestor is not None and ancestor.pk not in choosable:
            ancestor = ancestor.parent
        if ancestor is not None:
            initial["area"] = ancestor.pk
    return {k: v for k, v in initial.items() if v not in ("", None)}


def _started_from(form: PlanForm) -> dict[str, str] | None:
    """Returns what the form was started from, to show above it, or None."""
    evidence, kind, area_id = (form[name].value() or "" for name in ("evidence", "source_kind", "source_area"))
    if not (evidence or area_id):
        return None
    area = Area.objects.filter(pk=area_id).first() if str(area_id).isdigit() else None
    return {
        "evidence": str(evidence),
        "kind": str(DataSourceKind(kind).label) if kind in DataSourceKind.values else "",
        "area": f"{area.name} ({area.code})" if area is not None else "",
    }


def _detail_context(request: HttpRequest, plan: ProblemPlan) -> dict[str, Any]:
    user = request.user
    owner_staff = policies.is_owner_staff(user, plan)
    score = rubric.score(rubric.facts_for(plan))
    actions = list(plan.actions.select_related("agency", "finding"))
    return {
        "plan": plan,
        "stages": [(s.value, s.label) for s in STAGE_ORDER],
        "stage_index": STAGE_ORDER.index(Stage(plan.stage)),
        "score": score,
        "change": queries.measured_change(plan),
        "sources": list(plan.data_sources.all()),
        "findings": list(plan.findings.all()),
        "evidence": list(plan.evidence.all()),
        "actions": actions,
        "changeable_actions": {a.pk for a in actions if policies.may_change_action(user, a)}
        if can(user, policies.ACTION_UPDATE)
        else set(),
        "partners": list(plan.partners.select_related("organisation")),
        "areas": list(plan.areas.all()),
        "surveys": list(plan.surveys.all()),
        "history": list(plan.events.select_related("organisation").order_by("-occurred_at", "-pk")),
        # Worked out from the records store (or police.uk) once the response has begun: shown at assessment.
        "automatic": queries.automatic_measure(user, plan)
        if plan.stage in (Stage.RESPONSE, Stage.ASSESSMENT, Stage.CLOSED)
        else None,
        "moves": gates.allowed_moves(plan) if owner_staff and can(user, policies.PLAN_MOVE) else [],
        "can_edit": owner_staff and can(user, policies.PLAN_UPDATE) and plan.is_open,
        "can_add_action": can(user, policies.ACTION_CREATE) and plan.is_open,
        "can_partner": owner_staff and can(user, policies.PLAN_PARTNER) and plan.is_open,
        "can_approve": owner_staff and can(user, policies.PLAN_APPROVE) and bool(plan.pending_stage),
        "can_override": owner_staff and can(user, policies.SCORE_OVERRIDE),
        "can_attach": can(user, policies.SURVEY_ATTACH) and plan.is_open,
        "today": timezone.localdate(),
        "gate_errors": [],
        "stage_titles": STAGE_TITLES,
    }


@login_required
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Shows a plan's four stages, its actions, partners, score with what would raise it, and its history."""
    plan = queries.get_plan(request.user, plan_id)
    return render(request, "problems/detail.html", _detail_context(request, plan))


@login_required
@require_http_methods(["GET", "POST"])
def stage_edit(request: HttpRequest, plan_id: int, stage: str) -> HttpResponse:
    """Changes one SARA stage's fields."""
    plan = queries.find_plan(request.user, plan_id, action=policies.PLAN_UPDATE)
    if not policies.is_owner_staff(request.user, plan) or stage not in STAGE_FORMS:
        raise PermissionDenied(request.user, policies.PLAN_UPDATE, plan)
    form_class = STAGE_FORMS[stage]
    initial = {name: getattr(plan, name) for name in form_class.base_fields if name != "areas"}
    kwargs: dict[str, Any] = {}
    if stage in ("scanning", "assessment"):
        kwargs["organisation"] = plan.organisation
    if stage == "scanning":
        initial["areas"] = list(plan.areas.values_list("pk", flat=True))
    form = form_class(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        areas = data.pop("areas", None)
        if "impact" in data or "decision" in data or "comparison_kind" in data:
            data = {k: (v or "") if k in ("impact", "decision", "comparison_kind") else v for k, v in data.items()}
        try:
            services.update_plan(actor=request.user, plan=plan, expected_version=_version(request), areas=areas, **data)
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            # Shown at the field it is about when that field is on this form, so the summary links to it.
            form.add_error(exc.code if exc.code in form.fields else None, exc)
        else:
            messages.success(request, _("%(stage)s saved") % {"stage": STAGE_TITLES[stage]})
            return HttpResponseRedirect(_plan_url(plan, stage))
    return _render_form(
        request,
        title=str(STAGE_TITLES[stage]),
        caption=f"{plan.reference}: {plan.title}",
        form=form,
        back=_plan_url(plan, stage),
        submit=_("Save"),
        plan=plan,
        version=plan.version,
        location_map=reverse("places:area-geojson", args=[plan.area.code]) if stage == "scanning" else "",
    )


def _add(
    request: HttpRequest, plan_id: int, form_class: type[forms.Form], *, title: str, save: Any, anchor: str
) -> HttpResponse:
    plan = queries.find_plan(request.user, plan_id)
    form = form_class(request.POST or None, **({"plan": plan} if form_class is ActionForm else {}))
    if request.method == "POST" and form.is_valid():
        try:
            save(plan, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Added"))
            return HttpResponseRedirect(_plan_url(plan, anchor))
    return _render_form(
        request,
        title=title,
        caption=f"{plan.reference}: {plan.title}",
        form=form,
        back=_plan_url(plan, anchor),
        submit=_("Add"),
        plan=plan,
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Adds a data source behind the plan."""

    def save(plan: ProblemPlan, data: dict[str, Any]) -> None:
        is_police = {"yes": True, "no": False}.get(data["is_police"])
        services.add_data_source(
            actor=request.user, plan=plan, kind=data["kind"], description=data["description"], is_police=is_police
        )

    return _add(request, plan_id, DataSourceForm, title=_("Add a data source"), save=save, anchor="scanning")


@login_required
@require_http_methods(["GET", "POST"])
def finding_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Adds an analysis finding."""

    def save(plan: ProblemPlan, data: dict[str, Any]) -> None:
        services.add_finding(actor=request.user, plan=plan, text=data["text"])

    return _add(request, plan_id, FindingForm, title=_("Add a finding"), save=save, anchor="analysis")


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Adds evidence consulted, with its EMMIE rating."""

    def save(plan: ProblemPlan, data: dict[str, Any]) -> None:
        services.add_evidence(actor=request.user, plan=plan, **data)

    return _add(request, plan_id, EvidenceForm, title=_("Add evidence consulted"), save=save, anchor="analysis")


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Adds a response action."""

    def save(plan: ProblemPlan, data: dict[str, Any]) -> None:
        action = services.add_action(
            actor=request.user,
            plan=plan,
            description=data["description"],
            technique=data["technique"],
            finding=data["finding"],
            agency=data["agency"],
            owner_name=data["owner_name"],
            due_date=data["due_date"],
        )
        if (data.get("status") and data["status"] != action.status) or data.get("note"):
            services.update_action(
                actor=request.user,
                action=action,
                expected_version=action.version,
                status=data["status"],
                note=data["note"],
            )

    return _add(request, plan_id, ActionForm, title=_("Add an action"), save=save, anchor="response")


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, plan_id: int, action_id: int) -> HttpResponse:
    """Updates one action; if a partner changed it first, says so and keeps what is stored."""
    plan = queries.find_plan(request.user, plan_id)
    action: Action = queries.find_action(request.user, plan, action_id)
    if not (can(request.user, policies.ACTION_UPDATE) and policies.may_change_action(request.user, action)):
        raise PermissionDenied(request.user, policies.ACTION_UPDATE, action)
    initial = {
        name: getattr(action, name)
        for name in ("description", "technique", "finding", "agency", "owner_name", "due_date", "status", "note")
    }
    form = ActionForm(request.POST or None, plan=plan, initial=initial)
    if not policies.is_owner_staff(request.user, plan):
        form.fields["agency"].disabled = True
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if form.fields["agency"].disabled:
            changes.pop("agency")
        try:
            services.update_action(actor=request.user, action=action, expected_version=_version(request), **changes)
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action saved"))
            return HttpResponseRedirect(_plan_url(plan, "response"))
    return _render_form(
        request,
        title=_("Change an action"),
        caption=f"{plan.reference}: {plan.title}",
        form=form,
        back=_plan_url(plan, "response"),
        submit=_("Save"),
        plan=plan,
        version=action.version,
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Joins a partner organisation to the plan, so its staff see it and update their own actions."""
    plan = queries.find_plan(request.user, plan_id, action=policies.PLAN_PARTNER)
    form = PartnerForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_partner(actor=request.user, plan=plan, organisation=form.cleaned_data["organisation"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s joined the plan") % {"name": form.cleaned_data["organisation"]})
            return HttpResponseRedirect(_plan_url(plan, "partners"))
    return _render_form(
        request,
        title=_("Add a partner organisation"),
        caption=f"{plan.reference}: {plan.title}",
        form=form,
        back=_plan_url(plan, "partners"),
        submit=_("Add partner"),
        plan=plan,
    )


@login_required
@require_POST
def move(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Moves a plan to another stage, or asks the supervisor to; refused with what is missing."""
    plan = queries.find_plan(request.user, plan_id, action=policies.PLAN_MOVE)
    to_stage = request.POST.get("to_stage", "")
    try:
        moved = services.request_move(
            actor=request.user,
            plan=plan,
            expected_version=_version(request),
            to_stage=to_stage,
            note=request.POST.get("note", ""),
        )
    except services.GateError as exc:
        context = _detail_context(request, plan)
        context["gate_errors"] = gate_links(plan, exc.missing)
        context["gate_stage"] = str(Stage(to_stage).label) if to_stage in Stage.values else ""
        return render(request, "problems/detail.html", context, status=400)
    except services.ConflictError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(_plan_url(plan))
    if moved.pending_stage:
        messages.success(
            request,
            _("Move to %(stage)s sent to the supervisor for approval") % {"stage": moved.get_pending_stage_display()},
        )
    else:
        messages.success(request, _("Plan moved to %(stage)s") % {"stage": moved.get_stage_display()})
    return HttpResponseRedirect(_plan_url(plan))


@login_required
@require_POST
def approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Approves or refuses the stage move waiting for the supervisor."""
    plan = queries.find_plan(request.user, plan_id, action=policies.PLAN_APPROVE)
    try:
        if request.POST.get("decision") == "refuse":
            services.refuse_move(
                actor=request.user, plan=plan, expected_version=_version(request), reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Move refused"))
        else:
            services.approve_move(actor=request.user, plan=plan, expected_version=_version(request))
            messages.success(request, _("Move approved"))
    except services.GateError as exc:
        context = _detail_context(request, plan)
        context["gate_errors"] = gate_links(plan, exc.missing)
        return render(request, "problems/detail.html", context, status=400)
    except (services.ConflictError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    return HttpResponseRedirect(_plan_url(plan))


@login_required
@require_http_methods(["GET", "POST"])
def score_override(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Records a supervisor's override of the quality score, with the reason."""
    plan = queries.find_plan(request.user, plan_id, action=policies.SCORE_OVERRIDE)
    form = OverrideForm(request.POST or None, initial={"score": plan.score_override})
    if request.method == "POST" and form.is_valid():
        try:
            services.override_score(
                actor=request.user, plan=plan, score=form.cleaned_data["score"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Score override recorded"))
            return HttpResponseRedirect(_plan_url(plan, "score"))
    return _render_form(
        request,
        title=_("Override the quality score"),
        caption=f"{plan.reference}: {plan.title}",
        form=form,
        back=_plan_url(plan, "score"),
        submit=_("Record override"),
        plan=plan,
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Attaches residents' survey results (a CSV) to the plan."""
    plan = queries.find_plan(request.user, plan_id, action=policies.SURVEY_ATTACH)
    form = SurveyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.attach_survey(
                actor=request.user,
                plan=plan,
                name=form.cleaned_data["name"] or upload.name,
                content=upload.read(services.SURVEY_MAX_BYTES + 1),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Survey attached"))
            return HttpResponseRedirect(_plan_url(plan, "surveys"))
    return _render_form(
        request,
        title=_("Attach residents' survey results"),
        caption=f"{plan.reference}: {plan.title}",
        form=form,
        back=_plan_url(plan, "surveys"),
        submit=_("Attach"),
        plan=plan,
        multipart=True,
    )


@login_required
@require_GET
def plan_measures(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Shows the plan's before and after measure worked out from the records store or police.uk."""
    plan = queries.find_plan(request.user, plan_id)
    automatic = queries.automatic_measure(request.user, plan)
    return render(
        request,
        "problems/measures.html",
        {
            "plan": plan,
            "automatic": automatic,
            "unavailable": automatic if isinstance(automatic, records_measures.Unavailable) else None,
            "can_use": policies.is_owner_staff(request.user, plan)
            and can(request.user, policies.PLAN_UPDATE, plan)
            and plan.is_open,
        },
    )


@login_required
@require_POST
def use_measures(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Copies the measured before and after (and comparison area) figures into the plan's assessment."""
    plan = queries.find_plan(request.user, plan_id, action=policies.PLAN_UPDATE)
    automatic = queries.automatic_measure(request.user, plan)
    if isinstance(automatic, records_measures.Unavailable):
        messages.error(request, automatic.reason)
        return HttpResponseRedirect(reverse("problems:measures", args=[plan.pk]))
    row = next((r for r in [*automatic.rows, automatic.total] if r.key == request.POST.get("measure")), automatic.total)
    changes: dict[str, Any] = {
        "baseline_measure": (
            _("%(kind)s: %(measure)s in the plan's areas, counted from %(source)s")
            % {
                "measure": _("all events") if row.key == "all" else row.label,
                "kind": plan.get_problem_type_display() if automatic.scoped else _("Every kind"),
                "source": _("the records store") if automatic.method == records_measures.RECORDS else "police.uk",
            }
        )[:300],
        "baseline_value": row.before,
        "baseline_start": automatic.before.start,
        "baseline_end": automatic.before.end,
        "after_value": row.after,
        "after_start": automatic.after.start,
        "after_end": automatic.after.end,
    }
    if automatic.comparison is not None and row.key == "all":
        changes.update(comparison_baseline=automatic.comparison[0], comparison_after=automatic.comparison[1])
    try:
        services.update_plan(actor=request.user, plan=plan, expected_version=_version(request), **changes)
    except services.ConflictError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The measured figures are now the plan's before and after"))
        return HttpResponseRedirect(_plan_url(plan, "assessment"))
    return HttpResponseRedirect(reverse("problems:measures", args=[plan.pk]))


@login_required
@require_GET
def plan_concentration(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Shows how the plan's events concentrate: repeat places, victims and offenders; hour, day and month."""
    plan = queries.find_plan(request.user, plan_id)
    found = queries.concentration(request.user, plan)
    return render(
        request,
        "problems/concentration.html",
        {
            "plan": plan,
            "found": None if isinstance(found, records_measures.Unavailable) else found,
            "unavailable": found if isinstance(found, records_measures.Unavailable) else None,
        },
    )


@login_required
@require_GET
def concentration_geojson(request: HttpRequest, plan_id: int) -> JsonResponse:
    """Returns the plan's areas with their event counts as GeoJSON, for the concentration page's map."""
    plan = queries.find_plan(request.user, plan_id)
    found = queries.concentration(request.user, plan)
    collection = (
        {"type": "FeatureCollection", "features": []}
        if isinstance(found, records_measures.Unavailable)
        else records_measures.concentration_geojson(plan, found)
    )
    response = JsonResponse(collection, content_type="application/geo+json")
    response["Cache-Control"] = "private, no-store"
    return response


def _board(request: HttpRequest) -> tuple[queries.Dashboard, int | None, int | None]:
    area_id = _int(request.GET.get("area"))
    team_id = _int(request.GET.get("team"))
    return queries.dashboard(request.user, area_id=area_id, team_id=team_id), area_id, team_id


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Shows plans by stage, area, team and age, overdue actions, quality scores and measured reductions."""
    board, area_id, team_id = _board(request)
    visible = queries.plans_in_scope(request.user)
    return render(
        request,
        "problems/dashboard.html",
        {
            "board": board,
            "area_id": area_id,
            "team_id": team_id,
            "query": request.GET.urlencode(),
            "area_choices": Area.objects.filter(pk__in=visible.values("area_id")).order_by("name"),
            "team_choices": Team.objects.filter(pk__in=visible.values("team_id")).order_by("name"),
            "map_table": queries.open_plans_table(request.user, area_id=area_id, team_id=team_id),
        },
    )


@login_required
@require_GET
def dashboard_geojson(request: HttpRequest) -> JsonResponse:
    """Returns the open plans the user may see, with the dashboard's filters, as GeoJSON points for the map."""
    collection = queries.open_plans_geojson(
        request.user, area_id=_int(request.GET.get("area")), team_id=_int(request.GET.get("team"))
    )
    for feature in collection["features"]:
        feature["properties"]["url"] = reverse("problems:detail", args=[feature["properties"]["id"]])
    response = JsonResponse(collection, content_type="application/geo+json")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """Downloads the dashboard's tables as one CSV (table, then its columns), audited as an export."""
    board, _area_id, _team_id = _board(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for table in board.tables:
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        writer.writerow([])
    queries.export_dashboard(request.user, board)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="problem-solving-dashboard.csv"'
    return response
