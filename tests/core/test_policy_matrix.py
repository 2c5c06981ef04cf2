"""Who may open which page: every role (and an anonymous visitor) against every people route and the core pages.

The table is written out in full on purpose: a change in access anywhere shows up as one failing row,
which a reviewer then accepts (by editing the table) or refuses.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from signing_in import sign_in
from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.roles import Role
from upstream.people import services
from upstream.people.models import LegalRegime, RetentionClass

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"  # a redirect to the sign-in page, remembering where the visitor was going
CODE = "code"  # a redirect to the second sign-in step (password given, authenticator code not yet)

# The routes, in the order of the columns below. Person routes are asked about a person held by the force.
ROUTES = [
    "core:home",
    "core:accessibility",
    "core:privacy",
    "people:list",
    "people:add",
    "people:detail",
    "people:edit",
    "people:share",
    "people:erase",
    "people:access-log",
]

PERSON_ROUTES = {"people:detail", "people:edit", "people:share", "people:erase", "people:access-log"}

# fmt: off
MATRIX = {
    # who                          home  access privacy list  add   detail edit  share erase log
    "anonymous":                  (200,  200,   200,    SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN),
    # An officer who has given their password but not yet their code sees only what a visitor sees.
    "officer/password-only":      (200,  200,   200,    CODE, CODE, CODE,  CODE, CODE, CODE, CODE),
    "officer":                    (200,  200,   200,    200,  200,  200,   200,  403,  403,  403),
    "call_handler":               (200,  200,   200,    200,  200,  200,   200,  403,  403,  403),
    "analyst":                    (200,  200,   200,    200,  403,  200,   403,  403,  403,  403),
    "supervisor":                 (200,  200,   200,    200,  200,  200,   200,  200,  200,  200),
    # A council caseworker: the force's person is not theirs and not shared, so it does not exist for them.
    "partner_caseworker":         (200,  200,   200,    200,  200,  404,   404,  403,  403,  403),
    # The same caseworker once the force shares the person: they may read it, never change it.
    "partner_caseworker+shared":  (200,  200,   200,    200,  200,  200,   403,  403,  403,  403),
    # A council supervisor holds every people permission, but only over the council's own people.
    "partner_supervisor":         (200,  200,   200,    200,  200,  404,   404,  404,  404,  404),
    "directory_coordinator":      (200,  200,   200,    403,  403,  403,   403,  403,  403,  403),
    "administrator":              (200,  200,   200,    403,  403,  403,   403,  403,  403,  403),
}
# fmt: on


def test_the_matrix_covers_every_role_and_every_people_route():
    from upstream.people.urls import urlpatterns

    # A new people page must be added to the table, so its access is decided rather than inherited.
    assert {f"people:{p.name}" for p in urlpatterns} == {r for r in ROUTES if r.startswith("people:")}
    assert {r.value for r in Role} <= set(MATRIX)


@pytest.fixture
def world(db):
    force = Organisation.objects.create(name="Wessex Police", kind=OrganisationKind.POLICE_FORCE)
    council = Organisation.objects.create(name="Casterbridge Council", kind=OrganisationKind.COUNCIL)
    recorder = User.objects.create_user(username="recorder", organisation=force, roles=[Role.OFFICER])
    sharer = User.objects.create_user(username="sharer", organisation=force, roles=[Role.SUPERVISOR])
    person = services.create_person(
        actor=recorder,
        legal_regime=LegalRegime.LAW_ENFORCEMENT,
        purpose="missing person enquiry",
        retention_class=RetentionClass.CASEWORK,
        forenames="Tess",
        surname="Durbeyfield",
    )
    return {"force": force, "council": council, "person": person, "sharer": sharer}


def user_for(who, world):
    if who == "anonymous":
        return None
    if who.startswith("partner_caseworker"):
        user = User.objects.create_user(username=who, organisation=world["council"], roles=[Role.PARTNER_CASEWORKER])
        if who.endswith("+shared"):
            services.share_person(
                actor=world["sharer"], person=world["person"], organisation=world["council"], purpose="early help"
            )
        return user
    if who == "officer/password-only":
        return User.objects.create_user(username="half", organisation=world["force"], roles=[Role.OFFICER])
    if who == "partner_supervisor":
        return User.objects.create_user(username=who, organisation=world["council"], roles=[Role.SUPERVISOR])
    return User.objects.create_user(username=who, organisation=world["force"], roles=[who])


def status_of(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in")):
        return SIGN_IN
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:two-factor")):
        return CODE
    return response.status_code


@pytest.mark.parametrize("who", list(MATRIX))
def test_role_route_matrix(client, world, who):
    user = user_for(who, world)
    if who.endswith("/password-only"):
        client.force_login(user)  # signed in by password, no verified device in the session
    elif user is not None:
        sign_in(client, user)
    person_id = world["person"].pk
    actual = {}
    for name in ROUTES:
        args = [person_id] if name in PERSON_ROUTES else []
        actual[name] = status_of(client.get(reverse(name, args=args)))
    expected = dict(zip(ROUTES, MATRIX[who], strict=True))
    assert actual == expected


@pytest.mark.parametrize("who", ["officer", "analyst", "directory_coordinator", "administrator", "anonymous"])
def test_changes_are_refused_by_post_as_well_as_get(client, world, who):
    # A page hidden from a role must not accept a posted form either.
    user = user_for(who, world)
    if user is not None:
        sign_in(client, user)
    person = world["person"]
    erase = client.post(reverse("people:erase", args=[person.pk]), {"reason": "x", "confirm": "on"})
    share = client.post(
        reverse("people:share", args=[person.pk]), {"organisation": world["council"].pk, "purpose": "x"}
    )
    assert status_of(erase) in {403, SIGN_IN}
    assert status_of(share) in {403, SIGN_IN}
    person.refresh_from_db()
    assert not person.is_erased
