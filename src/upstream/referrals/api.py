"""The referrals API at /api/referrals/: a partner's case system creates, lists, reads and moves referrals.

Each call is authenticated by the organisation's API key (``Authorization: Bearer upk_…``) and acts as that
key's service account, so the same policy and audit log apply as on the pages. A referral's ETag is its
version; moving a referral needs ``If-Match`` with that ETag (428 without it, 412 when it is stale), so two
systems deciding at once cannot overwrite each other.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.security import HttpBearer

from upstream.core import audit
from upstream.directory.models import Service
from upstream.people import queries as people_queries
from upstream.people import services as people_services
from upstream.referrals import queries, services
from upstream.referrals.models import (
    AgeBand,
    ConsentBasis,
    LawfulBasis,
    Programme,
    Referral,
    SourceKind,
    Status,
    Urgency,
)


class ApiKeyAuth(HttpBearer):
    """Reads the organisation's API key from the Authorization header."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """Returns the key's service account, or None (401) when the key is unknown or revoked."""
        user = services.user_for_api_key(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["Referrals"], auth=ApiKeyAuth())

API_REFUSAL = 400


def audit_refusals(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps an API operation so that a refused call by a known key is audited too.

    A call that succeeds is audited by the service or query it runs (create, send, move, view, list); a call
    refused after its key was recognised (bad input, out of reach, stale, not allowed) writes one security
    event with the method, path and status, never the body, which may hold personal details. A call without
    a recognised key (401) names nobody and is not written, so no one can flood the log without a key.
    """

    @functools.wraps(run)
    def audited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        actor = getattr(request, "auth", None)
        if response.status_code >= API_REFUSAL and actor is not None:
            referral_id = kwargs.get("referral_id", "")
            audit.record(
                actor=actor,
                tag=audit.AuditTag.REFERRALS_API_REFUSED,
                object_type="referrals.referral",
                object_id=referral_id,
                detail={"method": request.method, "path": request.path, "status": response.status_code},
            )
        return response

    return audited


class PersonIn(Schema):
    """The fewest details of a person that a service needs; or the id of a person the organisation holds."""

    id: int | None = None
    forenames: str = Field("", max_length=200)
    surname: str = Field("", max_length=200)
    date_of_birth: dt.date | None = None
    sex: Literal["M", "F", "X", "U"] = "U"
    postcode: str = Field("", max_length=10)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)


class ConsentIn(Schema):
    """Consent to the sharing: who gave it, when, and for what."""

    given_by: Literal["person", "parent_guardian", "other"]
    given_at: dt.datetime
    scope: str = Field(..., min_length=1, max_length=500)


class LawfulBasisIn(Schema):
    """The lawful basis for sharing without consent, and why consent is not the basis."""

    basis: Literal["safeguarding", "law_enforcement", "vital_interests", "public_task", "legal_obligation"]
    reason: str = Field(..., min_length=1, max_length=2000)


class ReferralIn(Schema):
    """A new referral; with ``send`` true it is sent at once (it then needs consent or a lawful basis)."""

    person: PersonIn
    service_id: uuid.UUID | None = None
    programme_id: int | None = None
    reason: str = Field(..., min_length=1, max_length=services.MAX_REASON_LENGTH)
    need_categories: list[str] = Field(default_factory=list, max_length=20)
    urgency: Literal["routine", "soon", "urgent"] = "routine"
    source_kind: Literal["trigger", "problem_plan", "call", "case", "other"] = "other"
    source_reference: str = Field("", max_length=100)
    consent: ConsentIn | None = None
    lawful_basis: LawfulBasisIn | None = None
    client_groups: list[str] = Field(default_factory=list, max_length=20)
    eligibility_override_reason: str = Field("", max_length=services.MAX_REASON_LENGTH)
    send: bool = False


class ReferralPatch(Schema):
    """A move of a referral to a new status, with what that move needs."""

    status: Literal["sent", "received", "accepted", "declined", "in_progress", "completed", "withdrawn", "not_engaged"]
    note: str = Field("", max_length=4000)
    decline_reason: Literal["", "not_eligible", "no_capacity", "duplicate", "declined_by_person", "other"] = ""
    outcome: Literal["", "engaged", "goals_partly_met", "goals_met", "re_referred", "not_engaged"] = ""


class ReferralFilter(Schema):
    """Which referrals to list."""

    box: Literal["inbox", "sent", "all"] = "all"
    status: Literal[
        "", "draft", "sent", "received", "accepted", "declined", "in_progress", "completed", "withdrawn", "not_engaged"
    ] = ""
    overdue: bool = False
    updated_after: dt.datetime | None = None
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


class PersonOut(Schema):
    """The person referred, as the receiving organisation needs them."""

    id: int
    forenames: str
    surname: str
    date_of_birth: dt.date | None
    sex: str
    postcode: str
    phone: str
    email: str


class ReferralOut(Schema):
    """A referral as the API shows it; ``version`` is also its ETag."""

    id: int
    reference: str
    version: int
    status: str
    fhir_status: str
    service_id: uuid.UUID | None
    programme_id: int | None
    target_name: str
    receiving_organisation: str
    referring_organisation: str | None
    person: PersonOut | None
    contact_name: str
    contact_phone: str
    contact_email: str
    reason: str
    need_categories: list[str]
    urgency: str
    source_kind: str
    source_reference: str
    age_band: str
    consent_basis: str
    lawful_basis: str
    client_groups: list[str]
    eligibility_problems: list[str]
    eligibility_override_reason: str
    decline_reason: str
    outcome: str
    outcome_note: str
    acknowledge_by: dt.date | None
    overdue: bool
    created_at: dt.datetime
    sent_at: dt.datetime | None
    received_at: dt.datetime | None
    accepted_at: dt.datetime | None
    declined_at: dt.datetime | None
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    not_engaged_at: dt.datetime | None


class ReferralList(Schema):
    """One page of referrals."""

    total: int
    page: int
    pages: int
    referrals: list[ReferralOut]


class Problem(Schema):
    """What went wrong, in a sentence."""

    detail: str


def _out(referral: Referral) -> dict[str, Any]:
    person = referral.person
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "version": referral.version,
        "status": referral.status,
        "fhir_status": referral.fhir_status,
        "service_id": referral.service_id,
        "programme_id": referral.programme_id,
        "target_name": referral.target_name,
        "receiving_organisation": str(referral.receiving_organisation),
        "referring_organisation": str(referral.referring_organisation) if referral.referring_organisation else None,
        "person": None
        if person is None or person.is_erased
        else {
            "id": person.pk,
            "forenames": person.forenames,
            "surname": person.surname,
            "date_of_birth": person.date_of_birth,
            "sex": person.sex,
            "postcode": person.postcode,
            "phone": person.phone,
            "email": person.email,
        },
        "contact_name": referral.contact_name,
        "contact_phone": referral.contact_phone,
        "contact_email": referral.contact_email,
        "reason": referral.reason,
        "need_categories": referral.need_categories,
        "urgency": referral.urgency,
        "source_kind": referral.source_kind,
        "source_reference": referral.source_reference,
        "age_band": referral.person_age_band or AgeBand.UNKNOWN,
        "consent_basis": referral.consent_basis,
        "lawful_basis": referral.lawful_basis,
        "client_groups": referral.client_groups,
        "eligibility_problems": referral.eligibility_problems,
        "eligibility_override_reason": referral.eligibility_override_reason,
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome,
        "outcome_note": referral.outcome_note,
        "acknowledge_by": referral.acknowledge_by,
        "overdue": queries.is_overdue(referral),
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
        "received_at": referral.received_at,
        "accepted_at": referral.accepted_at,
        "declined_at": referral.declined_at,
        "started_at": referral.started_at,
        "completed_at": referral.completed_at,
        "withdrawn_at": referral.withdrawn_at,
        "not_engaged_at": referral.not_engaged_at,
    }


def etag(referral: Referral) -> str:
    """Returns the referral's ETag: its version, quoted."""
    return f'"{referral.version}"'


def _with_etag(response: HttpResponse, referral: Referral) -> None:
    response["ETag"] = etag(referral)


def _validation_detail(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _person_for(request: HttpRequest, person_in: PersonIn) -> Any:
    actor = request.auth
    if person_in.id is not None:
        try:
            return people_queries.find_person(actor, person_in.id)
        except Http404:
            raise HttpError(404, "No person with that id is held by or shared with your organisation.") from None
    if not (person_in.forenames.strip() or person_in.surname.strip()):
        raise HttpError(422, "Give the person's id, or at least a first or last name.")
    return people_services.create_person(
        actor=actor,
        legal_regime="uk_gdpr",
        purpose="referral",
        retention_class="casework",
        forenames=person_in.forenames,
        surname=person_in.surname,
        date_of_birth=person_in.date_of_birth,
        sex=person_in.sex,
        postcode=person_in.postcode,
        phone=person_in.phone,
        email=person_in.email,
    )


@router.post(
    "/",
    response={201: ReferralOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Create a referral (and send it, with send: true)",
)
@decorate_view(audit_refusals)
def create_referral(  # noqa: C901 - one guard per way the request can be wrong, each with its own answer
    request: HttpRequest, response: HttpResponse, payload: ReferralIn
) -> Any:
    """Creates a referral of a person to a service or programme, optionally sending it at once."""
    from django.db import transaction

    if (payload.service_id is None) == (payload.programme_id is None):
        raise HttpError(422, "Give one service_id or one programme_id.")
    service = programme = None
    if payload.service_id is not None:
        service = Service.objects.filter(pk=payload.service_id).first()
        if service is None:
            raise HttpError(404, "No service with that id.")
    else:
        programme = Programme.objects.filter(pk=payload.programme_id).first()
        if programme is None:
            raise HttpError(404, "No programme with that id.")
    basis: dict[str, Any] = {}
    if payload.consent is not None and payload.lawful_basis is not None:
        raise HttpError(422, "Give consent or a lawful basis, not both.")
    if payload.consent is not None:
        basis = {
            "consent_basis": ConsentBasis.CONSENT,
            "consent_given_by": payload.consent.given_by,
            "consent_given_at": payload.consent.given_at,
            "consent_scope": payload.consent.scope,
        }
    elif payload.lawful_basis is not None:
        basis = {
            "consent_basis": ConsentBasis.LAWFUL_BASIS,
            "lawful_basis": LawfulBasis(payload.lawful_basis.basis),
            "lawful_basis_reason": payload.lawful_basis.reason,
        }
    try:
        with transaction.atomic():
            person = _person_for(request, payload.person)
            referral = services.create_referral(
                actor=request.auth,
                person=person,
                service=service,
                programme=programme,
                reason=payload.reason,
                need_categories=payload.need_categories,
                urgency=Urgency(payload.urgency),
                source_kind=SourceKind(payload.source_kind),
                source_reference=payload.source_reference,
                client_groups=payload.client_groups,
                eligibility_override_reason=payload.eligibility_override_reason,
                **basis,
            )
            if payload.send:
                referral = services.send_referral(
                    actor=request.auth, referral=referral, expected_version=referral.version
                )
    except ValidationError as exc:
        raise HttpError(422, _validation_detail(exc)) from None
    except DjangoPermissionDenied:
        raise HttpError(403, "Your organisation's key may not make this referral.") from None
    referral = queries.find_referral(request.auth, referral.pk)
    _with_etag(response, referral)
    return Respond(201, _out(referral))


@router.get("/", response=ReferralList, summary="List referrals")
@decorate_view(audit_refusals)
def list_referrals(request: HttpRequest, filters: Query[ReferralFilter]) -> Any:
    """Lists the referrals your organisation sent (box=sent) or received (box=inbox), newest first."""
    page = queries.list_referrals(
        request.auth,
        box=filters.box,
        status=filters.status or None,
        overdue=filters.overdue,
        page=filters.page,
        page_size=filters.per_page,
        updated_after=filters.updated_after,
    )
    return {
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
        "referrals": [_out(r) for r in page.referrals],
    }


@router.get("/{referral_id}", response={200: ReferralOut, 404: Problem}, summary="Get a referral")
@decorate_view(audit_refusals)
def get_referral(request: HttpRequest, response: HttpResponse, referral_id: int) -> Any:
    """Returns one referral, with its version as the ETag."""
    try:
        referral = queries.get_referral(request.auth, referral_id)
    except Http404:
        raise HttpError(404, "No such referral.") from None
    _with_etag(response, referral)
    return _out(referral)


def _expected_version(request: HttpRequest) -> int:
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise HttpError(428, "Send If-Match with the referral's ETag, so a decision is made on what you last saw.")
    header = header.removeprefix("W/")
    try:
        return int(header.strip('"'))
    except ValueError:
        raise HttpError(412, 'If-Match must be the referral\'s ETag, a quoted version number such as "3".') from None


@router.post(
    "/{referral_id}/transition",
    response={200: ReferralOut, 403: Problem, 404: Problem, 409: Problem, 412: Problem, 422: Problem, 428: Problem},
    summary="Move a referral to a new status (needs If-Match)",
)
@decorate_view(audit_refusals)
def transition_referral(request: HttpRequest, response: HttpResponse, referral_id: int, payload: ReferralPatch) -> Any:
    """Moves a referral (send, acknowledge, accept, decline, start, complete, withdraw, not engaged)."""
    try:
        queries.find_referral(request.auth, referral_id)
    except Http404:
        raise HttpError(404, "No such referral.") from None
    expected = _expected_version(request)
    try:
        referral = services.move_referral(
            actor=request.auth,
            referral=referral_id,
            expected_version=expected,
            to_status=Status(payload.status),
            note=payload.note,
            decline_reason=payload.decline_reason,
            outcome=payload.outcome,
        )
    except services.ConflictError as exc:
        response["ETag"] = f'"{exc.referral.version}"'
        raise HttpError(412, str(exc)) from None
    except services.TransitionNotAllowedError as exc:
        raise HttpError(409, _validation_detail(exc)) from None
    except ValidationError as exc:
        raise HttpError(422, _validation_detail(exc)) from None
    except DjangoPermissionDenied:
        raise HttpError(403, "Your organisation may not make this move on this referral.") from None
    referral = queries.find_referral(request.auth, referral.pk)
    _with_etag(response, referral)
    return _out(referral)
