"""The gap analysis page and its CSV, for commissioners."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from upstream.core import audit
from upstream.core.policy import require
from upstream.directory.vocab import NEED_CATEGORIES
from upstream.gaps import charts, policies, queries


def _filters(request: HttpRequest) -> tuple[queries.Filters, list[dict[str, str]]]:
    errors = []
    dates: dict[str, dt.date | None] = {}
    for name, label in (("date_from", _("From")), ("date_to", _("To"))):
        raw = request.GET.get(name, "").strip()
        dates[name] = None
        if raw:
            try:
                dates[name] = dt.date.fromisoformat(raw)
            except ValueError:
                errors.append(
                    {"text": _("%(label)s must be a date like 2026-04-01") % {"label": label}, "href": f"#{name}"}
                )
    if dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
        errors.append({"text": _("The start date must be on or before the end date"), "href": "#date_from"})
        dates = {"date_from": None, "date_to": None}
    need = request.GET.get("need", "")
    return (
        queries.Filters(
            area_code=request.GET.get("area", "")[:60],
            need=need if need in NEED_CATEGORIES else "",
            date_from=dates["date_from"],
            date_to=dates["date_to"],
        ),
        errors,
    )


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Shows coverage of each need by area, group, hours and language against searches and declined referrals."""
    require(request.user, policies.GAPS_VIEW)
    filters, errors = _filters(request)
    report = queries.compute(request.user, filters)
    chart_services = charts.bar_chart(
        chart_id="chart-services",
        title=_("Services for each need"),
        bars=[charts.Bar(r.label, r.total) for r in report.by_area],
    )
    chart_zero = charts.bar_chart(
        chart_id="chart-zero",
        title=_("Searches that found nothing, by need"),
        bars=[charts.Bar(r.label, r.found_nothing) for r in report.demand],
        colour="orange",
    )
    chart_declines = charts.bar_chart(
        chart_id="chart-declines",
        title=_("Referrals declined for capacity, by need"),
        bars=[charts.Bar(r.label, r.declined_capacity, r.declined_capacity_shown) for r in report.demand],
        colour="red",
    )
    params = {
        "area": report.filters.area_code,
        "need": report.filters.need,
        "date_from": report.filters.date_from.isoformat() if report.filters.date_from else "",
        "date_to": report.filters.date_to.isoformat() if report.filters.date_to else "",
    }
    return render(
        request,
        "gaps/index.html",
        {
            "report": report,
            "errors": errors,
            "needs": NEED_CATEGORIES,
            "area_choices": list(queries.area_choices(report)),
            "chart_services": chart_services,
            "chart_zero": chart_zero,
            "chart_declines": chart_declines,
            "csv_query": urlencode({k: v for k, v in params.items() if v}),
        },
        status=400 if errors else 200,
    )


def _safe(value: object) -> str:
    text = str(value)
    # A cell that starts like a formula is run by spreadsheets: a leading apostrophe keeps it text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def to_csv(report: queries.Report) -> str:
    """Returns the whole analysis as one long CSV: section, need, breakdown, category, measure, value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "need", "breakdown", "category", "measure", "value"])
    sections = (
        ("coverage", "area", [(a.code, a.name) for a in report.area_columns], report.by_area),
        ("coverage", "client_group", report.group_columns, report.by_group),
        ("coverage", "hours", report.hours_columns, report.by_hours),
        ("coverage", "language", report.language_columns, report.by_language),
    )
    for section, breakdown, columns, rows in sections:
        for row in rows:
            if breakdown == "area":
                writer.writerow([section, row.need, "all", "all", "services", row.total])
                writer.writerow([section, row.need, "all", "anywhere", "services", row.anywhere])
            for (code, _label), value in zip(columns, row.cells, strict=True):
                writer.writerow([section, row.need, breakdown, _safe(code), "services", value])
    for d in report.demand:
        writer.writerow(["demand", d.need, "all", "all", "searches", d.searches])
        writer.writerow(["demand", d.need, "all", "all", "searches_found_nothing", d.found_nothing])
        if report.referrals_visible:
            writer.writerow(["demand", d.need, "all", "all", "declined_no_capacity", d.declined_capacity_shown])
            writer.writerow(["demand", d.need, "all", "all", "declined_not_eligible", d.declined_eligibility_shown])
    for area, searches, zero in report.demand_by_area:
        writer.writerow(["demand", "all", "area", _safe(area.code), "searches", searches])
        writer.writerow(["demand", "all", "area", _safe(area.code), "searches_found_nothing", zero])
    if report.referrals_visible:
        for area, capacity, eligibility in report.declines_by_area:
            writer.writerow(["demand", "all", "area", _safe(area.code), "declined_no_capacity", capacity])
            writer.writerow(["demand", "all", "area", _safe(area.code), "declined_not_eligible", eligibility])
    return buffer.getvalue()


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """Returns the gap analysis as CSV (declined-referral counts under five hidden), and audits the export."""
    require(request.user, policies.GAPS_EXPORT)
    filters, _errors = _filters(request)
    report = queries.compute(request.user, filters)
    text = to_csv(report)
    with transaction.atomic():
        audit.record(
            actor=request.user,
            tag=audit.AuditTag.GAPS_ANALYSIS_EXPORT,
            object_type="gaps.analysis",
            purpose=_("gap analysis export"),
            detail={
                "area": report.filters.area_code,
                "need": report.filters.need,
                "date_from": report.filters.date_from.isoformat() if report.filters.date_from else None,
                "date_to": report.filters.date_to.isoformat() if report.filters.date_to else None,
            },
        )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gap-analysis.csv"'
    return response
