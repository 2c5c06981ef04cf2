"""The directory's service page offers the referral links referrals decides on, through core's link registry."""

import pytest
from django.urls import reverse

from upstream.directory.models import Service
from upstream.referrals.models import ReceivingService

pytestmark = pytest.mark.django_db


def _page(client, service):
    return client.get(reverse("directory:service", args=[service.pk])).content.decode()


def test_staff_who_may_refer_see_the_refer_button_on_a_service_that_takes_referrals(
    client, signed_in, officer, service
):
    signed_in(officer)
    body = _page(client, service)
    assert "Refer someone to this service" in body
    assert f"{reverse('referrals:new')}?service={service.pk}" in body


def test_the_public_sees_no_refer_button_but_may_ask_for_help_where_the_service_allows_it(client, service):
    assert "Refer someone to this service" not in _page(client, service)
    assert "Ask this service for help" not in _page(client, service)
    ReceivingService.objects.filter(service=service).update(accepts_self_referrals=True)
    body = _page(client, service)
    assert "Ask this service for help" in body
    assert f"{reverse('referrals:self-referral')}?service={service.pk}" in body


def test_a_service_that_takes_no_referrals_offers_neither_link(client, signed_in, officer):
    signed_in(officer)
    other = Service.objects.create(name="Drop-in café")
    body = _page(client, other)
    assert "Refer someone to this service" not in body
    assert "Ask this service for help" not in body
