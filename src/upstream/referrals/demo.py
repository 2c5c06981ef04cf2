"""The demo's referrals: programmes, services that take referrals, and a few hundred referrals in every state.

They span the last two years, so the inbox, the lists and the statistics mean something.

Deterministic for a seed. The history is made directly (not through the services) with back-dated times, so
it writes no audit events: the audit log records acts that happened, and these are invented. A second run
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from upstream.accounts.models import Organisation, User
from upstream.core.models import AccessGrant
from upstream.core.roles import Role
from upstream.people.models import LegalRegime, Person, RetentionClass
from upstream.referrals.models import (
    TRANSITIONS,
    CapacityKind,
    ConsentBasis,
    ConsentGivenBy,
    DeclineReason,
    Enrolment,
    EnrolmentStatus,
    LawfulBasis,
    Outcome,
    Programme,
    ReceivingService,
    Referral,
    ReferralEvent,
    SourceKind,
    Status,
    Urgency,
)
from upstream.referrals.services import age_band
from upstream.referrals.working_days import add_working_days

order = 60
label = "Referrals and programmes"

REFERRAL_COUNT = 360
DEMO_REFERENCE = "DEMO-"
SHARE_WITH_CONSENT = 0.8  # the share of demo referrals made with consent; the rest on a lawful basis

PROGRAMMES = (
    # (organisation key, name, places, capacity kind, min age, max age, sex, needs, conditions, self-referrals)
    (
        "family_charity",
        "Domestic abuse perpetrator programme",
        432,
        CapacityKind.TOTAL,
        18,
        None,
        "M",
        ["domestic-abuse"],
        "",
        False,
    ),
    (
        "family_charity",
        "Women's diversion pilot",
        300,
        CapacityKind.TOTAL,
        18,
        None,
        "F",
        ["substance-misuse", "mental-health"],
        "Attending is a condition of an out-of-court disposal (diversionary caution).",
        False,
    ),
    (
        "youth_charity",
        "Kickstart sport-based youth scheme",
        40,
        CapacityKind.CONCURRENT,
        10,
        17,
        "",
        ["youth-diversion"],
        "",
        True,
    ),
    (
        "school",
        "Safer Schools mentoring scheme",
        25,
        CapacityKind.CONCURRENT,
        11,
        16,
        "",
        ["youth-diversion", "education-employment"],
        "",
        False,
    ),
    (
        "city_council",
        "Drink and drug awareness course",
        30,
        CapacityKind.CONCURRENT,
        18,
        None,
        "",
        ["substance-misuse"],
        "Attending the course is the condition of a community resolution.",
        False,
    ),
)
RECEIVING_KEYS = ("family_charity", "youth_charity", "city_council", "nhs", "north_vale_council", "southmarsh_council")
FORENAMES = ("Alex", "Sam", "Jordan", "Casey", "Riley", "Morgan", "Jamie", "Taylor", "Charlie", "Robin", "Kit", "Ash")
SURNAMES = ("Hardy", "Brook", "Fenwick", "Marsh", "Tull", "Penny", "Oak", "Dale", "Rowe", "Lyle", "Crane", "Wynn")
REASONS = (
    "Repeat calls about arguments at home; the person asked for support.",
    "Young person seen with older peers linked to drug supply; parents worried.",
    "Victim of a burglary, struggling to sleep and afraid to go out.",
    "Rent arrears and an eviction notice; risk of homelessness.",
    "Drinking has increased since losing work; agreed to talk to someone.",
    "Anti-social behaviour in the park; keen on football.",
    "Low mood after a bereavement, isolated.",
)


def _programmes(context: Any) -> list[Programme]:
    programmes = []
    starts = timezone.localdate() - dt.timedelta(days=730)
    for key, name, places, kind, min_age, max_age, sex, needs, conditions, self_refer in PROGRAMMES:
        organisation = context.organisations.get(key)
        if organisation is None:
            continue
        programme, _created = Programme.objects.get_or_create(
            name=name,
            organisation=organisation,
            defaults={
                "places": places,
                "capacity_kind": kind,
                "starts_on": starts,
                "ends_on": starts + dt.timedelta(days=730 + 365),
                "minimum_age": min_age,
                "maximum_age": max_age,
                "eligible_sex": sex,
                "need_categories": needs,
                "conditions": conditions,
                "accepts_self_referrals": self_refer,
                "description": name,
            },
        )
        programmes.append(programme)
    return programmes


def _receiving_services(context: Any, rng: random.Random) -> list[ReceivingService]:
    from upstream.directory.models import Service

    receivers = [context.organisations[k] for k in RECEIVING_KEYS if k in context.organisations]
    if not receivers:
        return []
    existing = list(ReceivingService.objects.select_related("service"))
    if existing:
        return existing
    services = list(Service.objects.filter(status="active").order_by("name", "id")[:400])
    chosen = rng.sample(services, min(24, len(services))) if services else []
    routes = [
        ReceivingService(
            service=service,
            organisation=receivers[i % len(receivers)],
            acknowledge_within_days=rng.choice((2, 3, 5, 5, 10)),
            accepts_self_referrals=i % 3 == 0,
        )
        for i, service in enumerate(sorted(chosen, key=lambda s: s.name))
    ]
    return ReceivingService.objects.bulk_create(routes)


def _walk(rng: random.Random) -> list[str]:
    # A random path through the state machine, weighted towards what usually happens.
    weights = {
        Status.DRAFT: {Status.SENT: 12, Status.WITHDRAWN: 0.4, "stop": 1},
        Status.SENT: {Status.RECEIVED: 12, Status.WITHDRAWN: 0.4, "stop": 2},
        Status.RECEIVED: {Status.ACCEPTED: 8, Status.DECLINED: 3, Status.WITHDRAWN: 0.4, "stop": 1},
        Status.ACCEPTED: {Status.IN_PROGRESS: 8, Status.NOT_ENGAGED: 2, Status.WITHDRAWN: 0.4, "stop": 1},
        Status.IN_PROGRESS: {Status.COMPLETED: 8, Status.NOT_ENGAGED: 2, Status.WITHDRAWN: 0.4, "stop": 2},
    }
    path: list[str] = []
    status: str = Status.DRAFT
    while TRANSITIONS[status]:
        options = weights[status]
        nxt = rng.choices(list(options), weights=list(options.values()))[0]
        if nxt == "stop":
            break
        path.append(nxt)
        status = nxt
    return path


def build(context: Any) -> dict[str, int]:
    """Creates the demo programmes, receiving services and referrals (a second run changes nothing)."""
    rng = context.random("referrals")
    programmes = _programmes(context)
    routes = _receiving_services(context, rng)
    counts = {"programmes": len(programmes), "services taking referrals": len(routes), "referrals created": 0}
    if Referral.objects.filter(source_reference__startswith=DEMO_REFERENCE).exists():
        return counts
    police = context.organisations.get("police")
    referrers = [
        u
        for u in User.objects.filter(organisation=police, is_demo_user=True).order_by("username")
        if u.role_set & {Role.OFFICER, Role.CALL_HANDLER, Role.SUPERVISOR}
    ]
    if police is None or not referrers or not (programmes or routes):
        return counts
    receivers = {o.pk: _receiving_staff(o) for o in Organisation.objects.all()}
    from upstream.places.models import Area, AreaLevel

    wards = list(Area.objects.filter(level=AreaLevel.WARD).order_by("code")) if context.force is not None else []
    now = timezone.now()
    targets = [(None, p, p.organisation_id, p.acknowledge_within_days) for p in programmes]
    targets += [(r.service, None, r.organisation_id, r.acknowledge_within_days) for r in routes]
    counts["referrals created"] = _make_referrals(rng, now, police, referrers, receivers, targets, wards)
    return counts


def _receiving_staff(organisation: Organisation) -> User | None:
    staff = User.objects.filter(organisation=organisation, is_active=True).order_by("username")
    return next((u for u in staff if Role.PARTNER_CASEWORKER in u.role_set), None)


def _make_referrals(  # noqa: PLR0917 - one generator, its inputs and its bookkeeping
    rng: random.Random,
    now: dt.datetime,
    police: Organisation,
    referrers: list[User],
    receivers: dict[int, User | None],
    targets: list[tuple[Any, Any, int, int]],
    wards: list[Any],
) -> int:
    people: list[Person] = []
    plans = []
    for i in range(REFERRAL_COUNT):
        referrer = referrers[i % len(referrers)]
        service, programme, receiving_id, days = rng.choice(targets)
        sex = programme.eligible_sex if programme is not None and programme.eligible_sex else rng.choice("MFMFX")
        low = programme.minimum_age if programme is not None and programme.minimum_age is not None else 12
        high = programme.maximum_age if programme is not None and programme.maximum_age is not None else 70
        age = rng.randint(low, max(low, high))
        created = now - dt.timedelta(days=rng.uniform(0, 729), hours=rng.uniform(0, 8))
        dob = (created - dt.timedelta(days=age * 365 + rng.randint(0, 364))).date()
        people.append(
            Person(
                controller=police,
                legal_regime=LegalRegime.LAW_ENFORCEMENT,
                purpose="prevention referral (demo)",
                retention_class=RetentionClass.CASEWORK,
                forenames=rng.choice(FORENAMES),
                surname=rng.choice(SURNAMES),
                date_of_birth=dob,
                date_of_birth_precision="day",
                sex=sex,
                created_by=referrer,
            )
        )
        plans.append((referrer, service, programme, receiving_id, days, created, _walk(rng)))
    people = Person.objects.bulk_create(people)
    referrals: list[Referral] = []
    histories: list[list[tuple[str, str, dt.datetime, User | None]]] = []
    for i, (person, (referrer, service, programme, receiving_id, days, created, path)) in enumerate(
        zip(people, plans, strict=True)
    ):
        moment = created
        stamps: dict[str, dt.datetime] = {}
        history = [("", Status.DRAFT, created, referrer)]
        previous: str = Status.DRAFT
        for status in path:
            moment = min(
                now, moment + dt.timedelta(hours=rng.uniform(2, 24 * (8 if status == Status.RECEIVED else 20)))
            )
            stamps[status] = moment
            actor = referrer if status in (Status.SENT, Status.WITHDRAWN) else receivers.get(receiving_id)
            history.append((previous, status, moment, actor))
            previous = status
        final = path[-1] if path else Status.DRAFT
        consent = rng.random() < SHARE_WITH_CONSENT
        referral = Referral(
            person=person,
            service=service,
            programme=programme,
            receiving_organisation_id=receiving_id,
            referring_organisation=police,
            referred_by=referrer,
            reason=rng.choice(REASONS),
            need_categories=list(programme.need_categories) if programme else list(service.need_categories or [])[:2],
            urgency=rng.choices([Urgency.ROUTINE, Urgency.SOON, Urgency.URGENT], weights=[6, 3, 1])[0],
            source_kind=rng.choice([SourceKind.CALL, SourceKind.CASE, SourceKind.TRIGGER, SourceKind.PROBLEM_PLAN]),
            source_reference=f"{DEMO_REFERENCE}{i + 1:04d}",
            area=rng.choice(wards) if wards else None,
            person_sex=person.sex,
            person_age_band=age_band(person.date_of_birth, created.date()),
            consent_basis=ConsentBasis.CONSENT if consent else ConsentBasis.LAWFUL_BASIS,
            consent_given_by=ConsentGivenBy.PERSON if consent else "",
            consent_given_at=created if consent else None,
            consent_scope="sharing contact details and the reason with the service" if consent else "",
            lawful_basis="" if consent else LawfulBasis.SAFEGUARDING,
            lawful_basis_reason="" if consent else "Asking would put a child at greater risk.",
            status=final,
            version=len(path) + 1,
            created_at=created,
            sent_at=stamps.get(Status.SENT),
            received_at=stamps.get(Status.RECEIVED),
            accepted_at=stamps.get(Status.ACCEPTED),
            declined_at=stamps.get(Status.DECLINED),
            started_at=stamps.get(Status.IN_PROGRESS),
            completed_at=stamps.get(Status.COMPLETED),
            withdrawn_at=stamps.get(Status.WITHDRAWN),
            not_engaged_at=stamps.get(Status.NOT_ENGAGED),
            acknowledge_by=add_working_days(stamps[Status.SENT].date(), days) if Status.SENT in stamps else None,
            decline_reason=rng.choices(list(DeclineReason.values), weights=[3, 4, 1, 2, 1])[0]
            if final == Status.DECLINED
            else "",
            outcome=(
                rng.choices(
                    [Outcome.ENGAGED, Outcome.GOALS_PARTLY_MET, Outcome.GOALS_MET, Outcome.RE_REFERRED],
                    weights=[2, 3, 4, 1],
                )[0]
                if final == Status.COMPLETED
                else Outcome.NOT_ENGAGED
                if final == Status.NOT_ENGAGED
                else ""
            ),
        )
        referrals.append(referral)
        histories.append(history)
    referrals = Referral.objects.bulk_create(referrals)
    events = [
        ReferralEvent(
            referral=referral,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            actor_label=actor.get_username() if actor else "demo",
            organisation_id=actor.organisation_id if actor else None,
            occurred_at=moment,
        )
        for referral, history in zip(referrals, histories, strict=True)
        for from_status, to_status, moment, actor in history
    ]
    ReferralEvent.objects.bulk_create(events)
    # Sending shared the person with the receiving organisation, as send_referral does.
    AccessGrant.objects.bulk_create(
        AccessGrant(
            object_type="people.person",
            object_id=str(r.person_id),
            granted_to_organisation_id=r.receiving_organisation_id,
            granted_by=r.referred_by,
            purpose=f"referral {r.reference}",
        )
        for r in referrals
        if r.sent_at is not None
    )
    _enrol(referrals, receivers)
    return len(referrals)


def _enrol(referrals: list[Referral], receivers: dict[int, User | None]) -> None:
    # Accepted programme referrals take places in order of acceptance; the rest queue.
    taken: dict[int, int] = {}
    queue: dict[int, int] = {}
    enrolments = []
    accepted = [r for r in referrals if r.programme_id and r.accepted_at is not None]
    for referral in sorted(accepted, key=lambda r: r.accepted_at or r.created_at):
        programme = referral.programme
        staff = receivers.get(programme.organisation_id)
        if staff is None:
            continue
        status = {
            Status.COMPLETED: EnrolmentStatus.COMPLETED,
            Status.WITHDRAWN: EnrolmentStatus.WITHDRAWN,
            Status.NOT_ENGAGED: EnrolmentStatus.WITHDRAWN,
        }.get(referral.status, EnrolmentStatus.ENROLLED)
        position = None
        if status == EnrolmentStatus.ENROLLED and taken.get(programme.pk, 0) >= programme.places:
            status = EnrolmentStatus.WAITING
            queue[programme.pk] = position = queue.get(programme.pk, 0) + 1
        elif status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED):
            taken[programme.pk] = taken.get(programme.pk, 0) + (
                1 if status == EnrolmentStatus.ENROLLED or programme.capacity_kind == CapacityKind.TOTAL else 0
            )
        enrolments.append(
            Enrolment(
                programme=programme,
                person_id=referral.person_id,
                referral=referral,
                status=status,
                waiting_position=position,
                outcome=referral.outcome if status == EnrolmentStatus.COMPLETED else "",
                created_by=staff,
                created_at=referral.accepted_at,
                enrolled_at=referral.accepted_at if status != EnrolmentStatus.WAITING else None,
                completed_at=referral.completed_at if status == EnrolmentStatus.COMPLETED else None,
                withdrawn_at=(referral.withdrawn_at or referral.not_engaged_at)
                if status == EnrolmentStatus.WITHDRAWN
                else None,
            )
        )
    Enrolment.objects.bulk_create(enrolments)
