"""The demo's Welsh: names, descriptions, how to get help and who it is for, for part of the directory.

Most are published and some are still drafts. Written by people (the demo's translators are not named),
reviewed by the demo co-ordinator. Runs after the directory step; a second run adds nothing. Written directly,
without audit events, as the directory's demo is.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from upstream.directory.models import Service
from upstream.translation.models import Source, Status, Translation

order = 55
label = "Welsh translations"

TRANSLATED = 90  # services with Welsh words
DRAFT_EVERY = 4  # one in four is still a draft waiting for review

NAMES = {
    "Domestic abuse outreach": "Allgymorth cam-drin domestig",
    "IDVA service": "Gwasanaeth IDVA",
    "Freedom programme": "Rhaglen Rhyddid",
    "Refuge referral line": "Llinell atgyfeirio lloches",
    "Drug and alcohol service": "Gwasanaeth cyffuriau ac alcohol",
    "Recovery café": "Caffi adferiad",
    "Needle exchange": "Cyfnewid nodwyddau",
    "Alcohol brief advice clinic": "Clinig cyngor byr ar alcohol",
    "Mental health drop-in": "Sesiwn galw heibio iechyd meddwl",
    "Talking therapies": "Therapïau siarad",
    "Crisis café": "Caffi argyfwng",
    "Wellbeing walk": "Taith gerdded llesiant",
    "Youth diversion project": "Prosiect dargyfeirio ieuenctid",
    "Friday night football": "Pêl-droed nos Wener",
    "Detached youth work": "Gwaith ieuenctid ar y stryd",
    "Boxing club": "Clwb bocsio",
    "Victim support": "Cymorth i ddioddefwyr",
    "Hate crime support": "Cymorth troseddau casineb",
    "Fraud victims' service": "Gwasanaeth dioddefwyr twyll",
    "Restorative justice service": "Gwasanaeth cyfiawnder adferol",
    "Housing options": "Opsiynau tai",
    "Homelessness prevention": "Atal digartrefedd",
    "Tenancy sustainment": "Cynnal tenantiaeth",
    "Night shelter": "Lloches nos",
    "Debt advice": "Cyngor ar ddyledion",
    "Benefits check": "Gwiriad budd-daliadau",
    "Money mentors": "Mentoriaid arian",
    "Food bank": "Banc bwyd",
    "Community pantry": "Pantri cymunedol",
    "Lunch club": "Clwb cinio",
    "Parenting support": "Cymorth rhianta",
    "Triple P group": "Grŵp Triple P",
    "Dads' group": "Grŵp tadau",
    "Family support worker": "Gweithiwr cymorth i deuluoedd",
    "Jobs and skills club": "Clwb swyddi a sgiliau",
    "Adult learning": "Dysgu oedolion",
    "Work coach drop-in": "Sesiwn galw heibio anogwr gwaith",
    "Back on track": "Yn ôl ar y trywydd",
}
BLURBS = {
    "Safety planning, refuge referrals and an independent domestic violence advocate.": (
        "Cynllunio diogelwch, atgyfeiriadau at loches ac eiriolwr annibynnol trais domestig."
    ),
    "Confidential help to cut down or stop drinking or using drugs, and support to stay stopped.": (
        "Help cyfrinachol i yfed llai neu roi'r gorau i yfed neu ddefnyddio cyffuriau, a chymorth i gadw draw."
    ),
    "Talk to a trained counsellor about anxiety, low mood or stress; no referral needed.": (
        "Siaradwch â chwnselydd hyfforddedig am orbryder, hwyliau isel neu straen; nid oes angen atgyfeiriad."
    ),
    "Sport, mentoring and activities for young people at risk of getting into trouble.": (
        "Chwaraeon, mentora a gweithgareddau i bobl ifanc sydd mewn perygl o fynd i drafferth."
    ),
    "Emotional and practical help after a crime, whether or not it was reported to the police.": (
        "Help emosiynol ac ymarferol ar ôl trosedd, p'un a gafodd ei riportio i'r heddlu ai peidio."
    ),
    "Help if you are homeless or about to lose your home, and support to keep a tenancy going.": (
        "Help os ydych yn ddigartref neu ar fin colli eich cartref, a chymorth i gynnal tenantiaeth."
    ),
    "Free, confidential advice on debts, benefits and budgeting.": (
        "Cyngor am ddim a chyfrinachol ar ddyledion, budd-daliadau a chyllidebu."
    ),
    "Emergency food parcels with a voucher from a referrer, and a low-cost pantry.": (
        "Parseli bwyd brys gyda thaleb gan atgyfeiriwr, a phantri cost isel."
    ),
    "Groups and one-to-one help for parents and carers, including of teenagers.": (
        "Grwpiau a help un i un i rieni a gofalwyr, gan gynnwys rhieni pobl ifanc yn eu harddegau."
    ),
    "Help with CVs, training, qualifications and finding work.": (
        "Help gyda CVs, hyfforddiant, cymwysterau a dod o hyd i waith."
    ),
}

# The demo directory's other recurring words (how to get help, who it is for).
PHRASES = {
    "Refer yourself online.": "Atgyfeiriwch eich hun ar-lein.",
    "Ask a professional to refer you.": "Gofynnwch i weithiwr proffesiynol eich atgyfeirio.",
    "Call us or drop in during opening hours.": "Ffoniwch ni neu galwch heibio yn ystod yr oriau agor.",
    "People aged 16 and over who live or work in Avonmere.": "Pobl 16 oed a hŷn sy'n byw neu'n gweithio yn Avonmere.",
    "People aged 18 and over who live or work in Avonmere.": "Pobl 18 oed a hŷn sy'n byw neu'n gweithio yn Avonmere.",
    "Anyone who lives or works in Avonmere.": "Unrhyw un sy'n byw neu'n gweithio yn Avonmere.",
    "Young people aged 10 to 17 who live or study in Avonmere.": (
        "Pobl ifanc 10 i 17 oed sy'n byw neu'n astudio yn Avonmere."
    ),
}
FIELDS = ("name", "description", "application_process", "eligibility_description")


def welsh_name(name: str) -> str | None:
    """Returns "Banc bwyd Avonmere" for "Avonmere Food bank" (Welsh puts the place after), or None."""
    for english, welsh in NAMES.items():
        if name.endswith(" " + english):
            return f"{welsh} {name[: -len(english) - 1]}"
    return None


def welsh_description(description: str) -> str | None:
    """Returns the Welsh of a demo description ("<blurb> Run by <provider> in <town>."), or None."""
    for english, welsh in BLURBS.items():
        if description.startswith(english):
            rest = description[len(english) :].strip()
            if rest.startswith("Run by ") and " in " in rest:
                provider, town = rest[len("Run by ") :].rstrip(".").rsplit(" in ", 1)
                return f"{welsh} Gwasanaeth gan {provider} yn {town}."
            return welsh
    return None


def build(context: Any) -> dict[str, int]:  # noqa: ARG001 - every demo step takes the context
    """Gives part of the demo directory its Welsh words, most published, some drafts."""
    from upstream.accounts.models import User

    content_type = ContentType.objects.get_for_model(Service)
    if Translation.objects.filter(content_type=content_type, language="cy").exists():
        return {"translations created": 0}
    reviewer = User.objects.filter(username="demo-coordinator").first()
    now = timezone.now()
    rows = []
    services = Service.objects.order_by("id").only("id", *FIELDS)[:TRANSLATED]
    for i, service in enumerate(services):
        draft = i % DRAFT_EVERY == DRAFT_EVERY - 1 or reviewer is None
        welsh_of = {
            "name": welsh_name(service.name),
            "description": welsh_description(service.description),
            "application_process": PHRASES.get(service.application_process),
            "eligibility_description": PHRASES.get(service.eligibility_description),
        }
        for field, welsh in welsh_of.items():
            if not welsh:
                continue
            rows.append(
                Translation(
                    content_type=content_type,
                    object_id=str(service.pk),
                    field=field,
                    language="cy",
                    text=welsh,
                    source_text=getattr(service, field),
                    source=Source.HUMAN,
                    status=Status.DRAFT if draft else Status.PUBLISHED,
                    reviewed_by=None if draft else reviewer,
                    reviewed_at=None if draft else now,
                    published_by=None if draft else reviewer,
                    published_at=None if draft else now,
                )
            )
    Translation.objects.bulk_create(rows)
    return {"translations created": len(rows)}
