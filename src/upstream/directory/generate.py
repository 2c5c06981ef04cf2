"""Generated directories: realistic-looking services for tests, benchmarks and the demo (never real people)."""

# ruff: noqa: PLR2004, S311 - seeded random shares make up data; nothing here is secret

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from upstream.directory.models import (
    Address,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from upstream.directory.services import refresh_services_index

NEEDS = {
    "domestic-abuse": ("Domestic abuse support", "Safety planning, refuge referrals and an independent advocate."),
    "substance-misuse": ("Drug and alcohol service", "Confidential help to cut down or stop drinking or using drugs."),
    "mental-health": ("Mental health drop-in", "Talk to a trained counsellor about anxiety, low mood or stress."),
    "youth-diversion": ("Youth diversion project", "Sport, mentoring and activities for young people at risk."),
    "victim-support": ("Victim support", "Emotional and practical help after a crime, reported or not."),
    "housing": ("Housing advice", "Help if you are homeless or about to lose your home."),
    "debt": ("Debt advice", "Free, confidential advice on debts, benefits and budgeting."),
    "food": ("Food bank", "Emergency food parcels with a voucher from a referrer."),
    "parenting": ("Parenting support", "Groups and one-to-one help for parents and carers."),
    "education-employment": ("Jobs and skills club", "Help with CVs, training and finding work."),
}
PLACES = ["Cardiff", "Newport", "Swansea", "Bridgend", "Barry", "Caerphilly", "Pontypridd", "Merthyr Tydfil"]
GROUPS = ["victim", "young_person", "offender", "family", "adult", "older_person", "carer"]
MODES = ["in_person", "phone", "online"]
# Around South Wales: points land on the map the demo force covers.
LAT_RANGE, LON_RANGE = (51.40, 51.75), (-3.95, -2.95)


def schedule_rows(rng: random.Random, service_id: uuid.UUID) -> list[Schedule]:
    """Returns realistic opening hours for a generated service (used by the generator and the demo)."""
    rows = []
    weekdays = "MO,TU,WE,TH,FR"
    kind = rng.random()
    if kind < 0.5:  # two sessions on weekdays, with a lunch break
        rows.append(
            Schedule(
                service_id=service_id, freq="WEEKLY", byday=weekdays, opens_at=dt.time(9), closes_at=dt.time(12, 30)
            )
        )
        rows.append(
            Schedule(
                service_id=service_id, freq="WEEKLY", byday=weekdays, opens_at=dt.time(13, 30), closes_at=dt.time(17)
            )
        )
    elif kind < 0.8:  # one long day, some evenings
        rows.append(
            Schedule(service_id=service_id, freq="WEEKLY", byday=weekdays, opens_at=dt.time(8), closes_at=dt.time(20))
        )
    elif kind < 0.9:  # weekends
        rows.append(
            Schedule(service_id=service_id, freq="WEEKLY", byday="SA,SU", opens_at=dt.time(10), closes_at=dt.time(16))
        )
    else:  # always open
        rows.append(Schedule(service_id=service_id, freq="WEEKLY", opens_at=dt.time(0), closes_at=dt.time(23, 59, 59)))
    return rows


def generate_directory(count: int, *, seed: int = 1, today: dt.date | None = None) -> list[uuid.UUID]:
    """Creates `count` services (with organisations, locations, hours, costs and languages); returns their ids."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    ids: list[uuid.UUID] = []
    with transaction.atomic():
        organizations = [
            Organization(
                id=uuid.UUID(int=rng.getrandbits(128)),
                name=f"{rng.choice(PLACES)} Community Trust {i}",
                description="A local charity.",
            )
            for i in range(max(1, count // 5))
        ]
        Organization.objects.bulk_create(organizations)
        batch: dict[str, list[Any]] = {
            k: [] for k in ("services", "locations", "sals", "addresses", "schedules", "phones", "costs", "languages")
        }
        for _i in range(count):
            need = rng.choice(list(NEEDS))
            title, blurb = NEEDS[need]
            place = rng.choice(PLACES)
            sid = uuid.UUID(int=rng.getrandbits(128))
            low = rng.choice([None, None, 11, 16, 18])
            groups = rng.sample(GROUPS, rng.randint(1, 3))
            batch["services"].append(
                Service(
                    id=sid,
                    organization=rng.choice(organizations),
                    name=f"{place} {title}",
                    description=f"{blurb} Based in {place}.",
                    eligibility_description="Anyone who lives or works in the area."
                    if low is None
                    else f"People aged {low} and over.",
                    minimum_age=low,
                    maximum_age=25 if need == "youth-diversion" else None,
                    eligibility_sex=rng.choice(["", "", "", "female"]) if need == "domestic-abuse" else "",
                    client_groups=groups,
                    need_categories=[need] + ([rng.choice(list(NEEDS))] if rng.random() < 0.3 else []),
                    attendance_modes=rng.sample(MODES, rng.randint(1, 3)),
                    capacity_status=rng.choice(["open", "open", "waiting_list", "full"]),
                    application_process="Call us or drop in during opening hours.",
                    # About one in six records is overdue for a check.
                    last_verified_at=today - dt.timedelta(days=rng.randint(0, 400)),
                    last_verified_by="Directory co-ordinator",
                    recheck_interval_days=180,
                )
            )
            lid = uuid.UUID(int=rng.getrandbits(128))
            batch["locations"].append(
                Location(
                    id=lid,
                    name=f"{place} Community Hub",
                    latitude=round(rng.uniform(*LAT_RANGE), 5),
                    longitude=round(rng.uniform(*LON_RANGE), 5),
                )
            )
            batch["sals"].append(
                ServiceAtLocation(id=uuid.UUID(int=rng.getrandbits(128)), service_id=sid, location_id=lid)
            )
            batch["addresses"].append(
                Address(
                    location_id=lid,
                    address_1=f"{rng.randint(1, 200)} High Street",
                    city=place,
                    state_province="Wales",
                    postal_code=f"CF{rng.randint(1, 99)} {rng.randint(1, 9)}{''.join(rng.choices('ABDEFGHJ', k=2))}",
                    country="GB",
                )
            )
            batch["schedules"].extend(schedule_rows(rng, sid))
            batch["phones"].append(
                Phone(service_id=sid, number=f"029 {rng.randint(2000, 2999)} {rng.randint(1000, 9999)}")
            )
            if rng.random() < 0.2:
                batch["costs"].append(
                    CostOption(service_id=sid, option="Per session", currency="GBP", amount=rng.choice([5, 10, 20]))
                )
            batch["languages"].append(Language(service_id=sid, name="English", code="en"))
            if rng.random() < 0.4:
                batch["languages"].append(Language(service_id=sid, name="Welsh", code="cy"))
            ids.append(sid)
        for key, model in (
            ("services", Service),
            ("locations", Location),
            ("sals", ServiceAtLocation),
            ("addresses", Address),
            ("schedules", Schedule),
            ("phones", Phone),
            ("costs", CostOption),
            ("languages", Language),
        ):
            model.objects.bulk_create(batch[key], batch_size=1000)
        refresh_services_index(service_ids=ids)
    return ids
