"""The demo's work for the directory co-ordinator: queues with something in them, provider links and guides.

Providers linked to their entries, changes waiting for approval, reports from the public, a few broken
phone numbers and websites, a finished phone check, staff notes, and guides. (Stale records and duplicates
come with the services: directory/demo.py.)

Called by the directory's demo step after its services exist. Deterministic for a seed; a second run finds
the first guide and adds nothing. Written directly, without audit events, as the rest of the demo directory.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from upstream.directory.models import (
    ChangeProposal,
    CheckKind,
    CheckRun,
    Guide,
    Organization,
    Phone,
    ProblemReport,
    ProviderLink,
    Service,
    ServiceStatus,
    StaffNote,
)
from upstream.directory.workspace.services import current_values
from upstream.directory.workspace.tasks import run_checks

GUIDES: list[dict[str, Any]] = [
    {
        "slug": "register-with-a-gp",
        "title": "Register with a GP",
        "summary": "Anyone in England and Wales can register with a GP surgery. You do not need proof of address "
        "or immigration status, or an NHS number.",
        "needs": ["mental-health", "substance-misuse"],
        "body": """## Find a surgery
Look for GP surgeries near where you live on the [NHS website](https://www.nhs.uk/service-search/find-a-gp).

## Register
1. Contact the surgery, or fill in its online form.
2. Give your name, date of birth and address (with no fixed address, a temporary one will do).
3. The surgery may ask for identity documents, but it cannot refuse you because you do not have them.

## If a surgery says no
A surgery can only refuse you for a good reason, such as its list being closed, and it must tell you why in writing.
Ask the drop-in services below for help if you are finding it hard to register.""",
    },
    {
        "slug": "find-a-food-bank",
        "title": "Find a food bank",
        "summary": "Food banks give emergency food to people who cannot afford it. Most ask for a voucher from "
        "someone who knows your situation.",
        "needs": ["food", "debt"],
        "body": """## Get a voucher
Ask your GP, a support worker, Citizens Advice, your council or a school for a food bank voucher.
Some food banks and community pantries do not need a voucher: check with the service.

## What you get
- at least three days of food for you and your family
- toiletries and household items at many food banks
- advice on money, benefits and debt, so you need the food bank less

## If you need food today
Ring the food bank. If it is closed, your council's housing or welfare team can help in an emergency.""",
    },
    {
        "slug": "worried-about-a-child",
        "title": "If you are worried about a child",
        "summary": "What to do if you think a child is being harmed or is at risk.",
        "needs": ["parenting", "domestic-abuse"],
        "body": """## If a child is in immediate danger
Call 999.

## If you are worried but it is not an emergency
- Contact your council's children's services team. Anyone can do this: you do not need to be sure.
- Call the NSPCC helpline on [0808 800 5000](tel:08088005000).
- Children and young people can call Childline on [0800 1111](tel:08001111).

## What happens next
Children's services decide whether the family needs support or the child needs protecting.
Many families get help from the parenting and family support services listed below.""",
    },
    {
        "slug": "help-with-debt",
        "title": "Get free help with debt",
        "summary": "Free, confidential debt advice can stop the calls, freeze interest and agree payments "
        "you can afford.",
        "needs": ["debt"],
        "body": """## Do this first
1. Do not ignore letters about debts, and do not borrow to pay them.
2. Pay your priority bills first: rent or mortgage, council tax, energy, and court fines.
3. Contact one of the free advice services below. Avoid companies that charge a fee.

## What an adviser can do
- check you get every benefit you are entitled to
- agree affordable payments with the people you owe
- set up Breathing Space, which stops interest and enforcement for 60 days""",
    },
]
REPORTS = [
    "The phone number on this page rings out, nobody ever answers.",
    "I went on Tuesday and the building was shut. A sign said the group has moved to the library.",
    "This service closed down last year, the hall is now a café.",
    "The opening times are wrong, they open at 10 not 9 on Saturdays.",
    "It says free but they asked me for £5 for the session.",
]
BAD_NUMBERS = ["01632 96012", "1632 960123", "01632 960123 ask for Sam", "020 7946 01"]
NOTES = [
    "Ring before 10am: after that the line goes to voicemail and they rarely call back the same day.",
    "They take professional referrals on Mondays only. Email is quicker than the phone.",
    "Good with young men who will not engage elsewhere; the co-ordinator is Dee.",
]


def build(context: Any) -> dict[str, int]:
    """Seeds the co-ordinator's queues, provider links and guides (once)."""
    if Guide.objects.filter(slug=GUIDES[0]["slug"]).exists() or not Service.objects.exists():
        return {"guides": 0, "pending changes": 0, "public reports": 0}
    rng = context.random("directory-workspace")
    now = timezone.now()
    links = _link_providers(context)
    services = list(Service.objects.exclude(status=ServiceStatus.DEFUNCT).select_related("organization").order_by("pk"))

    # Changes waiting for approval, from the demo caseworker's organisation (or any linked provider).
    caseworker = context.users.get("partner_caseworker")
    proposals = 0
    if caseworker is not None:
        theirs = [s for s in services if s.organization_id in links.get(caseworker.organisation_id, set())]
        for n, service in enumerate(rng.sample(theirs, min(3, len(theirs)))):
            values = current_values(service)
            changes = [
                {"phone": f"01632 960{rng.randint(100, 999)}", "wait_time": "About two weeks"},
                {"application_process": "Refer yourself by phone or online; professionals can email a referral form."},
                {
                    "description": values["description"] + " Now also on Saturday mornings.",
                    "capacity_status": "waiting_list",
                },
            ][n % 3]
            ChangeProposal.objects.create(
                service=service,
                proposed_by=caseworker,
                proposed_by_label=caseworker.get_full_name() or caseworker.username,
                organisation_id=caseworker.organisation_id,
                original={k: values.get(k, "") for k in changes},
                changes=changes,
                note="Our details changed this month." if n == 0 else "",
                created_at=now - dt.timedelta(days=n + 1),
            )
            proposals += 1

    # Reports from the public.
    for n, message in enumerate(REPORTS):
        ProblemReport.objects.create(
            service=rng.choice(services), message=message, reported_at=now - dt.timedelta(days=n * 2, hours=n)
        )

    # Websites for a share of services (on the reserved .example domain, so a check never reaches a real
    # site), and a few mistyped phone numbers for the phone check to find.
    for service in rng.sample(services, 40):
        slug = "".join(c if c.isalnum() else "-" for c in service.name.lower()).strip("-")
        service.url = f"https://{slug[:40]}.example/"
    Service.objects.bulk_update([s for s in services if s.url], ["url"])
    phones = list(Phone.objects.filter(service__in=rng.sample(services, len(BAD_NUMBERS))).order_by("pk"))
    for phone, number in zip(phones, BAD_NUMBERS, strict=False):
        phone.number = number
    Phone.objects.bulk_update(phones, ["number"])
    coordinator = context.users.get("directory_coordinator")
    run = CheckRun.objects.create(kind=CheckKind.PHONE, requested_by=coordinator)
    run_checks(run.pk)

    # Staff notes and guides.
    for text, service in zip(NOTES, rng.sample(services, len(NOTES)), strict=True):
        StaffNote.objects.create(
            service=service,
            author=coordinator,
            author_label=(coordinator.get_full_name() if coordinator else "") or "Directory co-ordinator",
            organisation_label=str(getattr(coordinator, "organisation", "") or ""),
            text=text,
        )
    for spec in GUIDES:
        guide = Guide.objects.create(
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            body=spec["body"],
            need_categories=spec["needs"],
            status=Guide.Status.PUBLISHED,
            updated_by="Directory co-ordinator",
        )
        matching = [s for s in services if set(s.need_categories) & set(spec["needs"])]
        guide.services.set(rng.sample(matching, min(3, len(matching))))
    return {"guides": len(GUIDES), "pending changes": proposals, "public reports": len(REPORTS)}


def _link_providers(context: Any) -> dict[int, set[Any]]:
    """Links each demo partner organisation to its entry in the directory (same name)."""
    by_name = {o.name: o for o in Organization.objects.all()}
    links: dict[int, set[Any]] = {}
    for organisation in context.organisations.values():
        entry = by_name.get(organisation.name)
        if entry is not None:
            ProviderLink.objects.update_or_create(organization=entry, defaults={"organisation": organisation})
            links.setdefault(organisation.pk, set()).add(entry.pk)
    return links
