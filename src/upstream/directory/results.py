"""A page of search results beyond the list: its map (GeoJSON), its printable version, and sending it by email.

The search page, the print page and the email all read the same query string, so "print or send this list"
gives exactly the list the person was looking at. Printing and sending are not new searches: they are not
written to the search log, and the email address is used once, to send, and never stored or logged.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from upstream.accounts.middleware import public_page
from upstream.core import ratelimit
from upstream.directory import queries
from upstream.directory.forms import SearchForm, SendListForm
from upstream.directory.hours import weekly_hours
from upstream.directory.models import ServiceAtLocation
from upstream.directory.search import SearchPage, SearchQuery
from upstream.directory.search import search as run_search
from upstream.directory.search.base import haversine_km

SENDS_PER_HOUR = 5


@dataclass
class Asked:
    """A search read from a query string: the query, or the errors that stopped it (with the HTTP status)."""

    query: SearchQuery | None
    errors: list[dict[str, str]]
    status: int
    outward: str = ""


def read_query(form: SearchForm) -> Asked:
    """Returns the search a bound form asks for, or the errors to show (a bad field, an unknown postcode)."""
    if not form.is_valid():
        errors = [
            {"text": f"{form.fields[name].label or name}: {' '.join(messages)}", "href": f"#{name}"}
            for name, messages in form.errors.items()
        ]
        return Asked(None, errors, 400)
    data = form.cleaned_data
    near = None
    if data["postcode"]:
        near = queries.postcode_point(data["postcode"])
        if near is None:
            message = _("We do not know that postcode. Check it, or search without it.")
            return Asked(None, [{"text": message, "href": "#postcode"}], 400)
    query = SearchQuery(
        text=data["q"],
        needs=tuple(data["need"]),
        near=near,
        radius_km=float(data["radius"] or 10) if near else None,
        age=data["age"],
        sex=data["sex"],
        client_group=data["group"],
        free_only=data["free"],
        language=data["language"],
        open_at=timezone.localtime() if data["open_now"] else None,
        attendance=data["attendance"],
        page=data["page"] or 1,
    )
    # The outward code only ("CF10"): enough to see where demand is, too little to find a home.
    outward = queries.normalise_postcode(data["postcode"]).split(" ")[0] if data["postcode"] else ""
    return Asked(query, [], 200, outward)


_ANY_ID = uuid.UUID(int=0)


def service_paths(ids: list[uuid.UUID]) -> list[str]:
    """Returns each service's page path, with one reverse() for the lot (a page lists 20, and its map 20 more)."""
    pattern = reverse("directory:service", args=[_ANY_ID])
    return [pattern.replace(str(_ANY_ID), str(i)) for i in ids]


def places_of(results: SearchPage) -> dict[uuid.UUID, list[tuple[float, float, str]]]:
    """Returns each listed service's located places (latitude, longitude, name), in one query."""
    ids = [hit.service.pk for hit in results.hits]
    found: dict[uuid.UUID, list[tuple[float, float, str]]] = {i: [] for i in ids}
    rows = ServiceAtLocation.objects.filter(
        service_id__in=ids, location__latitude__isnull=False, location__longitude__isnull=False
    ).values_list("service_id", "location__latitude", "location__longitude", "location__name")
    for owner, lat, lon, name in rows.order_by("pk"):
        found[owner].append((lat, lon, name or ""))
    return found


def results_geojson(
    results: SearchPage,
    near: tuple[float, float] | None,
    texts: list[dict[str, Any]] | None = None,
    paths: list[str] | None = None,
) -> str:
    """Returns the page's services as a GeoJSON FeatureCollection, numbered as the list is, for the map.

    Near a point, each service is shown at its nearest place and the point itself is a feature too.
    `paths` are the services' page paths in list order (service_paths), if the caller has them already.
    """
    features: list[dict[str, Any]] = []
    places = places_of(results)
    if paths is None:
        paths = service_paths([hit.service.pk for hit in results.hits])
    start = (results.page - 1) * results.per_page
    for index, hit in enumerate(results.hits):
        number = start + index + 1
        spots = places.get(hit.service.pk, [])
        if near is not None and spots:
            spots = [min(spots, key=lambda s: haversine_km(near[0], near[1], s[0], s[1]))]
        name = str(texts[index].get("name") or hit.service.name) if texts else hit.service.name
        for lat, lon, place in spots:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                    "properties": {
                        "number": number,
                        "name": name,
                        "place": place,
                        "url": paths[index],
                    },
                }
            )
    if near is not None and features:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(near[1], 4), round(near[0], 4)]},
                "properties": {"role": "searched", "name": _("Your postcode")},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


@dataclass
class Printed:
    """One service as the printed list and the email show it: enough to get there without the website."""

    number: int
    service: Any
    distance_km: float | None
    addresses: list[str]
    phones: list[str]
    hours: list[tuple[str, list[str]]]
    url: str


def printable(request: HttpRequest, results: SearchPage) -> list[Printed]:
    """Returns the page's services with addresses, phones and opening hours, read in a few queries."""
    services = [hit.service for hit in results.hits]
    prefetch_related_objects(
        services,
        "phones",
        "schedules",
        "service_at_locations__location__addresses",
        "service_at_locations__schedules",
    )
    from upstream.directory.views import DAY_NAMES

    out = []
    start = (results.page - 1) * results.per_page
    for number, hit in enumerate(results.hits, start=start + 1):
        service = hit.service
        addresses, schedules = [], list(service.schedules.all())
        for sal in service.service_at_locations.all():
            schedules += list(sal.schedules.all())
            if sal.location is None:
                continue
            for address in sal.location.addresses.all():
                parts = [address.address_1, address.address_2, address.city, address.postal_code]
                addresses.append(", ".join(p for p in parts if p))
        out.append(
            Printed(
                number=number,
                service=service,
                distance_km=hit.distance_km,
                addresses=list(dict.fromkeys(addresses)),
                phones=[p.number for p in service.phones.all()],
                hours=[(str(DAY_NAMES[day]), times) for day, times in weekly_hours(schedules)],
                url=request.build_absolute_uri(reverse("directory:service", args=[service.pk])),
            )
        )
    return out


def _list_context(request: HttpRequest) -> tuple[dict[str, Any], int]:
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "errors": [], "params": request.GET.urlencode()}
    if not request.GET:
        context["errors"] = [{"text": _("Search for services first, then print or send the list."), "href": "#"}]
        return context, 400
    asked = read_query(form)
    if asked.query is None:
        context["errors"] = asked.errors
        return context, asked.status
    results = run_search(asked.query)
    context.update({"query": asked.query, "results": results, "items": printable(request, results)})
    return context, 200


@public_page
@require_GET
def print_list(request: HttpRequest) -> HttpResponse:
    """Shows a page of results ready to print, with the form to send the same list by email."""
    context, status = _list_context(request)
    context["send_form"] = SendListForm()
    return render(request, "directory/print.html", context, status=status)


@public_page
@require_http_methods(["GET", "POST"])
def send_list(request: HttpRequest) -> HttpResponse:
    """Emails the list to the address given; the address is not stored or logged anywhere."""
    if request.method == "GET":  # a bookmarked or reloaded send address: back to the form, nothing sent
        return HttpResponseRedirect(reverse("directory:print-list") + "?" + request.GET.urlencode() + "#email")
    context, status = _list_context(request)
    form = SendListForm(request.POST)
    context["send_form"] = form
    if status != 200:  # noqa: PLR2004 - the list itself could not be made
        return render(request, "directory/print.html", context, status=status)
    if not ratelimit.attempt("directory:send", request, limit=SENDS_PER_HOUR, window=3600):
        context["errors"] = [
            {"text": _("You have sent several lists in the last hour. Try again later."), "href": "#email"}
        ]
        return render(request, "directory/print.html", context, status=429)
    if not form.is_valid():
        context["errors"] = [{"text": " ".join(m), "href": f"#{name}"} for name, m in form.errors.items()]
        return render(request, "directory/print.html", context, status=400)
    # A filled honeypot is a robot: it is thanked as if the list went, and nothing is sent.
    if not form.cleaned_data["website"]:
        body = render_to_string("directory/send_email.txt", context, request=request)
        send_mail(_("Support services you asked us to send"), body, None, [form.cleaned_data["email"]])
    return HttpResponseRedirect(reverse("directory:list-sent") + "?" + request.GET.urlencode())


@public_page
@require_GET
def list_sent(request: HttpRequest) -> HttpResponse:
    """Says the list was sent, and offers the way back to the results."""
    return render(request, "directory/list_sent.html", {"params": request.GET.urlencode()})
