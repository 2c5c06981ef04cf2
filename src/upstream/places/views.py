"""Area pages for staff: force areas, one area with its children and map, and the point lookup."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from upstream.core import links
from upstream.core.policy import can, require
from upstream.places import queries
from upstream.places.forms import PointForm
from upstream.places.lookup import area_path, find_neighbourhood
from upstream.places.models import Area

ONS_CODE = re.compile(r"^[EWSN]\d{8}$")


def _errors(form: PointForm) -> dict[str, str]:
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
        {"forces": queries.force_areas(actor=request.user), "form": PointForm(), "errors": {}},
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
    return render(
        request,
        "places/area_detail.html",
        {
            "area": area,
            "path": area_path(area),
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
