"""Where a postcode is: the postcode table first, else the average of our services' addresses with it."""

from __future__ import annotations

import pytest

from upstream.directory.models import Address, Location
from upstream.directory.queries import postcode_point
from upstream.places.postcodes import Postcode

pytestmark = pytest.mark.django_db


def _address(postcode: str, latitude: float | None, longitude: float | None) -> None:
    location = Location.objects.create(name="Hall", latitude=latitude, longitude=longitude)
    Address.objects.create(location=location, address_1="1 High Street", postal_code=postcode)


def test_the_postcode_table_comes_first():
    Postcode.objects.create(postcode="CF10 1AA", latitude=51.48, longitude=-3.18, source="demo")
    _address("CF10 1AA", 52.0, -4.0)
    assert postcode_point("cf101aa") == pytest.approx((51.48, -3.18))


def test_else_the_average_of_the_located_addresses_with_that_postcode():
    _address("CF24 3AA", 51.50, -3.20)
    _address("CF24 3AA", 51.52, -3.16)
    _address("CF24 3AA", None, None)  # not located: left out of the average
    _address("CF24 3AB", 40.0, 0.0)
    assert postcode_point("CF24  3aa") == pytest.approx((51.51, -3.18))


def test_an_unknown_or_malformed_postcode_has_no_point():
    _address("CF24 3AA", None, None)
    assert postcode_point("CF24 3AA") is None
    assert postcode_point("CF99 9ZZ") is None
    assert postcode_point("not a postcode") is None
