import hashlib
import json
import os
import subprocess
import sys
from io import StringIO

import pytest
import shapely
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from shapely.geometry import shape

from upstream.accounts.models import Organisation, OrganisationKind, Team, User
from upstream.core.audit import AuditTag
from upstream.core.models import AuditEvent
from upstream.core.roles import Role
from upstream.demo.organisations import DEMO_USERS
from upstream.demo.registry import DemoContext, discover_steps, run_demo
from upstream.places.demo import FORCE_CODE, generate
from upstream.places.lookup import area_path, find_neighbourhood
from upstream.places.models import Area, AreaLevel


def run(*args, **options):
    # The records store is left out: its steps have their own tests (tests/records, tests/triggers).
    out = StringIO()
    call_command("demo", "--without-records", *args, stdout=out, **options)
    return out.getvalue()


def snapshot():
    """Returns everything the demo makes that a second run must not change."""
    return {
        "areas": list(
            Area.objects.order_by("code").values_list("code", "name", "level", "parent__code", "boundary_hash")
        ),
        "organisations": list(Organisation.objects.order_by("name").values_list("name", "kind", "force_area__code")),
        "teams": [
            (
                t.name,
                t.is_neighbourhood_team,
                sorted(t.areas.values_list("code", flat=True)),
                sorted(t.members.values_list("username", flat=True)),
            )
            for t in Team.objects.order_by("name")
        ],
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "roles", "organisation__name", "is_demo_user", "is_staff", "password"
            )
        ),
    }


def geography_digest(seed):
    return hashlib.sha256(
        json.dumps([(a.code, a.name, a.parent_code, a.geometry.wkt) for a in generate(seed).areas]).encode()
    ).hexdigest()


@pytest.fixture(scope="module")
def geography():
    return generate(2026)


class TestTheGeography:
    def test_it_has_three_local_authorities_thirty_wards_and_three_hundred_neighbourhoods(self, geography):
        assert len(geography.at(AreaLevel.FORCE)) == 1
        assert len(geography.at(AreaLevel.LOCAL_AUTHORITY)) == 3
        assert len(geography.at(AreaLevel.WARD)) == 30
        assert len(geography.at(AreaLevel.NEIGHBOURHOOD)) == 300

    def test_every_polygon_is_valid_and_in_one_piece(self, geography):
        for area in geography.areas:
            assert area.geometry.is_valid, area.code
            assert area.geometry.geom_type == "Polygon", area.code

    def test_neighbourhoods_tile_the_force_area_without_gaps_or_overlaps(self, geography):
        cells = [a.geometry for a in geography.at(AreaLevel.NEIGHBOURHOOD)]
        outline = geography.outline
        tree = shapely.STRtree(cells)
        left, right = tree.query(cells, predicate="intersects")
        overlap = sum(cells[i].intersection(cells[j]).area for i, j in zip(left, right, strict=True) if i < j)
        # Shared edges only: any overlap is rounding on the 10 cm grid, far below one square metre in total.
        assert overlap < 1e-10 * outline.area
        assert sum(c.area for c in cells) == pytest.approx(outline.area, rel=1e-6)
        assert shapely.union_all(cells).symmetric_difference(outline).area < 1e-6 * outline.area

    def test_each_level_nests_in_the_one_above(self, geography):
        by_code = {a.code: a for a in geography.areas}
        for area in geography.areas:
            if area.level == AreaLevel.FORCE:
                continue
            parent = by_code[area.parent_code]
            assert parent.geometry.buffer(1e-6).covers(area.geometry), area.code

    def test_codes_cannot_collide_with_ons_codes(self, geography):
        prefixes = {AreaLevel.NEIGHBOURHOOD: "Z01", AreaLevel.WARD: "Z05", AreaLevel.LOCAL_AUTHORITY: "Z06"}
        for area in geography.areas:
            if area.level == AreaLevel.FORCE:
                assert area.code == FORCE_CODE
            else:
                assert area.code.startswith(prefixes[area.level])
                assert len(area.code) == 9

    def test_names_are_unique_and_look_like_ons_names(self, geography):
        neighbourhoods = [a.name for a in geography.at(AreaLevel.NEIGHBOURHOOD)]
        assert len(set(neighbourhoods)) == 300
        assert "Avonmere City 001A" in neighbourhoods
        assert len({a.name for a in geography.at(AreaLevel.WARD)}) == 30

    def test_the_same_seed_gives_the_same_places_and_another_seed_other_places(self):
        assert geography_digest(2026) == geography_digest(2026)
        assert geography_digest(2026) != geography_digest(7)

    @pytest.mark.slow
    def test_the_same_seed_gives_the_same_places_in_another_process(self):
        code = (
            "from upstream.places.demo import generate; import hashlib, json; "
            "print(hashlib.sha256(json.dumps([(a.code, a.name, a.parent_code, a.geometry.wkt) "
            "for a in generate(2026).areas]).encode()).hexdigest())"
        )
        env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "upstream.settings.test"}
        result = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", "import django; django.setup(); " + code],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert result.stdout.strip() == geography_digest(2026)


@pytest.mark.django_db
class TestTheDemoCommand:
    def test_it_builds_the_force_with_its_organisations_teams_and_one_user_per_role(self):
        out = run()
        assert "The Avonmere demo force is ready (seed 2026)" in out
        force = Area.objects.get(code=FORCE_CODE)
        assert Area.objects.filter(level=AreaLevel.LOCAL_AUTHORITY, parent=force).count() == 3
        assert Area.objects.filter(level=AreaLevel.WARD, parent__parent=force).count() == 30
        assert Area.objects.filter(level=AreaLevel.NEIGHBOURHOOD, parent__parent__parent=force).count() == 300
        kinds = sorted(Organisation.objects.values_list("kind", flat=True))
        assert kinds.count(OrganisationKind.COUNCIL) == 3
        assert kinds.count(OrganisationKind.CHARITY) == 2
        for kind in (OrganisationKind.POLICE_FORCE, OrganisationKind.NHS_BODY, OrganisationKind.SCHOOL):
            assert kinds.count(kind) == 1
        assert set(Organisation.objects.values_list("force_area__code", flat=True)) == {FORCE_CODE}
        users = User.objects.filter(is_demo_user=True)
        assert sorted(r for u in users for r in u.roles) == sorted(Role.values)
        assert User.objects.get(roles=[Role.ADMINISTRATOR]).is_staff
        assert User.objects.get(username="demo-caseworker").organisation.kind == OrganisationKind.CHARITY
        assert User.objects.get(username="demo-coordinator").organisation.kind == OrganisationKind.COUNCIL

    def test_neighbourhood_teams_cover_every_ward_and_neighbourhood_once(self):
        run()
        teams = Team.objects.filter(is_neighbourhood_team=True)
        assert teams.count() == 6
        covered = [code for team in teams for code in team.areas.values_list("code", flat=True)]
        assert len(covered) == len(set(covered)) == 330
        for name in ("Force Analysts", "Multi-Agency Safeguarding Hub", "Force Contact Centre"):
            assert Team.objects.filter(name=name, is_neighbourhood_team=False).exists()
        assert User.objects.get(username="demo-analyst").teams.filter(name="Force Analysts").exists()

    def test_a_second_run_changes_nothing(self):
        run()
        before = snapshot()
        events = AuditEvent.objects.count()
        out = run()
        assert "0 areas created, 0 areas updated, 334 areas unchanged" in out
        assert "0 users created, 0 users updated" in out
        assert snapshot() == before
        assert AuditEvent.objects.count() == events

    def test_creating_the_demo_users_is_audited(self):
        run()
        assert AuditEvent.objects.filter(tag=AuditTag.ACCOUNTS_USER_CREATE).count() == len(DEMO_USERS)

    def test_the_documented_passwords_sign_in_and_pass_the_validators(self, client):
        run()
        for spec in DEMO_USERS:
            user = User.objects.get(username=spec.username)
            validate_password(spec.password, user=user)
            assert user.check_password(spec.password)
        response = client.post(
            "/accounts/sign-in/", {"username": "demo-officer", "password": "kettle harbour lantern morning"}
        )
        assert response.status_code == 302

    def test_a_changed_demo_login_is_put_back_on_request(self):
        run()
        user = User.objects.get(username="demo-analyst")
        user.roles = [Role.OFFICER]
        user.set_password("someone changed this passphrase")
        user.save()
        out = run()
        assert "1 users updated" in out
        user.refresh_from_db()
        assert user.roles == [Role.ANALYST]
        assert not user.check_password("copper meadow ribbon falcon")
        run("--reset-passwords")
        user.refresh_from_db()
        assert user.check_password("copper meadow ribbon falcon")

    def test_print_logins_lists_every_login_with_its_password_and_the_address(self):
        out = run("--print-logins", verbosity=0)
        for spec in DEMO_USERS:
            assert spec.username in out
            assert spec.password in out
        assert "http://127.0.0.1:" in out
        assert "/accounts/sign-in/" in out

    def test_another_seed_reshapes_the_same_codes(self):
        run()
        first = dict(Area.objects.values_list("code", "boundary_hash"))
        run("--seed", "7")
        second = dict(Area.objects.values_list("code", "boundary_hash"))
        assert first.keys() == second.keys()
        assert first != second
        assert User.objects.filter(is_demo_user=True).count() == len(DEMO_USERS)

    def test_a_point_in_the_demo_finds_its_neighbourhood(self, geography):
        run()
        target = geography.at(AreaLevel.NEIGHBOURHOOD)[123]
        point = target.geometry.representative_point()
        found = find_neighbourhood(point.y, point.x)
        assert found.code == target.code
        assert [a.level for a in area_path(found)] == ["force", "local_authority", "ward", "lsoa"]

    def test_stored_boundaries_are_the_generated_ones(self, geography):
        run()
        for area in geography.areas[:40]:
            stored = Area.objects.get(code=area.code)
            assert shape(stored.boundary).equals(area.geometry)


@pytest.mark.django_db
class TestTheStepRegistry:
    def test_steps_are_found_in_the_installed_apps_and_run_in_order(self):
        steps = discover_steps()
        names = [s.name for s in steps]
        assert "upstream.places.demo" in names
        assert "upstream.demo.organisations" in names
        assert names.index("upstream.places.demo") < names.index("upstream.demo.organisations")
        assert [s.order for s in steps] == sorted(s.order for s in steps)

    def test_a_step_draws_its_own_random_numbers(self):
        one, two = DemoContext(seed=1), DemoContext(seed=1)
        assert one.random("a").random() == two.random("a").random()
        assert one.random("a").random() != one.random("b").random()

    def test_a_failing_step_leaves_nothing_of_itself(self):
        from upstream.demo.registry import DemoStep

        def broken(context):
            Organisation.objects.create(name="Half made", kind=OrganisationKind.OTHER)
            raise RuntimeError("step failed")

        with pytest.raises(RuntimeError):
            run_demo(DemoContext(seed=1), steps=[DemoStep("test.broken", "Broken", 1, broken)])
        assert not Organisation.objects.filter(name="Half made").exists()
