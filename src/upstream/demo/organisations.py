"""The demo's organisations, teams and users: one user per role, each with a documented passphrase.

The passphrases are printed by ``upstream demo --print-logins`` and listed in docs/demo.md. They are long
enough to pass the NCSC-style validators, and they are public: demo users may skip the second factor only
while the instance runs in demo mode (UPSTREAM_DEMO_MODE=1); otherwise they must set up an authenticator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from upstream.accounts.models import Organisation, OrganisationKind, Team, User
from upstream.core.roles import Role

order = 20
label = "Organisations, teams and users"


@dataclass(frozen=True)
class DemoOrganisation:
    """A fictional organisation in the demo force area."""

    key: str
    name: str
    kind: str


@dataclass(frozen=True)
class DemoUser:
    """A demo login: one per role."""

    username: str
    role: str
    first_name: str
    last_name: str
    organisation: str  # DemoOrganisation.key
    password: str
    is_staff: bool = False

    @property
    def email(self) -> str:
        """Returns the user's address at the reserved example.org domain, which never delivers mail."""
        return f"{self.first_name}.{self.last_name}@avonmere.example.org".lower()


ORGANISATIONS = (
    DemoOrganisation("police", "Avonmere Police", OrganisationKind.POLICE_FORCE),
    DemoOrganisation("city_council", "Avonmere City Council", OrganisationKind.COUNCIL),
    DemoOrganisation("north_vale_council", "North Vale District Council", OrganisationKind.COUNCIL),
    DemoOrganisation("southmarsh_council", "Southmarsh Borough Council", OrganisationKind.COUNCIL),
    DemoOrganisation("nhs", "Avonmere and Vale NHS Foundation Trust", OrganisationKind.NHS_BODY),
    DemoOrganisation("school", "Kestle Moor Academy", OrganisationKind.SCHOOL),
    DemoOrganisation("family_charity", "Harbour Light Family Support", OrganisationKind.CHARITY),
    DemoOrganisation("youth_charity", "Southmarsh Young People's Trust", OrganisationKind.CHARITY),
)

DEMO_USERS = (
    DemoUser("demo-officer", Role.OFFICER, "Jordan", "Whitlock", "police", "kettle harbour lantern morning"),
    DemoUser("demo-call-handler", Role.CALL_HANDLER, "Priya", "Raman", "police", "velvet quarry amber signal"),
    DemoUser("demo-analyst", Role.ANALYST, "Tomasz", "Nowicki", "police", "copper meadow ribbon falcon"),
    DemoUser("demo-supervisor", Role.SUPERVISOR, "Helen", "Carver", "police", "granite willow pocket thunder"),
    DemoUser(
        "demo-caseworker", Role.PARTNER_CASEWORKER, "Aisha", "Bello", "family_charity", "saffron bridge marble cricket"
    ),
    DemoUser(
        "demo-coordinator",
        Role.DIRECTORY_COORDINATOR,
        "Gareth",
        "Pryce",
        "city_council",
        "orchid tunnel pepper glacier",
    ),
    DemoUser(
        "demo-admin", Role.ADMINISTRATOR, "Morgan", "Ellery", "police", "harvest cobalt lantern spindle", is_staff=True
    ),
)

# Neighbourhood teams each cover a group of wards (west and east within each local authority).
NEIGHBOURHOOD_TEAM_SIDES = ("West", "East")
FORCE_TEAMS = (
    # (key, name, member roles)
    ("analysts", "Force Analysts", (Role.ANALYST,)),
    ("safeguarding_hub", "Multi-Agency Safeguarding Hub", (Role.SUPERVISOR,)),
    ("contact_centre", "Force Contact Centre", (Role.CALL_HANDLER,)),
)


def build(context: Any) -> dict[str, int]:
    """Creates or updates the demo organisations, teams and users (a second run changes nothing)."""
    counts = {"organisations created": 0, "teams created": 0, "users created": 0, "users updated": 0}
    for spec in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            name=spec.name, defaults={"kind": spec.kind, "force_area": context.force}
        )
        if not created and (organisation.kind != spec.kind or organisation.force_area_id != _pk(context.force)):
            organisation.kind = spec.kind
            organisation.force_area = context.force
            organisation.save(update_fields=["kind", "force_area"])
        counts["organisations created"] += created
        context.organisations[spec.key] = organisation
    for spec in DEMO_USERS:
        reset = bool(context.data.get("reset_passwords"))
        user, outcome = _ensure_user(spec, context.organisations[spec.organisation], reset_password=reset)
        context.users[spec.role] = user
        if outcome:
            counts[f"users {outcome}"] += 1
    counts["teams created"] = _ensure_teams(context)
    return counts


def _pk(obj: Any) -> int | None:
    return obj.pk if obj is not None else None


def _ensure_user(spec: DemoUser, organisation: Organisation, *, reset_password: bool) -> tuple[User, str | None]:
    from upstream.accounts.services import create_user

    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = create_user(
            actor=None,
            username=spec.username,
            organisation=organisation,
            roles=[spec.role],
            password=spec.password,
            email=spec.email,
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=spec.is_staff,
            via="upstream demo",
        )
        user.is_demo_user = True
        user.save(update_fields=["is_demo_user"])
        return user, "created"
    # Someone may have changed a demo login; the demo puts it back as documented.
    wanted = {
        "organisation_id": organisation.pk,
        "roles": [spec.role],
        "email": spec.email,
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "is_staff": spec.is_staff,
        "is_active": True,
        "is_demo_user": True,
    }
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, wanted[name])
    # Checking a password costs a deliberately slow hash (about half a second each), and `make run` runs
    # the demo on every start, so passwords are put back only when asked (upstream demo --reset-passwords).
    if reset_password and not user.check_password(spec.password):
        user.set_password(spec.password)
        changed.append("password")
    if changed:
        user.save(update_fields=[name.removesuffix("_id") for name in changed])
        return user, "updated"
    return user, None


def _ensure_teams(context: Any) -> int:
    from upstream.places.models import Area, AreaLevel

    police = context.organisations["police"]
    created_count = 0

    def team(key: str, name: str, *, neighbourhood: bool, areas: list[Area], members: list[User]) -> None:
        nonlocal created_count
        found, created = Team.objects.get_or_create(
            organisation=police, name=name, defaults={"is_neighbourhood_team": neighbourhood}
        )
        if found.is_neighbourhood_team != neighbourhood:
            found.is_neighbourhood_team = neighbourhood
            found.save(update_fields=["is_neighbourhood_team"])
        created_count += created
        # set() writes only the difference, so an unchanged team costs two reads.
        found.areas.set(areas)
        found.members.set(members)
        context.teams[key] = found

    authorities = Area.objects.filter(parent=context.force, level=AreaLevel.LOCAL_AUTHORITY).order_by("code")
    for authority in authorities:
        wards = sorted(
            Area.objects.filter(parent=authority, level=AreaLevel.WARD), key=lambda w: (w.centroid_longitude, w.code)
        )
        half = (len(wards) + 1) // 2
        for side, group in zip(NEIGHBOURHOOD_TEAM_SIDES, (wards[:half], wards[half:]), strict=True):
            neighbourhoods = list(Area.objects.filter(parent__in=group, level=AreaLevel.NEIGHBOURHOOD))
            is_first = authority.code == authorities[0].code and side == NEIGHBOURHOOD_TEAM_SIDES[0]
            members = [context.users[Role.OFFICER], context.users[Role.SUPERVISOR]] if is_first else []
            team(
                f"npt_{authority.code}_{side.lower()}",
                f"{authority.name} {side} Neighbourhood Team",
                neighbourhood=True,
                areas=[*group, *neighbourhoods],
                members=members,
            )
    for key, name, roles in FORCE_TEAMS:
        team(key, name, neighbourhood=False, areas=[context.force], members=[context.users[r] for r in roles])
    return created_count
