"""Public pages of the Pathways directory: search, results, a service's page, and "report something wrong"."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from upstream.accounts.middleware import public_page
from upstream.core import links, ratelimit
from upstream.core.localised import LocalisedText, localise, localise_many
from upstream.directory import queries, services
from upstream.directory.forms import ProblemReportForm, SearchForm
from upstream.directory.hours import is_open, weekly_hours
from upstream.directory.models import Service
from upstream.directory.results import read_query, results_geojson, service_paths
from upstream.directory.search import search as run_search
from upstream.directory.vocab import ATTENDANCE_MODES, CLIENT_GROUPS, LANGUAGES, NEED_CATEGORIES, RADII_KM

# A service's own words shown in the reader's language where a reviewed translation is published (core.localised).
TRANSLATED_FIELDS = (
    "name",
    "description",
    "alert",
    "application_process",
    "eligibility_description",
    "fees_description",
)

REPORTS_PER_HOUR = 5
DAY_NAMES = {
    "MO": gettext_lazy("Monday"),
    "TU": gettext_lazy("Tuesday"),
    "WE": gettext_lazy("Wednesday"),
    "TH": gettext_lazy("Thursday"),
    "FR": gettext_lazy("Friday"),
    "SA": gettext_lazy("Saturday"),
    "SU": gettext_lazy("Sunday"),
}


@public_page
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Shows the search form and, once something is asked, the services that match, nearest or best first."""
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {
        "form": form,
        "needs": NEED_CATEGORIES,
        "groups": CLIENT_GROUPS,
        "modes": ATTENDANCE_MODES,
        "languages": LANGUAGES,
        "radii": RADII_KM,
        "errors": [],
    }
    if not request.GET:
        return render(request, "directory/search.html", context)
    asked = read_query(form)
    if asked.query is None:
        context["errors"] = asked.errors
        return render(request, "directory/search.html", context, status=asked.status)
    query, outward = asked.query, asked.outward
    results = run_search(query)
    services.record_search(query=query, result_count=results.total, area_code=outward)
    params = request.GET.copy()
    params.pop("page", None)
    context.update({"results": results, "query": query, "page_params": params.urlencode()})
    # Each result's name and description in the reader's language where a translation is published.
    context["hit_text"] = localise_many([hit.service for hit in results.hits], ("name", "description"))
    # The map's points (the list beside it is the page itself; without JavaScript there is no map).
    context["hit_paths"] = service_paths([hit.service.pk for hit in results.hits])
    context["map_geojson"] = results_geojson(results, query.near, context["hit_text"], context["hit_paths"])
    return render(request, "directory/search.html", context)


@public_page
@require_GET
def service(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Shows everything a person needs to use a service: where, when, how, what it costs, who it is for."""
    record = queries.public_service(service_id)
    if record is None:
        raise Http404(_("No service has that address"))
    schedules = queries.service_schedules(record)
    hours = [(DAY_NAMES[day], times) for day, times in weekly_hours(schedules)]
    places = [
        (sal.location, list(sal.location.addresses.all()))
        for sal in record.service_at_locations.select_related("location")
        if sal.location is not None
    ]
    text = localise(record, TRANSLATED_FIELDS)
    context = {
        "service": record,
        "text": text,
        "organisation_name": localise(record.organization, ("name",))["name"] if record.organization else None,
        "hours": hours,
        "closures": [s for s in schedules if s.closed],
        "other_schedules": [s for s in schedules if not s.closed and (s.freq or "WEEKLY") != "WEEKLY"],
        "open_now": is_open(schedules, timezone.localtime(), open_on_bank_holidays=record.open_on_bank_holidays),
        "places": places,
        "phones": list(record.phones.all()),
        "costs": list(record.cost_options.all()),
        "languages": list(record.languages.all()),
        "documents": list(record.required_documents.all()),
        "needs": [NEED_CATEGORIES.get(n, n) for n in record.need_categories],
        "groups": [CLIENT_GROUPS.get(g, g) for g in record.client_groups],
        "modes": [ATTENDANCE_MODES.get(m, m) for m in record.attendance_modes],
        # Actions other capabilities offer here (referrals: "Refer", "Ask for help"), by core's link registry.
        "actions": links.for_record("directory:service", request.user, record),
    }
    context["how_rows"] = _rows(
        [
            (_("What to do"), text["application_process"]),
            (_("How you attend"), ", ".join(str(m) for m in context["modes"])),  # type: ignore[attr-defined]
            (_("Phone"), ", ".join(p.number for p in context["phones"])),  # type: ignore[attr-defined]
            (_("Email"), record.email),
            (_("Website"), record.url),
        ]
    )
    ages = ""
    if record.minimum_age is not None or record.maximum_age is not None:
        low = f"{record.minimum_age:g}" if record.minimum_age is not None else "0"
        ages = (
            f"{low} to {record.maximum_age:g}"
            if record.maximum_age is not None
            else _("%(age)s and over") % {"age": low}
        )
    context["who_rows"] = _rows(
        [
            (_("Eligibility"), text["eligibility_description"]),
            (_("Ages"), ages),
            (_("Open to"), record.get_eligibility_sex_display() if record.eligibility_sex else ""),
            (_("Groups"), ", ".join(str(g) for g in context["groups"])),  # type: ignore[attr-defined]
            (_("Help with"), ", ".join(str(n) for n in context["needs"])),  # type: ignore[attr-defined]
            (_("Languages"), ", ".join(lang.name for lang in context["languages"])),  # type: ignore[attr-defined]
            (_("Bring"), "; ".join(d.document for d in context["documents"])),  # type: ignore[attr-defined]
        ]
    )
    # Staff only: the internal notes, and the keeper's or the provider's way to change the record.
    context.update(_staff_context(request, record))
    return render(request, "directory/service.html", context)


def _staff_context(request: HttpRequest, record: Service) -> dict[str, object]:
    """Returns what staff see on a service page beyond the public's view: notes, guides and change links."""
    from upstream.core.policy import role_allows
    from upstream.directory import policies
    from upstream.directory.guides.queries import guides_for_service
    from upstream.directory.workspace.queries import notes_for

    return {
        "guides": guides_for_service(record),
        "staff_notes": notes_for(actor=request.user, service=record),
        "can_keep": role_allows(request.user, policies.SERVICE_EDIT),
        "can_propose": role_allows(request.user, policies.PROPOSAL_CREATE)
        and policies.runs_service(request.user, record),
    }


def _rows(pairs: list[tuple[str, Any]]) -> list[dict[str, dict[str, Any]]]:
    """Returns GOV.UK summary-list rows for the pairs that have a value (records' words marked with their language)."""
    return [
        {
            "key": {"text": str(key)},
            "value": {"html": value.html} if isinstance(value, LocalisedText) else {"text": value},
        }
        for key, value in pairs
        if value
    ]


@public_page
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Shows and takes the "report something wrong" form for one service."""
    record = queries.public_service(service_id)
    if record is None:
        raise Http404(_("No service has that address"))
    form = ProblemReportForm(request.POST or None)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            # Counted across every worker process (core/ratelimit.py), by a hash of the sender's address.
            if not ratelimit.attempt("directory:report", request, limit=REPORTS_PER_HOUR, window=3600):
                errors = [
                    {"text": _("You have sent several reports in the last hour. Try again later."), "href": "#message"}
                ]
                return render(
                    request, "directory/report.html", {"service": record, "form": form, "errors": errors}, status=429
                )
            # A filled honeypot is a robot: thank it as if it worked, and store nothing.
            if not form.cleaned_data["website"]:
                services.report_problem(service=record, message=form.cleaned_data["message"])
            return HttpResponseRedirect(reverse("directory:report-sent", args=[record.pk]))
        errors = [{"text": " ".join(m), "href": "#message"} for m in form.errors.values()]
    status = 400 if errors else 200
    return render(request, "directory/report.html", {"service": record, "form": form, "errors": errors}, status=status)


@public_page
@require_GET
def report_sent(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Thanks the person for their report."""
    record = queries.public_service(service_id)
    if record is None:
        raise Http404(_("No service has that address"))
    return render(request, "directory/report_sent.html", {"service": record})
