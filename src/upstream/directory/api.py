"""The public, read-only HSDS 3.0 API at /api/hsds/, with the parameters of the official OpenAPI document.

Responses follow the official shapes (schema/openapi.json): lists are pages of one-to-one fields, single
records are fully nested. Bad parameters answer 400 or 422 with a sentence saying what is wrong.
"""

# ruff: noqa: ARG001, PLR0917 - Ninja passes the request and reads each query parameter from the signature

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from upstream.directory import hsds, queries
from upstream.directory.models import Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from upstream.directory.search.base import SearchQuery
from upstream.directory.services import record_search

router = Router(tags=["HSDS"], auth=None)

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
MAX_PROXIMITY_METRES = 200_000


def _page(qs: QuerySet[Any] | list[Any], page: int | None, per_page: int | None, render: Any) -> dict[str, Any]:
    """Returns one page of records in the HSDS Page shape."""
    page = 1 if page is None else page
    per_page = 20 if per_page is None else per_page
    if not 1 <= page <= MAX_PAGE:
        raise HttpError(400, f"page must be a whole number from 1 to {MAX_PAGE}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise HttpError(400, f"per_page must be a whole number from 1 to {MAX_PER_PAGE}")
    total = qs.count() if isinstance(qs, QuerySet) else len(qs)
    total_pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    contents = [render(record) for record in qs[start : start + per_page]]
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }


def _clean(value: str | None) -> str:
    """Returns the parameter as text a database can hold: no NUL characters, at most 200 characters."""
    return (value or "").replace("\x00", "")[:200]


def _uuid(value: str | None, name: str) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise HttpError(400, f"{name} must be a UUID") from None


def _moment(value: str | None) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise HttpError(400, "modified_after must be a date and time like 2025-01-31T09:00:00Z") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def _format(value: str | None) -> None:
    if value not in (None, "", "json"):
        raise HttpError(400, "format must be json (ndjson streaming is not offered)")


def _get(model: type[Model], record_id: str) -> Any:
    try:
        key = uuid.UUID(record_id)
    except ValueError:
        raise HttpError(404, "No record has that id: ids are UUIDs") from None
    record = model._default_manager.filter(pk=key).first()
    if record is None:
        raise HttpError(404, "No record has that id")
    return record


def _near(postcode: str | None, proximity: str | None) -> tuple[tuple[float, float] | None, float | None]:
    """Returns the postcode's point and the radius in km (from metres), or says what is wrong."""
    if not postcode:
        if proximity not in (None, ""):
            raise HttpError(400, "proximity needs a postcode to measure from")
        return None, None
    point = queries.postcode_point(_clean(postcode))
    if point is None:
        raise HttpError(400, "That postcode is not one we know: check it, or search without it")
    radius = None
    if proximity not in (None, ""):
        try:
            metres = float(_clean(proximity))
        except ValueError:
            raise HttpError(400, "proximity must be a distance in metres, like 5000") from None
        if not 0 < metres <= MAX_PROXIMITY_METRES:
            raise HttpError(400, f"proximity must be more than 0 and at most {MAX_PROXIMITY_METRES} metres")
        radius = metres / 1000
    return point, radius


def _log(search: str | None, postcode: str | None, near: tuple[float, float] | None, found: Any) -> None:
    """Logs an API search by words or place (not plain listing), without the point or the full postcode."""
    if not (search or near):
        return
    total = found.count() if isinstance(found, QuerySet) else len(found)
    outward = queries.normalise_postcode(_clean(postcode)).split(" ")[0] if near else ""
    record_search(
        query=SearchQuery(text=_clean(search), near=near), result_count=total, channel="api", area_code=outward
    )


@router.get("/", summary="About this API")
def about(request: HttpRequest) -> dict[str, Any]:
    """Returns the HSDS version, our profile and where the API description is."""
    return {
        "version": "3.0",
        "profile": hsds.PROFILE_URI,
        "openapi_url": request.build_absolute_uri("/api/openapi.json"),
    }


@router.get("/services", summary="Services")
def services(
    request: HttpRequest,
    search: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
    format: str | None = None,  # noqa: A002 - the HSDS parameter name
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: str | None = None,
    minimal: bool | None = None,
    full: bool | None = None,
    postcode: str | None = None,
    proximity: str | None = None,
) -> dict[str, Any]:
    """Returns a page of services, filtered as the HSDS API describes."""
    _format(format)
    near, radius = _near(postcode, proximity)
    qs_or_list = queries.api_services(
        text=_clean(search),
        taxonomy_term_id=_uuid(taxonomy_term_id, "taxonomy_term_id"),
        taxonomy_id=_uuid(taxonomy_id, "taxonomy_id"),
        organization_id=_uuid(organization_id, "organization_id"),
        modified_after=_moment(modified_after),
        near=near,
        radius_km=radius,
    )
    _log(search, postcode, near, qs_or_list)
    if minimal:
        return _page(qs_or_list, page, per_page, lambda s: {"id": str(s.id), "name": s.name, "status": s.status})
    render = (lambda s: hsds.document("service", s)) if full else _service_summary
    return _page(qs_or_list, page, per_page, render)


def _service_summary(service: Service) -> dict[str, Any]:
    doc = hsds.scalars("service", service)
    if service.organization_id and service.organization:
        doc["organization"] = hsds.scalars("organization", service.organization)
    return doc


@router.get("/services/{id}", summary="One service, fully nested")
def service(request: HttpRequest, id: str) -> dict[str, Any]:  # noqa: A002 - the HSDS path parameter
    """Returns one service with everything HSDS nests in it."""
    return hsds.document("service", _get(Service, id))


@router.get("/service_at_locations", summary="Services at locations")
def service_at_locations(
    request: HttpRequest,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: str | None = None,
    full: bool | None = None,
    page: int | None = None,
    per_page: int | None = None,
    format: str | None = None,  # noqa: A002 - the HSDS parameter name
    postcode: str | None = None,
    proximity: str | None = None,
) -> dict[str, Any]:
    """Returns a page of services at locations, filtered as the HSDS API describes."""
    _format(format)
    near, radius = _near(postcode, proximity)
    records = queries.api_service_at_locations(
        text=_clean(search),
        taxonomy_term_id=_uuid(taxonomy_term_id, "taxonomy_term_id"),
        taxonomy_id=_uuid(taxonomy_id, "taxonomy_id"),
        organization_id=_uuid(organization_id, "organization_id"),
        modified_after=_moment(modified_after),
        near=near,
        radius_km=radius,
    )
    _log(search, postcode, near, records)
    if full:
        return _page(records, page, per_page, lambda sal: hsds.document("service_at_location", sal))
    return _page(records, page, per_page, _sal_summary)


def _sal_summary(sal: ServiceAtLocation) -> dict[str, Any]:
    doc = hsds.scalars("service_at_location", sal)
    if sal.location_id and sal.location:
        doc["location"] = hsds.scalars("location", sal.location)
    return doc


@router.get("/service_at_locations/{id}", summary="One service at a location, fully nested")
def service_at_location(request: HttpRequest, id: str) -> dict[str, Any]:  # noqa: A002 - the HSDS path parameter
    """Returns one service at a location with its location and service nested."""
    return hsds.document("service_at_location", _get(ServiceAtLocation, id))


@router.get("/organizations", summary="Organizations")
def organizations(
    request: HttpRequest,
    search: str | None = None,
    full_service: bool | None = None,
    full: bool | None = None,
    page: int | None = None,
    per_page: int | None = None,
    format: str | None = None,  # noqa: A002 - the HSDS parameter name
) -> dict[str, Any]:
    """Returns a page of organisations."""
    _format(format)
    qs = Organization.objects.order_by("name", "pk")
    if search:
        qs = qs.filter(name__icontains=_clean(search))
    if full:
        return _page(qs, page, per_page, lambda o: hsds.document("organization", o))
    return _page(qs, page, per_page, lambda o: hsds.scalars("organization", o))


@router.get("/organizations/{id}", summary="One organization, fully nested")
def organization(request: HttpRequest, id: str, full_service: bool | None = None) -> dict[str, Any]:  # noqa: A002 - the HSDS path parameter
    """Returns one organisation with its locations, contacts and the ids (or whole) of its services."""
    record = _get(Organization, id)
    doc = hsds.document("organization", record)
    services = Service.objects.filter(organization=record).order_by("name", "pk")
    doc["services"] = [
        hsds.document("service", s, skip=frozenset({"organization"}))
        if full_service
        else {"id": str(s.id), "name": s.name, "status": s.status}
        for s in services
    ]
    return doc


@router.get("/taxonomies", summary="Taxonomies")
def taxonomies(
    request: HttpRequest,
    search: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
    format: str | None = None,  # noqa: A002 - the HSDS parameter name
) -> dict[str, Any]:
    """Returns a page of taxonomies."""
    _format(format)
    qs = Taxonomy.objects.order_by("name", "pk")
    if search:
        qs = qs.filter(name__icontains=_clean(search))
    return _page(qs, page, per_page, lambda t: hsds.scalars("taxonomy", t))


@router.get("/taxonomies/{id}", summary="One taxonomy")
def taxonomy(request: HttpRequest, id: str) -> dict[str, Any]:  # noqa: A002 - the HSDS path parameter
    """Returns one taxonomy."""
    return hsds.scalars("taxonomy", _get(Taxonomy, id))


@router.get("/taxonomy_terms", summary="Taxonomy terms")
def taxonomy_terms(
    request: HttpRequest,
    search: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
    format: str | None = None,  # noqa: A002 - the HSDS parameter name
    taxonomy_id: str | None = None,
    top_only: bool | None = None,
    parent_id: str | None = None,
) -> dict[str, Any]:
    """Returns a page of taxonomy terms."""
    _format(format)
    qs = TaxonomyTerm.objects.select_related("taxonomy_detail").order_by("name", "pk")
    if search:
        qs = qs.filter(name__icontains=_clean(search))
    taxonomy_key = _uuid(taxonomy_id, "taxonomy_id")
    if taxonomy_key:
        qs = qs.filter(taxonomy_detail_id=taxonomy_key)
    parent_key = _uuid(parent_id, "parent_id")
    if parent_key:
        qs = qs.filter(parent_id=parent_key)
    if top_only:
        qs = qs.filter(parent_id__isnull=True)
    return _page(qs, page, per_page, lambda t: hsds.document("taxonomy_term", t))


@router.get("/taxonomy_terms/{id}", summary="One taxonomy term")
def taxonomy_term(request: HttpRequest, id: str) -> dict[str, Any]:  # noqa: A002 - the HSDS path parameter
    """Returns one taxonomy term with its taxonomy."""
    return hsds.document("taxonomy_term", _get(TaxonomyTerm, id))
