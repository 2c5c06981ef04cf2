"""The demo's Welsh: real Welsh names and descriptions for demo services, some published and some drafts."""

from __future__ import annotations

from types import SimpleNamespace

from upstream.core.localised import localise
from upstream.directory.models import Service
from upstream.translation import demo
from upstream.translation.models import Status, Translation


def test_welsh_puts_the_place_after_the_kind_of_service():
    assert demo.welsh_name("Kestle Moor Food bank") == "Banc bwyd Kestle Moor"
    assert demo.welsh_name("Somewhere unknown") is None
    english = "Free, confidential advice on debts, benefits and budgeting. Run by Vale Money Advice in Kestle Moor."
    welsh = "Cyngor am ddim a chyfrinachol ar ddyledion, budd-daliadau a chyllidebu."
    assert demo.welsh_description(english) == f"{welsh} Gwasanaeth gan Vale Money Advice yn Kestle Moor."


def test_the_step_publishes_most_and_leaves_some_drafts(db):
    for i in range(8):
        Service.objects.create(
            name=f"Avonmere {i} Food bank",
            description="Emergency food parcels with a voucher from a referrer, and a low-cost pantry. Run by X in Y.",
            application_process="Refer yourself online.",
            eligibility_description="Something the demo never says.",
        )
    from upstream.accounts.models import Organisation, User

    User.objects.create_user(
        username="demo-coordinator",
        organisation=Organisation.objects.create(name="Council"),
        roles=["directory_coordinator"],
    )
    # Name, description and "what to do" for each; the eligibility is not a sentence the demo knows.
    assert demo.build(SimpleNamespace())["translations created"] == 24
    assert demo.build(SimpleNamespace())["translations created"] == 0
    statuses = list(Translation.objects.values_list("status", flat=True))
    assert statuses.count(Status.PUBLISHED) == 18
    assert statuses.count(Status.DRAFT) == 6  # every fourth service
    assert Translation.objects.filter(field="application_process").first().text == "Atgyfeiriwch eich hun ar-lein."
    published = Translation.objects.filter(status=Status.PUBLISHED, field="name").first()
    service = Service.objects.get(pk=published.object_id)
    assert localise(service, ("name",), "cy")["name"].text.startswith("Banc bwyd Avonmere")
