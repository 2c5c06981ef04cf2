"""Referral pages: thin views over referrals.queries (reads) and referrals.services (changes)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upstream.accounts.middleware import public_page
from upstream.core import ratelimit
from upstream.core.policy import PermissionDenied, can, require, roles_of
from upstream.directory.models import Service
from upstream.directory.vocab import CLIENT_GROUPS, NEED_CATEGORIES
from upstream.people import policies as people_policies
from upstream.people import queries as people_queries
from upstream.people import services as people_services
from upstream.referrals import policies, queries, services, statistics
from upstream.referrals.forms import (
    NONE_OF_THESE,
    SELF_SEX_CHOICES,
    BasisForm,
    MoveForm,
    PeriodForm,
    ProgrammeForm,
    ReferralForm,
    SelfReferralForm,
)
from upstream.referrals.models import (
    CLOSED_STATUSES,
    AgeBand,
    ConsentBasis,
    ConsentGivenBy,
    DeclineReason,
    LawfulBasis,
    Outcome,
    Programme,
    Referral,
    SourceKind,
    Status,
    Urgency,
)

SELF_REFERRAL_LIMIT = 5  # submissions per hour from one address
SELF_REFERRAL_WINDOW = 3600
SELF_REFERRAL_MAX_BYTES = 20_000


def _page_number(request: HttpRequest, name: str = "page") -> int:
    try:
        return max(1, min(100_000, int(request.GET.get(name, "1"))))
    except ValueError:
        return 1


def _errors(form: Any) -> dict[str, str]:
    return {name: str(errors[0]) for name, errors in form.errors.items()}


def _detail_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _choices() -> dict[str, Any]:
    return {
        "need_choices": list(NEED_CATEGORIES.items()),
        "urgency_choices": Urgency.choices,
        "source_choices": [c for c in SourceKind.choices if c[0] != SourceKind.SELF_REFERRAL],
        "basis_choices": ConsentBasis.choices,
        "given_by_choices": ConsentGivenBy.choices,
        "lawful_basis_choices": LawfulBasis.choices,
        "decline_choices": DeclineReason.choices,
        "outcome_choices": [c for c in Outcome.choices if c[0] != Outcome.NOT_ENGAGED],
        "age_band_choices": AgeBand.choices,
        "status_choices": Status.choices,
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Sends receivers to their inbox and referrers to what they sent."""
    require(request.user, policies.REFERRAL_VIEW)
    if roles_of(request.user) & policies.RECEIVING_ROLES:
        return HttpResponseRedirect(reverse("referrals:inbox"))
    return HttpResponseRedirect(reverse("referrals:sent"))


def _list(request: HttpRequest, box: str) -> HttpResponse:
    require(request.user, policies.REFERRAL_VIEW)
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    page = queries.list_referrals(
        request.user, box=box, status=status or None, overdue=overdue, page=_page_number(request)
    )
    today = timezone.localdate()
    return render(
        request,
        "referrals/list.html",
        {
            "box": box,
            "page": page,
            "status": status,
            "overdue": overdue,
            "overdue_ids": {r.pk for r in page.referrals if queries.is_overdue(r, today)},
            "overdue_count": queries.overdue_count(request.user),
            "retention_due_count": queries.retention_due_count(request.user),
            "can_review_retention": can(request.user, policies.REFERRAL_ERASE),
            "can_create": can(request.user, policies.REFERRAL_CREATE),
            "can_receive": bool(roles_of(request.user) & policies.RECEIVING_ROLES),
            **_choices(),
        },
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Shows the referrals sent to the user's organisation, with overdue ones flagged."""
    return _list(request, "inbox")


@login_required
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """Shows the referrals the user's organisation made, with their status."""
    return _list(request, "sent")


def _target_from(request: HttpRequest) -> tuple[Service | None, Programme | None]:
    data = request.POST if request.method == "POST" else request.GET
    service_id = data.get("service", "")
    programme_id = data.get("programme", "")
    try:
        if service_id:
            return Service.objects.get(pk=service_id), None
        if programme_id:
            return None, Programme.objects.get(pk=int(programme_id))
    except (Service.DoesNotExist, Programme.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    raise Http404


@login_required
@require_GET
def refer(request: HttpRequest) -> HttpResponse:
    """Chooses where to refer someone: search the directory by words, need and area, or pick a programme."""
    from upstream.places.models import Area, AreaLevel

    require(request.user, policies.REFERRAL_CREATE)
    person = None
    person_id = request.GET.get("person", "")
    if person_id:
        # The page names the person, so opening it is a consultation (audited); 404 when out of reach.
        person = people_queries.get_person(request.user, person_id, purpose=_("choosing where to refer them"))
    text = request.GET.get("q", "")[:200]
    need = request.GET.get("need", "")
    need = need if need in NEED_CATEGORIES else ""
    areas = Area.objects.filter(level__in=[AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD]).order_by("level", "name")
    area_code = request.GET.get("area", "")[:60]
    area_code = area_code if area_code and areas.filter(code=area_code).exists() else ""
    targets = queries.referral_targets(
        request.user,
        text=text,
        need=need,
        area_code=area_code,
        page=_page_number(request),
        programmes_page=_page_number(request, "programmes_page"),
    )
    suffix = f"&person={person.pk}" if person is not None else ""
    # The pages of each list keep the search and the other list's page, so paging one never loses the other.
    kept = {
        key: value
        for key, value in (("person", person.pk if person else ""), ("q", text), ("need", need), ("area", area_code))
        if value
    }
    return render(
        request,
        "referrals/refer.html",
        {
            "person": person,
            "text": text,
            "need": need,
            "area_code": area_code,
            "area_choices": [(a.code, a.name) for a in areas[:500]],
            "targets": targets,
            "service_links": [
                (service, f"{reverse('referrals:new')}?service={service.pk}{suffix}") for service in targets.services
            ],
            "programme_links": [
                (programme, f"{reverse('referrals:new')}?programme={programme.pk}{suffix}")
                for programme in targets.programmes
            ],
            "need_labels": NEED_CATEGORIES,
            "services_pagination": _pagination(
                kept | {"programmes_page": targets.programmes_page},
                name="page",
                page=targets.services_page,
                pages=targets.services_pages,
                anchor="services",
                label=_("Pages of services"),
            ),
            "programmes_pagination": _pagination(
                kept | {"page": targets.services_page},
                name="programmes_page",
                page=targets.programmes_page,
                pages=targets.programmes_pages,
                anchor="programmes",
                label=_("Pages of programmes"),
            ),
            "services_first_page": f"?{urlencode(kept | {'programmes_page': targets.programmes_page})}#services",
            "programmes_first_page": f"?{urlencode(kept | {'page': targets.services_page})}#programmes",
            **_choices(),
        },
    )


def _pagination(
    kept: dict[str, Any], *, name: str, page: int, pages: int, anchor: str, label: str
) -> dict[str, Any] | None:
    """Returns the GOV.UK pagination links for one list of the picker (None when it fits on one page)."""
    if pages <= 1 or page > pages:
        return None

    def href(number: int) -> str:
        return f"?{urlencode({**kept, name: number})}#{anchor}"

    return {
        "previous": {"href": href(page - 1), "text": _("Previous")} if page > 1 else None,
        "next": {"href": href(page + 1), "text": _("Next")} if page < pages else None,
        "items": [
            {"ellipsis": True}
            if number is None
            else {"number": number, "href": href(number), "current": number == page}
            for number in _page_numbers(page, pages)
        ],
        "landmarkLabel": label,
    }


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """Returns the page numbers to show: the first, the last, the current and its neighbours (None for a gap)."""
    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    numbers: list[int | None] = []
    for number in shown:
        last = numbers[-1] if numbers else None
        if last is not None and number - last == 2:  # noqa: PLR2004 - one page missing: show it, not a gap
            numbers.append(last + 1)
        elif last is not None and number - last > 2:  # noqa: PLR2004
            numbers.append(None)
        numbers.append(number)
    return numbers


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Makes a referral to a service (?service=ID) or a programme (?programme=ID), as a draft or sent at once."""
    require(request.user, policies.REFERRAL_CREATE)
    service, programme = _target_from(request)
    initial: dict[str, Any] = {"urgency": Urgency.ROUTINE, "source_kind": SourceKind.OTHER}
    if request.GET.get("person"):
        initial["person_id"] = request.GET["person"]
    form = ReferralForm(request.POST or None, initial=initial)
    chosen_person = None
    person_id = (form.data.get("person_id") if form.is_bound else initial.get("person_id")) or ""
    if str(person_id).isdigit():
        try:
            chosen_person = people_queries.find_person(request.user, int(person_id))
        except Http404:
            chosen_person = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = _create_from_form(request, data, service, programme, chosen_person)
        except ValidationError as exc:
            # Outside the service's eligibility: the error sits by the box for the reason to refer anyway.
            form.add_error("eligibility_override_reason" if exc.code == "not_eligible" else None, exc)
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
        else:
            if referral.status == Status.SENT:
                messages.success(request, _("Referral %(ref)s sent") % {"ref": referral.reference})
            else:
                messages.success(request, _("Referral %(ref)s saved as a draft") % {"ref": referral.reference})
            return HttpResponseRedirect(_detail_url(referral))
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "errors": _errors(form),
            "service": service,
            "programme": programme,
            "chosen_person": chosen_person,
            "eligibility": _eligibility_summary(service, programme),
            "client_group_choices": [
                (g, CLIENT_GROUPS.get(g, g))
                for g in services.target_client_groups(service=service, programme=programme)
            ],
            **_choices(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _eligibility_summary(service: Service | None, programme: Programme | None) -> list[str]:
    """Returns whom the service or programme is for, line by line, from its directory profile or settings."""
    lines: list[str] = []
    target: Any = service if service is not None else programme
    low, high = target.minimum_age, target.maximum_age
    if low is not None and high is not None:
        lines.append(_("Ages %(min)s to %(max)s") % {"min": f"{low:g}", "max": f"{high:g}"})
    elif low is not None:
        lines.append(_("Aged %(min)s or over") % {"min": f"{low:g}"})
    elif high is not None:
        lines.append(_("Aged %(max)s or under") % {"max": f"{high:g}"})
    sex = service.eligibility_sex if service is not None else {"F": "female", "M": "male"}.get(target.eligible_sex, "")
    if sex == "female":
        lines.append(_("Women and girls only"))
    elif sex == "male":
        lines.append(_("Men and boys only"))
    if service is not None and service.eligibility_description:
        lines.append(service.eligibility_description)
    return lines


def _create_from_form(
    request: HttpRequest, data: dict[str, Any], service: Service | None, programme: Programme | None, person: Any
) -> Referral:
    from django.db import transaction

    with transaction.atomic():
        if person is None:
            # The fewest details the service needs; the officer can add more on the person's page later.
            person = people_services.create_person(
                actor=request.user,
                legal_regime="law_enforcement" if "officer" in roles_of(request.user) else "uk_gdpr",
                purpose=_("referral to %(target)s") % {"target": service or programme},
                retention_class="casework",
                forenames=data.get("forenames", ""),
                surname=data.get("surname", ""),
                date_of_birth=data.get("date_of_birth"),
                sex=data.get("sex") or "U",
                postcode=data.get("postcode", ""),
                phone=data.get("phone", ""),
            )
        basis = data.get("consent_basis") or ""
        referral = services.create_referral(
            actor=request.user,
            person=person,
            service=service,
            programme=programme,
            reason=data["reason"],
            need_categories=data.get("needs") or [],
            urgency=data["urgency"],
            source_kind=data["source_kind"],
            source_reference=data.get("source_reference", ""),
            consent_basis=basis,
            consent_given_by=data.get("consent_given_by") or "",
            consent_given_at=data.get("consent_given_at"),
            consent_scope=data.get("consent_scope", ""),
            lawful_basis=data.get("lawful_basis") or "",
            lawful_basis_reason=data.get("lawful_basis_reason", ""),
            client_groups=data.get("client_groups") or [],
            eligibility_override_reason=data.get("eligibility_override_reason", ""),
        )
        if data.get("send_now"):
            referral = services.send_referral(actor=request.user, referral=referral, expected_version=referral.version)
    return referral


@login_required
@require_GET
def detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Shows one referral: status, person, basis, history, and the moves this user may make."""
    referral = queries.get_referral(request.user, referral_id)
    moves = queries.allowed_moves(request.user, referral)
    person = referral.person
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "history": queries.history_of(request.user, referral),
            "moves": moves,
            "overdue": queries.is_overdue(referral),
            "person": person,
            "can_open_person": person is not None and can(request.user, people_policies.PERSON_VIEW, person),
            "needs_basis": referral.status == Status.DRAFT
            and not referral.has_basis
            and policies.on_referring_side(request.user, referral),
            "need_labels": NEED_CATEGORIES,
            "client_group_labels": CLIENT_GROUPS,
            "can_erase": referral.erased_at is None
            and referral.status in CLOSED_STATUSES
            and can(request.user, policies.REFERRAL_ERASE, referral),
            "retention_due": queries.is_due_for_retention_review(referral),
            "closed_on": queries.closed_on(referral),
            **_choices(),
        },
    )


@login_required
@require_POST
def move(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Moves a referral to the status chosen, or says why it cannot."""
    referral = queries.find_referral(request.user, referral_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the referral"))
        return HttpResponseRedirect(_detail_url(referral))
    data = form.cleaned_data
    try:
        moved = services.move_referral(
            actor=request.user,
            referral=referral.pk,
            expected_version=data["version"],
            to_status=data["to_status"],
            note=data.get("note", ""),
            decline_reason=data.get("decline_reason", ""),
            outcome=data.get("outcome", ""),
        )
    except services.ConflictError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        messages.error(request, _("You cannot make that change to this referral."))
    else:
        messages.success(
            request,
            _("Referral %(ref)s is now %(status)s")
            % {"ref": moved.reference, "status": str(moved.get_status_display()).lower()},
        )
    return HttpResponseRedirect(_detail_url(referral))


@login_required
@require_POST
def basis(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Records consent or the lawful basis on a draft referral."""
    referral = queries.find_referral(request.user, referral_id, action=policies.REFERRAL_SEND)
    form = BasisForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(_errors(form).values())))
        return HttpResponseRedirect(_detail_url(referral))
    data = form.cleaned_data
    try:
        services.record_basis(
            actor=request.user,
            referral=referral,
            expected_version=data["version"],
            consent_basis=data["consent_basis"],
            consent_given_by=data.get("consent_given_by") or "",
            consent_given_at=data.get("consent_given_at"),
            consent_scope=data.get("consent_scope", ""),
            lawful_basis=data.get("lawful_basis") or "",
            lawful_basis_reason=data.get("lawful_basis_reason", ""),
        )
    except services.ConflictError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Basis for sharing recorded"))
    return HttpResponseRedirect(_detail_url(referral))


# --- programmes ------------------------------------------------------------------------------------------


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    """Shows every programme with its places and waiting list."""
    programmes = queries.list_programmes(request.user)
    return render(
        request,
        "referrals/programmes.html",
        {
            "programmes": [(p, queries.programme_figures(p)) for p in programmes],
            "can_refer": can(request.user, policies.REFERRAL_CREATE),
            "can_add": can(request.user, policies.PROGRAMME_MANAGE),
        },
    )


@login_required
@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Shows a programme: places, eligibility, conditions, and (to the organisation running it) enrolments."""
    programme = queries.get_programme(request.user, programme_id)
    return render(
        request,
        "referrals/programme.html",
        {
            "programme": programme,
            "figures": queries.programme_figures(programme),
            "enrolments": queries.enrolments_of(request.user, programme),
            "can_refer": can(request.user, policies.REFERRAL_CREATE),
            "need_labels": NEED_CATEGORIES,
            "outcome_choices": Outcome.choices,
        },
    )


# --- statistics ------------------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[dt.date | None, dt.date | None, PeriodForm]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to"), form
    return None, None, form


@login_required
@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Shows referral statistics for the user's organisation, a table for each measure."""
    require(request.user, policies.STATISTICS_VIEW)
    date_from, date_to, form = _period(request)
    stats = statistics.compute(request.user, date_from=date_from, date_to=date_to)
    return render(
        request,
        "referrals/statistics.html",
        {"stats": stats, "form": form, "errors": _errors(form), "query": request.GET.urlencode()},
    )


@login_required
@require_GET
def statistics_csv(request: HttpRequest) -> HttpResponse:
    """Returns the statistics as CSV; ?audience=external hides counts under five for sharing outside."""
    require(request.user, policies.STATISTICS_VIEW)
    date_from, date_to, _form = _period(request)
    external = request.GET.get("audience", "external") != "internal"
    text = statistics.export(request.user, suppress=external, date_from=date_from, date_to=date_to)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = "referral-statistics-shareable.csv" if external else "referral-statistics-internal.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- notifications ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """Shows the user's notifications; posting marks them all as read."""
    require(request.user, policies.REFERRAL_VIEW)
    if request.method == "POST":
        services.mark_notifications_read(actor=request.user)
        messages.success(request, _("Notifications marked as read"))
        return HttpResponseRedirect(reverse("referrals:notifications"))
    return render(request, "referrals/notifications.html", {"notifications": queries.notifications_for(request.user)})


# --- self-referral ---------------------------------------------------------------------------------------


@public_page
@require_http_methods(["GET", "POST"])
def self_referral(request: HttpRequest) -> HttpResponse:
    """Lets a member of the public ask a service or programme for help."""
    service, programme = _target_from(request)
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > SELF_REFERRAL_MAX_BYTES:
            return render(request, "referrals/self_referral_refused.html", {"reason": "size"}, status=413)
        # Counted across every worker process (core/ratelimit.py), by a hash of the sender's address.
        if not ratelimit.attempt("referrals:self", request, limit=SELF_REFERRAL_LIMIT, window=SELF_REFERRAL_WINDOW):
            return render(request, "referrals/self_referral_refused.html", {"reason": "rate"}, status=429)
    groups = services.target_client_groups(service=service, programme=programme)
    form = SelfReferralForm(
        request.POST or None,
        ask_age=services.target_has_age_limits(service=service, programme=programme),
        ask_sex=bool(services.target_sex(service=service, programme=programme)),
        client_groups=groups,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("website"):
            # A form filled in by a robot: it is told the same as a person, and nothing is stored.
            return HttpResponseRedirect(reverse("referrals:self-referral-sent"))
        try:
            services.create_self_referral(
                service=service,
                programme=programme,
                reason=data["reason"],
                contact_name=data["contact_name"],
                contact_phone=data.get("contact_phone", ""),
                contact_email=data.get("contact_email", ""),
                need_categories=data.get("needs") or [],
                person_age_band=data.get("age_band") or AgeBand.UNKNOWN,
                sex=data.get("sex") or "",
                age=data.get("age"),
                client_groups=data.get("client_groups") or [],
            )
        except services.NotEligibleError as exc:
            return _not_eligible(request, service, programme, exc.problems, data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            return HttpResponseRedirect(reverse("referrals:self-referral-sent"))
    eligibility = _eligibility_summary(service, programme)
    if groups:
        eligibility.append(_("For: %(groups)s") % {"groups": ", ".join(str(CLIENT_GROUPS.get(g, g)) for g in groups)})
    return render(
        request,
        "referrals/self_referral.html",
        {
            "form": form,
            "errors": _errors(form),
            "service": service,
            "programme": programme,
            "eligibility": eligibility,
            "sex_choices": SELF_SEX_CHOICES,
            "client_group_choices": [
                *((g, CLIENT_GROUPS.get(g, g)) for g in groups),
                (NONE_OF_THESE, _("None of these")),
            ]
            if groups
            else [],
            **_choices(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _not_eligible(
    request: HttpRequest,
    service: Service | None,
    programme: Programme | None,
    problems: list[str],
    data: dict[str, Any],
) -> HttpResponse:
    """Tells a member of the public, kindly, that the service is not for them and where else to turn.

    Nothing they typed is stored or repeated: the page says whom the service is for, not what they said.
    """
    target: Any = service if service is not None else programme
    needs = tuple(data.get("needs") or ()) or tuple(getattr(target, "need_categories", None) or ())
    alternatives = queries.self_referral_alternatives(
        service=service,
        programme=programme,
        sex=data.get("sex") or "",
        age=data.get("age"),
        client_groups=tuple(data.get("client_groups") or ()),
        needs=needs,
    )
    search_query = urlencode([("need", need) for need in needs if need in NEED_CATEGORIES])
    return render(
        request,
        "referrals/self_referral_not_eligible.html",
        {
            "service": service,
            "programme": programme,
            "problems": problems,
            "alternatives": alternatives,
            "contact": queries.public_contact(service) if service is not None else None,
            "directory_search": reverse("directory:search") + (f"?{search_query}" if search_query else ""),
        },
    )


@public_page
@require_GET
def self_referral_sent(request: HttpRequest) -> HttpResponse:
    """Tells a member of the public their request was sent."""
    return render(request, "referrals/self_referral_sent.html", {})


@login_required
@require_POST
def enrolment_update(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Completes or withdraws an enrolment; a freed place goes to the head of the waiting list."""
    from upstream.referrals.models import Enrolment

    require(request.user, policies.ENROLMENT_MANAGE)
    enrolment = Enrolment.objects.select_related("programme").filter(pk=enrolment_id).first()
    if enrolment is None or not can(request.user, policies.ENROLMENT_MANAGE, enrolment):
        raise Http404
    back = reverse("referrals:programme", args=[enrolment.programme_id])
    action = request.POST.get("action", "")
    try:
        if action == "complete":
            services.complete_enrolment(
                actor=request.user,
                enrolment=enrolment,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", "")[:4000],
            )
        elif action == "withdraw":
            services.withdraw_enrolment(
                actor=request.user, enrolment=enrolment, note=request.POST.get("note", "")[:4000]
            )
        else:
            messages.error(request, _("Choose complete or withdraw"))
            return HttpResponseRedirect(back)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Enrolment updated"))
    return HttpResponseRedirect(back)


@login_required
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    """Lists the closed referrals due for their retention review (six years after closing), to erase or keep."""
    require(request.user, policies.REFERRAL_ERASE)
    page = queries.retention_review(request.user, page=_page_number(request))
    return render(
        request,
        "referrals/retention.html",
        {"page": page, "closed_on": {r.pk: queries.closed_on(r) for r in page.referrals}},
    )


@login_required
@require_POST
def erase(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Erases a closed referral's personal details (supervisors), keeping its history and statistics."""
    referral = queries.find_referral(request.user, referral_id, action=policies.REFERRAL_ERASE)
    try:
        services.erase_referral(actor=request.user, referral=referral, reason=request.POST.get("reason", "")[:300])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The referral's personal details have been erased"))
    return HttpResponseRedirect(_detail_url(referral))


@login_required
@require_http_methods(["GET", "POST"])
def programme_add(request: HttpRequest) -> HttpResponse:
    """Adds a programme run by the user's organisation (supervisors)."""
    require(request.user, policies.PROGRAMME_MANAGE)
    form = ProgrammeForm(request.POST or None, initial={"capacity_kind": "concurrent", "acknowledge_within_days": 5})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.create_programme(
                actor=request.user,
                name=data["name"],
                description=data.get("description", ""),
                places=data["places"],
                capacity_kind=data["capacity_kind"],
                starts_on=data["starts_on"],
                ends_on=data.get("ends_on"),
                minimum_age=data.get("minimum_age"),
                maximum_age=data.get("maximum_age"),
                eligible_sex=data.get("eligible_sex") or "",
                need_categories=data.get("needs") or [],
                conditions=data.get("conditions", ""),
                acknowledge_within_days=data["acknowledge_within_days"],
                accepts_self_referrals=data.get("accepts_self_referrals", False),
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, _("Programme added"))
            return HttpResponseRedirect(reverse("referrals:programme", args=[programme.pk]))
    return render(
        request,
        "referrals/programme_form.html",
        {"form": form, "errors": _errors(form), "need_choices": list(NEED_CATEGORIES.items())},
        status=400 if form.is_bound and form.errors else 200,
    )
