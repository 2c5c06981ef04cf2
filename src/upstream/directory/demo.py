"""The demo's service directory: about three hundred services across Avonmere's neighbourhoods.

Each service has a place inside one of the demo neighbourhoods (linked to it), opening hours, eligibility,
a phone number and a provider: the demo partner organisations run some, made-up local charities the rest.
About one in seven records has not been checked for well over a year, and a few services are listed twice
under slightly different names, so the co-ordinator's queues have something in them. The models hold no
translations, so there are no Welsh names; services that offer Welsh say so in their languages.

Deterministic for a seed, and written directly (no audit events: nothing was imported). Record ids do not
depend on the seed, so a second run, with any seed, recognises the directory and adds nothing. Runs before
the referrals step (order 60), which picks its services taking referrals from these.
"""

# ruff: noqa: PLR2004 - seeded random shares make up data; nothing here is secret

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.utils import timezone
from shapely.geometry import Point, shape

from upstream.directory.generate import schedule_rows
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
from upstream.directory.workspace import demo as workspace_demo
from upstream.places.models import Area, AreaLevel
from upstream.places.postcodes import Postcode, demo_postcodes

order = 50
label = "Service directory"

SERVICE_COUNT = 300
DUPLICATES = 8
STALE_SHARE = 0.15
NAMESPACE = uuid.UUID("6f1d0c6a-3b2e-4c55-9a57-0d1e7c2b9a10")
DEMO_PARTNERS = ("family_charity", "youth_charity", "city_council", "nhs", "north_vale_council", "southmarsh_council")
CHARITIES = (
    "Avonmere Women's Aid",
    "Vale Recovery Network",
    "Southmarsh Mind",
    "Avonmere Victim Care",
    "Harbourside Housing Trust",
    "Vale Money Advice",
    "Southmarsh Food Bank",
    "Avonmere Foodshare",
    "Kestle Moor Community Trust",
    "North Vale Families Together",
    "Avonmere Works",
    "Marsh Lane Youth Club",
)
# need: (provider keys or charities, names, description, eligibility, age range, sex choices, client groups)
NEEDS: dict[str, dict[str, Any]] = {
    "domestic-abuse": {
        "providers": ("family_charity", "Avonmere Women's Aid"),
        "names": ("Domestic abuse outreach", "IDVA service", "Freedom programme", "Refuge referral line"),
        "blurb": "Safety planning, refuge referrals and an independent domestic violence advocate.",
        "ages": (16, None),
        "sex": ("", "", "female"),
        "groups": ["victim", "adult", "family"],
    },
    "substance-misuse": {
        "providers": ("nhs", "Vale Recovery Network"),
        "names": ("Drug and alcohol service", "Recovery café", "Needle exchange", "Alcohol brief advice clinic"),
        "blurb": "Confidential help to cut down or stop drinking or using drugs, and support to stay stopped.",
        "ages": (18, None),
        "sex": ("",),
        "groups": ["adult", "offender"],
    },
    "mental-health": {
        "providers": ("nhs", "Southmarsh Mind"),
        "names": ("Mental health drop-in", "Talking therapies", "Crisis café", "Wellbeing walk"),
        "blurb": "Talk to a trained counsellor about anxiety, low mood or stress; no referral needed.",
        "ages": (16, None),
        "sex": ("",),
        "groups": ["adult", "carer", "older_person"],
    },
    "youth-diversion": {
        "providers": ("youth_charity", "Marsh Lane Youth Club"),
        "names": ("Youth diversion project", "Friday night football", "Detached youth work", "Boxing club"),
        "blurb": "Sport, mentoring and activities for young people at risk of getting into trouble.",
        "ages": (10, 17),
        "sex": ("",),
        "groups": ["young_person"],
    },
    "victim-support": {
        "providers": ("Avonmere Victim Care",),
        "names": ("Victim support", "Hate crime support", "Fraud victims' service", "Restorative justice service"),
        "blurb": "Emotional and practical help after a crime, whether or not it was reported to the police.",
        "ages": (None, None),
        "sex": ("",),
        "groups": ["victim", "older_person"],
    },
    "housing": {
        "providers": ("city_council", "north_vale_council", "southmarsh_council", "Harbourside Housing Trust"),
        "names": ("Housing options", "Homelessness prevention", "Tenancy sustainment", "Night shelter"),
        "blurb": "Help if you are homeless or about to lose your home, and support to keep a tenancy going.",
        "ages": (18, None),
        "sex": ("",),
        "groups": ["adult", "family"],
    },
    "debt": {
        "providers": ("Vale Money Advice",),
        "names": ("Debt advice", "Benefits check", "Money mentors"),
        "blurb": "Free, confidential advice on debts, benefits and budgeting.",
        "ages": (18, None),
        "sex": ("",),
        "groups": ["adult", "family", "older_person"],
    },
    "food": {
        "providers": ("Southmarsh Food Bank", "Avonmere Foodshare"),
        "names": ("Food bank", "Community pantry", "Lunch club"),
        "blurb": "Emergency food parcels with a voucher from a referrer, and a low-cost pantry.",
        "ages": (None, None),
        "sex": ("",),
        "groups": ["family", "adult"],
    },
    "parenting": {
        "providers": ("family_charity", "North Vale Families Together"),
        "names": ("Parenting support", "Triple P group", "Dads' group", "Family support worker"),
        "blurb": "Groups and one-to-one help for parents and carers, including of teenagers.",
        "ages": (16, None),
        "sex": ("", "", "male"),
        "groups": ["family", "carer"],
    },
    "education-employment": {
        "providers": ("Avonmere Works", "Kestle Moor Community Trust", "school"),
        "names": ("Jobs and skills club", "Adult learning", "Work coach drop-in", "Back on track"),
        "blurb": "Help with CVs, training, qualifications and finding work.",
        "ages": (16, None),
        "sex": ("",),
        "groups": ["adult", "young_person", "offender"],
    },
}
MODES = ["in_person", "phone", "online"]
VENUES = ("Community Centre", "Library", "Family Hub", "Health Centre", "Youth Centre", "Church Hall", "Hub")
STREETS = ("High Street", "Station Road", "Church Lane", "Mill Road", "Quay Street", "Park Avenue", "Marsh Lane")


def _id(kind: str, index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{index}")


def _point_in(rng: random.Random, area: Area) -> tuple[float, float]:
    polygon = shape(area.boundary)
    minx, miny, maxx, maxy = polygon.bounds
    for _attempt in range(200):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if polygon.contains(Point(lon, lat)):
            return round(lat, 6), round(lon, 6)
    point = polygon.representative_point()
    return point.y, point.x


def _organisations(context: Any) -> dict[str, Organization]:
    # The demo partners appear in the directory under their own names; the charities are invented.
    providers: dict[str, Organization] = {}
    keys = {p for need in NEEDS.values() for p in need["providers"]}
    for i, key in enumerate(sorted(keys)):
        partner = context.organisations.get(key)
        if partner is None and key not in CHARITIES:
            continue
        name = partner.name if partner is not None else key
        providers[key] = Organization(id=_id("organization", i), name=name, description=f"{name}, Avonmere.")
    Organization.objects.bulk_create(providers.values())
    return providers


def build(context: Any) -> dict[str, int]:
    """Creates the demo directory's services in the demo neighbourhoods and rebuilds their search index."""
    areas = [
        a
        for a in Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD, code__startswith="Z01")
        .select_related("parent__parent")
        .order_by("code")
        if a.boundary
    ]
    # Postcodes for the neighbourhoods (places.Postcode), so a demo search can start from a postcode.
    postcodes = demo_postcodes(areas) if areas else {}
    if Service.objects.filter(id=_id("service", 0)).exists():
        return {"services created": 0, "stale": 0, "duplicates": 0, **workspace_demo.build(context)}
    if not areas:
        return {"services created": 0, "stale": 0, "duplicates": 0}
    rng = context.random("directory")
    today = timezone.localdate()
    providers = _organisations(context)
    rows: dict[str, list[Any]] = {
        k: [] for k in ("services", "locations", "sals", "addresses", "schedules", "phones", "costs", "languages")
    }
    needs = list(NEEDS)
    originals: list[tuple[Service, uuid.UUID]] = []
    stale = 0
    for i in range(SERVICE_COUNT):
        need = needs[i % len(needs)]
        spec = NEEDS[need]
        area = rng.choice(areas)
        town = area.name.rsplit(" ", 1)[0]
        options = [p for p in spec["providers"] if p in providers] or list(CHARITIES[:1])
        provider = providers.get(rng.choice(options)) or next(iter(providers.values()))
        low, high = spec["ages"]
        old = rng.random() < STALE_SHARE
        stale += old
        sid = _id("service", i)
        service = Service(
            id=sid,
            organization=provider,
            name=f"{town} {rng.choice(spec['names'])}",
            description=f"{spec['blurb']} Run by {provider.name} in {town}.",
            eligibility_description=_eligibility(low, high),
            minimum_age=low,
            maximum_age=high,
            eligibility_sex=rng.choice(spec["sex"]),
            client_groups=rng.sample(spec["groups"], rng.randint(1, len(spec["groups"]))),
            need_categories=[need] + ([rng.choice(needs)] if rng.random() < 0.25 else []),
            attendance_modes=sorted(rng.sample(MODES, rng.randint(1, 3))),
            capacity_status=rng.choice(["open", "open", "open", "waiting_list", "full"]),
            application_process=rng.choice(
                (
                    "Call us or drop in during opening hours.",
                    "Ask a professional to refer you.",
                    "Refer yourself online.",
                )
            ),
            last_verified_at=today - dt.timedelta(days=rng.randint(400, 1100) if old else rng.randint(0, 170)),
            last_verified_by="Directory co-ordinator",
        )
        rows["services"].append(service)
        lid = _id("location", i)
        lat, lon = _point_in(rng, area)
        rows["locations"].append(
            Location(id=lid, name=f"{town} {rng.choice(VENUES)}", latitude=lat, longitude=lon, area=area)
        )
        rows["sals"].append(ServiceAtLocation(id=_id("service_at_location", i), service_id=sid, location_id=lid))
        rows["addresses"].append(
            Address(
                id=_id("address", i),
                location_id=lid,
                address_1=f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                city=town,
                state_province="Avonmere",
                postal_code=_nearest_postcode(postcodes.get(area.code, []), lat, lon),
                country="GB",
            )
        )
        _details(rng, rows, sid, i)
        originals.append((service, lid))
    for j, (original, lid) in enumerate(rng.sample(originals, DUPLICATES)):
        # The same service entered twice, by another hand: a near-identical name at the same place.
        sid = _id("duplicate", j)
        rows["services"].append(
            Service(
                id=sid,
                organization=original.organization,
                name=original.name.replace(" service", "").replace(" project", "")
                + " ("
                + original.organization.name
                + ")",
                description=original.description,
                eligibility_description=original.eligibility_description,
                minimum_age=original.minimum_age,
                maximum_age=original.maximum_age,
                client_groups=original.client_groups,
                need_categories=original.need_categories,
                attendance_modes=original.attendance_modes,
                last_verified_at=today - dt.timedelta(days=rng.randint(200, 700)),
                last_verified_by="Imported list",
            )
        )
        rows["sals"].append(ServiceAtLocation(id=_id("duplicate_at_location", j), service_id=sid, location_id=lid))
        _details(rng, rows, sid, SERVICE_COUNT + j)
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
        model.objects.bulk_create(rows[key], batch_size=500)
    refresh_services_index(service_ids=[s.id for s in rows["services"]])
    # The co-ordinator's queues, provider links and guides (directory/workspace/demo.py).
    return {
        "services created": len(rows["services"]),
        "stale": stale,
        "duplicates": DUPLICATES,
        **workspace_demo.build(context),
    }


def _nearest_postcode(postcodes: list[Postcode], lat: float, lon: float) -> str:
    if not postcodes:
        return ""
    return min(postcodes, key=lambda p: (p.latitude - lat) ** 2 + (p.longitude - lon) ** 2).postcode


def _eligibility(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "Anyone who lives or works in Avonmere."
    if high is None:
        return f"People aged {low} and over who live or work in Avonmere."
    return f"Young people aged {low} to {high} who live or study in Avonmere."


def _details(rng: random.Random, rows: dict[str, list[Any]], sid: uuid.UUID, i: int) -> None:
    schedules = schedule_rows(rng, sid)
    for n, schedule in enumerate(schedules):
        schedule.id = _id(f"schedule{n}", i)
    rows["schedules"].extend(schedules)
    rows["phones"].append(
        Phone(id=_id("phone", i), service_id=sid, number=f"01632 {rng.randint(100000, 999999)}", type="voice")
    )
    if rng.random() < 0.15:
        rows["costs"].append(
            CostOption(
                id=_id("cost", i), service_id=sid, option="Per session", currency="GBP", amount=rng.choice([3, 5])
            )
        )
    rows["languages"].append(Language(id=_id("language-en", i), service_id=sid, name="English", code="en"))
    if rng.random() < 0.2:
        rows["languages"].append(Language(id=_id("language-cy", i), service_id=sid, name="Welsh", code="cy"))
