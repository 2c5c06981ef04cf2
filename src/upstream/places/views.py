"""Area pages for staff: force areas, one area with its children and map, and the point lookup."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from markupsafe import Markup

from upstream.core import links
from upstream.core.policy import can, require
from upstream.places import charts, policies, queries, results, services
from upstream.places.forms import CRIME_TYPES, AllocationForm, AnalysisForm, PointForm, PriorityForm, harm_field_name
from upstream.places.lookup import area_path, find_neighbourhood
from upstream.places.models import AnalysisRun, Area, AreaLevel, RunStatus
from upstream.places.tasks import stale_seconds
from upstream_analytics.places.allocation import allocate

ONS_CODE = re.compile(r"^[EWSN]\d{8}$")
LORENZ_POINTS = 101  # the pipeline writes the curve at every 1% of areas


def _errors(form: Any) -> dict[str, str]:
    # One message per field, the first, as GOV.UK error messages show.
    return {name: str(errors[0]) for name, errors in form.errors.items()}


@login_required
@require_GET
def area_list(request: HttpRequest) -> HttpResponse:
    """Shows the force areas, and the form to find the neighbourhood for a point."""
    require(request.user, queries.VIEW)
    return render(
        request,
        "places/area_list.html",
        {
            "forces": queries.force_areas(actor=request.user),
            "form": PointForm(),
            "errors": {},
            "can_analyse": can(request.user, policies.ANALYSIS_VIEW),
        },
    )


@login_required
@require_GET
def find(request: HttpRequest) -> HttpResponse:
    """Shows the neighbourhood that holds a point, or says that none in Upstream does."""
    require(request.user, queries.VIEW)
    asked = "latitude" in request.GET or "longitude" in request.GET
    form = PointForm(request.GET if asked else None)
    context: dict[str, object] = {"form": form, "errors": {}, "asked": asked, "neighbourhood": None, "path": []}
    status = 200
    if asked and form.is_valid():
        neighbourhood = find_neighbourhood(form.cleaned_data["latitude"], form.cleaned_data["longitude"])
        context.update(neighbourhood=neighbourhood, path=area_path(neighbourhood) if neighbourhood else [])
    elif asked:
        context["errors"] = _errors(form)
        status = 400
    return render(request, "places/find.html", context, status=status)


@login_required
@require_GET
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Shows an area: where it sits, the areas under it (a table, and a map when JavaScript runs)."""
    area = queries.area_by_code(actor=request.user, code=code)
    children = list(queries.children_of(actor=request.user, area=area))
    teams = list(area.teams.order_by("name")) if can(request.user, "accounts:team:view") else []
    path = area_path(area)
    force_runs = (
        list(queries.analysis_runs(actor=request.user, force=area).filter(status=RunStatus.SUCCEEDED)[:10])
        if area.level == AreaLevel.FORCE and can(request.user, policies.ANALYSIS_VIEW)
        else []
    )
    return render(
        request,
        "places/area_detail.html",
        {
            **_area_analysis(request, area, path),
            "force_runs": force_runs,
            "area": area,
            "path": path,
            "children": children,
            "teams": teams,
            "has_boundaries": bool(area.boundary_hash) or any(c.boundary_hash for c in children),
            "ons_boundaries": bool(ONS_CODE.match(area.code)) or any(ONS_CODE.match(c.code) for c in children),
            # What other capabilities offer on an area ("start a problem-solving plan from this").
            "actions": links.for_record("places:area", request.user, area),
        },
    )


@login_required
@require_GET
def area_geojson(request: HttpRequest, code: str) -> JsonResponse:
    """Returns the area and its children as GeoJSON, each feature linking to its page."""
    area: Area = queries.area_by_code(actor=request.user, code=code)
    collection = queries.area_geojson(actor=request.user, area=area)
    for feature in collection["features"]:
        feature["properties"]["url"] = reverse("places:area-detail", args=[feature["properties"]["code"]])
    response = JsonResponse(collection, content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=300"
    return response


# Analyses: runs, the force map, concentration, allocation, priority areas -------------------------------------


def _run_context(request: HttpRequest, run: AnalysisRun) -> dict[str, Any]:
    waited = (timezone.now() - run.created_at).total_seconds() if run.created_at else 0.0
    return {
        "run": run,
        # No worker has taken the run up for a while: the worker is probably not running at all.
        "waiting_too_long": run.status == RunStatus.QUEUED and waited > stale_seconds(),
        "stale_minutes": round(stale_seconds() / 60),
        "can_run": can(request.user, policies.ANALYSIS_RUN),
        "can_prioritise": can(request.user, policies.PRIORITY_CREATE),
        "exports": [name for name in results.FILES if results.output_path(run, name)],
    }


@login_required
@require_GET
def analysis_list(request: HttpRequest) -> HttpResponse:
    """Shows the analysis runs, newest first, and the saved sets of priority areas."""
    require(request.user, policies.ANALYSIS_VIEW)
    services.fail_stale_runs()  # a run left "running" by a dead worker shows as failed, never spinning
    return render(
        request,
        "places/analysis_list.html",
        {
            "runs": list(queries.analysis_runs(actor=request.user)[:50]),
            "priority_sets": list(queries.priority_sets(actor=request.user)[:50]),
            "can_run": can(request.user, policies.ANALYSIS_RUN),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def analysis_new(request: HttpRequest) -> HttpResponse:
    """Shows the form to start an analysis, and starts it in the background."""
    require(request.user, policies.ANALYSIS_RUN)
    forces = list(queries.force_areas(actor=request.user))
    choices = [(f.code, f.name) for f in forces]
    form = AnalysisForm(request.POST or None, forces=choices)
    if request.method == "POST" and form.is_valid():
        force = next(f for f in forces if f.code == form.cleaned_data["force"])
        try:
            run = services.start_analysis(
                actor=request.user,
                force=force,
                level=form.cleaned_data["level"],
                first_month=form.cleaned_data["first_month"],
                last_month=form.cleaned_data["last_month"],
                harm_weights=form.harm_weights(),
                need_weights=form.need_weights(),
                officers=form.cleaned_data["officers"],
                floor=form.cleaned_data["floor"],
                h3_resolution=form.h3_resolution(),
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("places:analysis-detail", run.pk)
    if request.method == "GET" and len(choices) == 1:
        form.initial["force"] = choices[0][0]
    if request.method == "GET" and request.GET.get("from", "").isdigit():
        # "Change the choices and run again": the form starts from an earlier run's inputs.
        form.initial.update(_initial_from(queries.analysis_run(actor=request.user, run_id=int(request.GET["from"]))))
    errors = _errors(form)
    return render(
        request,
        "places/analysis_new.html",
        {
            "form": form,
            "errors": errors,
            "harm_fields": [form[harm_field_name(t)] for t in CRIME_TYPES],
            "no_forces": not choices,
        },
        status=400 if errors else 200,
    )


def _initial_from(run: AnalysisRun) -> dict[str, Any]:
    """Returns the start form's values for an earlier run's inputs."""
    initial: dict[str, Any] = {
        "force": run.force.code,
        "first_month": run.first_month,
        "last_month": run.last_month,
        "level": run.level,
        "officers": run.officers,
        "floor": run.floor,
        "point_hotspots": str(run.h3_resolution or ""),
        **{f"weight_{key}": value for key, value in run.need_weights.items()},
    }
    initial.update({harm_field_name(t): days for t, days in run.harm_weights.items() if t in CRIME_TYPES})
    return initial


@login_required
@require_GET
def analysis_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """Shows one run: its inputs, its progress while it runs, and its results when done."""
    run = queries.analysis_run(actor=request.user, run_id=run_id)
    if run.status == RunStatus.RUNNING and services.fail_stale_runs():
        run = queries.analysis_run(actor=request.user, run_id=run_id)
    context = _run_context(request, run)
    if request.headers.get("HX-Request") == "true" and request.GET.get("part") == "progress":
        return render(request, "places/_run_progress.html", context)
    if run.status == RunStatus.SUCCEEDED:
        context["explanation"] = results.read_json(run, "typology_explanation")
        context["hot_cells"] = results.hot_cells(run)
        emerging = results.emerging(run)
        names = dict(
            queries.areas_of_run(actor=request.user, run=run, codes=[e["code"] for e in emerging]).values_list(
                "code", "name"
            )
        )
        context["emerging"] = [{**e, "name": names.get(e["code"], e["code"])} for e in emerging]
    return render(request, "places/analysis_detail.html", context)


@login_required
@require_POST
def analysis_again(request: HttpRequest, run_id: int) -> HttpResponse:
    """Starts a new run with the same inputs as a finished or failed one (a run left by a dead worker, say)."""
    require(request.user, policies.ANALYSIS_RUN)
    run = queries.analysis_run(actor=request.user, run_id=run_id)
    try:
        again = services.run_again(actor=request.user, run=run)
    except ValueError:
        messages.error(request, _("This analysis has not finished yet: wait for it, or reload its page."))
        return redirect("places:analysis-detail", run.pk)
    started = _("Analysis run %(id)s started with the same choices as run %(old)s.") % {"id": again.pk, "old": run.pk}
    messages.success(request, started)
    return redirect("places:analysis-detail", again.pk)


def _succeeded(request: HttpRequest, run_id: int) -> AnalysisRun:
    run = queries.analysis_run(actor=request.user, run_id=run_id)
    if run.status != RunStatus.SUCCEEDED:
        raise Http404("This analysis has no results yet")
    return run


def _names(run: AnalysisRun, rows: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {code: row.get("area_name") or code for code, row in rows.items()}


@login_required
@require_GET
def analysis_map(request: HttpRequest, run_id: int) -> HttpResponse:
    """Shows the force map with one layer chosen, and the table of every area beside it."""
    run = _succeeded(request, run_id)
    layer = results.LAYERS.get(request.GET.get("layer", "counts"), results.LAYERS["counts"])
    rows = results.by_area(run)
    shown = results.layer_values(layer, rows)
    table = [
        {"code": code, "name": rows[code].get("area_name") or code, **shown["values"][code]}
        for code in sorted(rows, key=lambda c: rows[c].get("area_name") or c)
    ]
    if layer.numeric:
        table.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["name"]))
    return render(
        request,
        "places/analysis_map.html",
        {**_run_context(request, run), "layer": layer, "layers": results.LAYERS.values(), "table": table, **shown},
    )


@login_required
@require_GET
def analysis_geojson(request: HttpRequest, run_id: int) -> HttpResponse:
    """Returns the run's areas as GeoJSON with every layer's value, class and colour (an export too)."""
    run = _succeeded(request, run_id)
    rows = results.by_area(run)
    layers = {key: results.layer_values(layer, rows)["values"] for key, layer in results.LAYERS.items()}
    areas = (
        queries.areas_of_run(actor=request.user, run=run, codes=list(rows))
        .filter(boundary__isnull=False)
        .only("code", "name", "boundary")
    )
    features = []
    for area in areas.order_by("code"):
        row = rows[area.code]
        properties: dict[str, Any] = {
            "code": area.code,
            "name": area.name,
            "url": reverse("places:area-detail", args=[area.code]),
            "crimes": results.number(row.get("crimes")),
            "crimes_rate": results.number(row.get("crimes_rate")),
            "harm": results.number(row.get("harm")),
            "asb": results.number(row.get("asb")),
            "hotspot_class": row.get("class") or None,
            "gi_z": results.number(row.get("gi_z")),
            "type_of_need": row.get("cluster_name") or None,
            "vli": results.number(row.get("vli")),
            "change_status": row.get("status") or None,
        }
        for key, values in layers.items():
            properties[f"{key}_colour"] = values[area.code]["colour"]
            properties[f"{key}_label"] = str(values[area.code]["label"])
        features.append({"type": "Feature", "id": area.code, "properties": properties, "geometry": area.boundary})
    response = JsonResponse({"type": "FeatureCollection", "features": features}, content_type="application/geo+json")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="places-run-{run.pk}-areas.geojson"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def analysis_hexagons(request: HttpRequest, run_id: int) -> HttpResponse:
    """Returns the run's hotspots on points as GeoJSON H3 hexagons (count, Gi*, class, colour), to download."""
    run = _succeeded(request, run_id)
    features = results.hexagon_features(run)
    if not features:
        raise Http404("This analysis did not find hotspots on points")
    response = JsonResponse({"type": "FeatureCollection", "features": features}, content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="places-run-{run.pk}-hexagons.geojson"'
    return response


@login_required
@require_GET
def analysis_export(request: HttpRequest, run_id: int, name: str) -> HttpResponse:
    """Returns one of the run's result files as CSV."""
    run = _succeeded(request, run_id)
    path = results.output_path(run, name) if name in results.FILES else None
    if path is None:
        raise Http404("This analysis has no such file")
    response = FileResponse(path.open("rb"), content_type="text/csv; charset=utf-8", as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="places-run-{run.pk}-{path.name}"'
    return response


def _concentration_svg(run: AnalysisRun) -> str:
    summary = run.summary or {}
    unit = _("wards") if run.level == "ward" else _("neighbourhoods")
    return charts.lorenz_svg(
        results.lorenz_points(run),
        gini=float(summary.get("gini") or 0.0),
        title=_("Lorenz curve of crime across %(units)s, %(force)s, %(first)s to %(last)s")
        % {"units": unit, "force": run.force.name, "first": run.first_month, "last": run.last_month},
        x_label=_("Share of %(units)s, least crime first") % {"units": unit},
        y_label=_("Share of crime"),
    )


def _concentration_spec(run: AnalysisRun) -> dict[str, Any]:
    unit = _("wards") if run.level == "ward" else _("neighbourhoods")
    return charts.lorenz_spec(
        results.lorenz_points(run),
        title=_("Lorenz curve of crime across %(units)s") % {"units": unit},
        x_label=_("Share of %(units)s, least crime first") % {"units": unit},
        y_label=_("Share of crime"),
    )


@login_required
@require_GET
def analysis_concentration(request: HttpRequest, run_id: int) -> HttpResponse:
    """Shows how concentrated crime is: the Lorenz curve, the Gini, the top shares and the plain statement."""
    run = _succeeded(request, run_id)
    summary = run.summary or {}
    points = results.lorenz_points(run)
    # Every tenth point of the curve (0%, 10% … 100% of areas) in the table: the same curve, readable.
    table = [p for i, p in enumerate(points) if i % 10 == 0] if len(points) == LORENZ_POINTS else points
    rows = results.by_area(run)
    top = [
        {**item, "name": rows.get(item.get("area_code", ""), {}).get("area_name", item.get("area_code"))}
        for item in (summary.get("top_areas") or [])[:10]
    ]
    return render(
        request,
        "places/analysis_concentration.html",
        {
            **_run_context(request, run),
            "summary": summary,
            "svg": Markup(_concentration_svg(run)),  # noqa: S704 - built by charts.py, every text escaped there
            "spec": json.dumps(_concentration_spec(run)),
            "lorenz_table": table,
            "top_areas": top,
        },
    )


@login_required
@require_GET
def analysis_concentration_svg(request: HttpRequest, run_id: int) -> HttpResponse:
    """Returns the Lorenz curve as an SVG file for reports."""
    run = _succeeded(request, run_id)
    response = HttpResponse(_concentration_svg(run), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="places-run-{run.pk}-lorenz.svg"'
    return response


def _allocation(run: AnalysisRun, form: AllocationForm, current: dict[str, int]) -> list[dict[str, Any]]:
    units = results.allocation_units(run)
    frame = pd.DataFrame(units).set_index("unit_code")
    allocated = allocate(
        frame[["harm", "demand", "vulnerability"]],
        officers=form.cleaned_data["officers"],
        floor=form.cleaned_data["floor"],
        weights=form.need_weights(),
    )
    table = []
    for unit in units:
        row = allocated.loc[unit["unit_code"]]
        now = current.get(unit["unit_code"])
        table.append(
            {
                **unit,
                "need_index": float(row["need_index"]),
                "need_share": float(row["need_share"]),
                "quota": float(row["quota"]),
                "allocated": int(row["officers"]),
                "current": now,
                "change": None if now is None else int(row["officers"]) - now,
            }
        )
    return sorted(table, key=lambda r: (-r["need_index"], r["unit_code"]))


@login_required
@require_GET
def analysis_allocation(request: HttpRequest, run_id: int) -> HttpResponse:
    """Allocates N officers to need (floor per team, editable weights), with the change from today; CSV too."""
    run = _succeeded(request, run_id)
    units = results.allocation_units(run)
    asked = "officers" in request.GET
    defaults = {
        "officers": run.officers or 0,
        "floor": run.floor,
        "weight_harm": run.need_weights.get("harm", 0.5),
        "weight_demand": run.need_weights.get("demand", 0.3),
        "weight_vulnerability": run.need_weights.get("vulnerability", 0.2),
    }
    form = AllocationForm(request.GET if asked else defaults)
    current: dict[str, int] = {}
    current_errors: dict[str, str] = {}
    for unit in units:
        raw = request.GET.get(f"current-{unit['unit_code']}", "").strip() if asked else str(unit["officers"])
        if raw == "":
            continue
        if raw.isdigit():
            current[unit["unit_code"]] = int(raw)
        else:
            current_errors[f"current-{unit['unit_code']}"] = _(
                "Enter today's officers for %(unit)s as a whole number"
            ) % {"unit": unit["unit_name"]}
    table: list[dict[str, Any]] = []
    errors = _errors(form) if form.is_bound else {}
    errors.update(current_errors)
    if units and not errors:
        try:
            table = _allocation(run, form, current)
        except ValueError as exc:
            errors["floor"] = str(exc)
    if request.GET.get("format") == "csv" and table:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["unit_code", "unit_name", "areas", "need_index", "need_share", "quota", "officers", "current", "change"]
        )
        for row in table:
            writer.writerow(
                [
                    row["unit_code"], row["unit_name"], row["areas"], f"{row['need_index']:.6f}",
                    f"{row['need_share']:.6f}", f"{row['quota']:.3f}", row["allocated"],
                    "" if row["current"] is None else row["current"], "" if row["change"] is None else row["change"],
                ]
            )  # fmt: skip
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="places-run-{run.pk}-allocation.csv"'
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "places/analysis_allocation.html",
        {
            **_run_context(request, run),
            "form": form,
            "errors": errors,
            "units": units,
            "current": current,
            "table": table,
            "totals": {
                "allocated": sum(r["allocated"] for r in table),
                "current": sum(r["current"] or 0 for r in table),
            },
            "csv_query": query.urlencode() if asked else "",
        },
        status=400 if errors else 200,
    )


def _candidate_areas(run: AnalysisRun) -> list[dict[str, Any]]:
    rows = results.by_area(run)
    found = [
        {
            "code": code,
            "name": row.get("area_name") or code,
            "crimes": int(results.number(row.get("crimes")) or 0),
            "harm": results.number(row.get("harm")),
            "hotspot": row.get("class") or "",
            "type": row.get("cluster_name") or "",
        }
        for code, row in rows.items()
    ]
    return sorted(found, key=lambda r: (-(r["harm"] or 0), -r["crimes"], r["code"]))


@login_required
@require_http_methods(["GET", "POST"])
def priority_new(request: HttpRequest, run_id: int) -> HttpResponse:
    """Shows the areas of a run, most harm first, to pick priority areas with a reason, and saves the set."""
    require(request.user, policies.PRIORITY_CREATE)
    run = _succeeded(request, run_id)
    candidates = _candidate_areas(run)
    form = PriorityForm(request.POST or None, codes=[(c["code"], c["name"]) for c in candidates])
    if request.method == "POST" and form.is_valid():
        codes = form.cleaned_data["areas"]
        areas = list(queries.areas_of_run(actor=request.user, run=run, codes=codes))
        chosen = services.save_priority_set(
            actor=request.user,
            force=run.force,
            name=form.cleaned_data["name"],
            reason=form.cleaned_data["reason"],
            areas=areas,
            run=run,
        )
        messages.success(request, _("Priority areas saved."))
        return redirect("places:priority-detail", chosen.pk)
    errors = _errors(form)
    selected = set(form["areas"].value() or [])
    return render(
        request,
        "places/priority_new.html",
        {**_run_context(request, run), "form": form, "errors": errors, "candidates": candidates, "selected": selected},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def priority_detail(request: HttpRequest, set_id: int) -> HttpResponse:
    """Shows a saved set of priority areas: why, who chose them, when, and the baseline period."""
    chosen = queries.priority_set(actor=request.user, set_id=set_id)
    areas = list(chosen.areas.defer("boundary").order_by("name"))
    baseline = results.by_area(chosen.run) if chosen.run and chosen.run.status == RunStatus.SUCCEEDED else {}
    # After: the newest finished run of the same force and level over a period that starts after the baseline.
    after = (
        queries.finished_runs_for(actor=request.user, force=chosen.force, level=chosen.run.level)
        .filter(first_month__gt=chosen.baseline_last_month)
        .first()
        if baseline
        else None
    )
    later = results.by_area(after) if after else {}
    before_months = _months(chosen.baseline_first_month, chosen.baseline_last_month) if baseline else 0
    after_months = _months(after.first_month, after.last_month) if after else 0
    rows = []
    for area in areas:
        crimes = results.number(baseline.get(area.code, {}).get("crimes")) if baseline else None
        after_crimes = results.number(later.get(area.code, {}).get("crimes")) if later else None
        rows.append(
            {
                "area": area,
                "crimes": crimes,
                "after": after_crimes,
                "before_monthly": crimes / before_months if crimes is not None and before_months else None,
                "after_monthly": after_crimes / after_months if after_crimes is not None and after_months else None,
            }
        )
    totals = {}
    if after and all(r["crimes"] is not None and r["after"] is not None for r in rows):
        before_total = sum(r["crimes"] for r in rows) / before_months
        after_total = sum(r["after"] for r in rows) / after_months
        totals = {
            "before": before_total,
            "after": after_total,
            "change": (after_total - before_total) / before_total if before_total else None,
        }
    return render(
        request,
        "places/priority_detail.html",
        {"chosen": chosen, "rows": rows, "after_run": after, "totals": totals},
    )


def _months(first: str, last: str) -> int:
    """Returns how many months a period YYYY-MM..YYYY-MM holds, both ends included."""
    (y1, m1), (y2, m2) = (map(int, first.split("-")), map(int, last.split("-")))
    return (y2 * 12 + m2) - (y1 * 12 + m1) + 1


HISTORY = 20  # the newest runs listed on an area's page; an older one still opens with ?run=ID


def _chosen_run(request: HttpRequest, runs: Any) -> AnalysisRun | None:
    """Returns the run asked for with ?run=ID among an area's runs, the newest without it; 404 for another."""
    asked = request.GET.get("run", "")
    if not asked:
        return runs.first()
    found = runs.filter(pk=int(asked)).first() if asked.isdigit() else None
    if found is None:
        raise Http404("That analysis does not cover this area")
    return found


def _area_analysis(request: HttpRequest, area: Area, path: list[Area]) -> dict[str, Any]:
    """Returns what a finished run (the newest, or the one chosen with ?run=ID) says about an area."""
    level = {AreaLevel.NEIGHBOURHOOD: "lsoa", AreaLevel.WARD: "ward"}.get(area.level)  # type: ignore[call-overload]
    if level is None or not path or not can(request.user, policies.ANALYSIS_VIEW):
        return {}
    # Every finished run of the force at this level, newest first: the area's run history.
    runs = queries.finished_runs_for(actor=request.user, force=path[0], level=level)
    run = _chosen_run(request, runs)
    if run is None:
        return {"analysis_level": level}
    listed = list(runs[:HISTORY])
    history = {"area_runs": listed, "newest_run": listed[0], "is_newest": run.pk == listed[0].pk}
    row = results.area_result(run, area.code)
    if row is None:
        return {"analysis_level": level, "analysis_run": run, **history}
    months = results.monthly(run, area.code)
    explanation = results.read_json(run, "typology_explanation") or {}
    return {
        **history,
        "analysis_level": level,
        "analysis_run": run,
        "profile": row,
        "n": results.number,
        "crime_types": results.crime_types(row),
        "months": months,
        "trend_svg": Markup(_trend_svg(area, run, months)),  # noqa: S704 - built by charts.py, text escaped there
        "trend_spec": json.dumps(
            charts.trend_spec(months, title=_("Crimes by month in %(name)s") % {"name": area.name}, y_label=_("Crimes"))
        ),
        "clusters": explanation.get("clusters") or [],
        "typology_parts": explanation.get("parts") or {},
        "event_categories": results.event_categories(run, area.code),
        "priority_sets": list(queries.priority_sets_with(actor=request.user, area=area)),
        "hotspot_actions": _hotspot_actions(request, area, run, row),
    }


def _hotspot_actions(request: HttpRequest, area: Area, run: AnalysisRun, row: dict[str, Any]) -> list[dict[str, str]]:
    """Returns what other capabilities offer on a hot spot ("start a plan from this"), for hot spots only."""
    if row.get("class") != "hot spot":
        return []
    z = results.number(row.get("gi_z"))
    evidence = _("Hot spot (Gi* z %(z).1f) in %(name)s, %(first)s to %(last)s, analysis run %(run)s") % {
        "z": z or 0.0,
        "name": area.name,
        "first": run.first_month,
        "last": run.last_month,
        "run": run.pk,
    }
    record = {"area_code": area.code, "title": _("Hot spot: %(name)s") % {"name": area.name}, "evidence": evidence}
    return links.for_record("places:hotspot", request.user, record)


def _trend_svg(area: Area, run: AnalysisRun, months: list[dict[str, Any]]) -> str:
    return charts.trend_svg(
        months,
        title=_("Crimes by month in %(name)s") % {"name": area.name},
        y_label=_("Crimes"),
    )


@login_required
@require_GET
def area_trend_svg(request: HttpRequest, code: str) -> HttpResponse:
    """Returns an area's crimes by month (from the newest finished run, or ?run=ID) as an SVG file for reports."""
    area = queries.area_by_code(actor=request.user, code=code)
    context = _area_analysis(request, area, area_path(area))
    if not context.get("profile"):
        raise Http404("No analysis covers this area yet")
    response = HttpResponse(str(context["trend_svg"]), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{area.code}-crimes-by-month.svg"'
    return response
