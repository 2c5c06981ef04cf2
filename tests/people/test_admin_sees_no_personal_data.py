"""Support administrators may fix data in the admin site but see no personal details of people there."""

import pytest
from django.urls import reverse

from upstream.core.roles import Role
from upstream.people import services

pytestmark = pytest.mark.django_db


def test_the_admin_shows_people_and_households_by_id_and_controller_only(signed_in, make_user, force, person, officer):
    household = services.create_household(actor=officer, address_line_1="1 Marlott Lane", postcode="DT1 1AB")
    admin = make_user("sam", force, Role.ADMINISTRATOR)
    admin.is_staff = True
    admin.save()
    client = signed_in(admin)
    pages = [
        reverse("admin:people_person_changelist"),
        reverse("admin:people_person_change", args=[person.pk]),
        reverse("admin:people_household_changelist"),
        reverse("admin:people_household_change", args=[household.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        for personal in ("Tess", "Durbeyfield", "DT1 1AA", "Marlott", "DT1 1AB"):
            assert personal not in body, (page, personal)
    assert "Wessex Police" in client.get(pages[0]).content.decode()


def test_the_admin_cannot_add_or_delete_people(signed_in, make_user, force, person):
    admin = make_user("sam", force, Role.ADMINISTRATOR)
    admin.is_staff = True
    admin.save()
    client = signed_in(admin)
    assert client.get(reverse("admin:people_person_add")).status_code == 403
    assert client.get(reverse("admin:people_person_delete", args=[person.pk])).status_code == 403
