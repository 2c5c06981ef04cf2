import json

import pytest
from places_data import CALDERDALE, CALDERDALE_LSOAS
from shapely.geometry import shape

from upstream.core.roles import Role
from upstream.places.models import Area, AreaLevel

pytestmark = pytest.mark.django_db

VIEWERS = [
    Role.OFFICER,
    Role.ANALYST,
    Role.SUPERVISOR,
    Role.CALL_HANDLER,
    Role.PARTNER_CASEWORKER,
    Role.DIRECTORY_COORDINATOR,
]


@pytest.fixture
def officer_client(staff, signed_in):
    return signed_in(staff(Role.OFFICER))


@pytest.mark.parametrize("path", ["/places/", "/places/find/", "/places/force:west-yorkshire/"])
def test_visitors_are_sent_to_sign_in(client, calderdale, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_the_geojson_is_not_for_visitors(client, calderdale):
    response = client.get("/places/force:west-yorkshire.geojson")
    assert response.status_code == 302


@pytest.mark.parametrize("role", VIEWERS)
def test_each_staff_role_that_works_by_place_sees_the_area_pages(staff, signed_in, calderdale, role):
    client = signed_in(staff(role))
    assert client.get("/places/").status_code == 200
    assert client.get(f"/places/{CALDERDALE}/").status_code == 200


@pytest.mark.parametrize("roles", [(), (Role.ADMINISTRATOR,)])
def test_users_without_a_place_role_are_refused(staff, signed_in, calderdale, roles):
    client = signed_in(staff(*roles))
    assert client.get("/places/").status_code == 403
    assert client.get(f"/places/{CALDERDALE}/").status_code == 403
    assert client.get(f"/places/{CALDERDALE}.geojson").status_code == 403


def test_the_list_shows_force_areas_and_the_lookup_form(officer_client, calderdale):
    body = officer_client.get("/places/").content.decode()
    assert 'href="/places/force:west-yorkshire/"' in body
    assert "West Yorkshire" in body
    assert "Find the neighbourhood for a point" in body
    assert 'action="/places/find/"' in body


def test_an_area_page_shows_its_path_its_children_and_a_map_that_is_optional(officer_client, calderdale):
    response = officer_client.get(f"/places/{CALDERDALE}/")
    body = response.content.decode()
    assert "govuk-breadcrumbs" in body
    assert 'href="/places/force:west-yorkshire/"' in body
    wards = Area.objects.filter(parent__code=CALDERDALE, level=AreaLevel.WARD)
    assert wards.count() == 17
    for ward in wards:
        assert f'href="/places/{ward.code}/"' in body
    assert "17 areas in Calderdale" in body
    # The map is enhancement: its section is hidden until the static script fills it; no inline script.
    assert 'id="area-map-section" hidden' in body
    assert f'data-geojson-url="/places/{CALDERDALE}.geojson"' in body
    assert "places/area-map.js" in body
    assert "vendor/leaflet/leaflet.js" in body
    assert "<script>" not in body
    assert "Contains Ordnance Survey and ONS data" in body


def test_a_neighbourhood_page_shows_the_whole_path(officer_client, calderdale):
    lsoa = Area.objects.select_related("parent__parent__parent").filter(level=AreaLevel.NEIGHBOURHOOD).first()
    body = officer_client.get(f"/places/{lsoa.code}/").content.decode()
    for ancestor in (lsoa.parent, lsoa.parent.parent, lsoa.parent.parent.parent):
        assert f'href="/places/{ancestor.code}/"' in body
    assert "No areas have been loaded under" in body


def test_an_unknown_area_is_not_found(officer_client, calderdale):
    assert officer_client.get("/places/E99999999/").status_code == 404
    assert officer_client.get("/places/E99999999.geojson").status_code == 404


def test_the_geojson_holds_the_area_and_its_children_with_links(officer_client, calderdale):
    response = officer_client.get(f"/places/{CALDERDALE}.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    roles = [f["properties"]["role"] for f in collection["features"]]
    assert roles.count("area") == 1
    assert roles.count("child") == 17
    for feature in collection["features"]:
        assert shape(feature["geometry"]).is_valid
        assert feature["properties"]["url"] == f"/places/{feature['properties']['code']}/"


def test_finding_a_point_shows_its_neighbourhood_and_path(officer_client, calderdale):
    feature = json.loads(CALDERDALE_LSOAS.read_text())["features"][10]
    point = shape(feature["geometry"]).representative_point()
    response = officer_client.get("/places/find/", {"latitude": f"{point.y:.7f}", "longitude": f"{point.x:.7f}"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f"The point is in {feature['properties']['LSOA11NM']}" in body
    assert f'href="/places/{feature["properties"]["LSOA11CD"]}/"' in body
    assert 'href="/places/force:west-yorkshire/"' in body


def test_a_point_no_neighbourhood_holds_says_so(officer_client, calderdale):
    response = officer_client.get("/places/find/", {"latitude": "51.5074", "longitude": "-0.1278"})
    assert response.status_code == 200
    assert "No neighbourhood in Upstream contains that point" in response.content.decode()


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("north", "-1.8", "Enter the latitude as a number, like 53.7248"),
        ("53.7", "", "Enter a longitude"),
        ("95", "-1.8", "Latitude must be between -90 and 90"),
        ("53.7", "-200", "Longitude must be between -180 and 180"),
        ("nan", "-1.8", "Enter the latitude as a number, like 53.7248"),
        ("53.7", "inf", "Enter the longitude as a number, like -1.8596"),
    ],
)
def test_bad_numbers_get_an_error_summary(officer_client, latitude, longitude, message):
    response = officer_client.get("/places/find/", {"latitude": latitude, "longitude": longitude})
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert "<title>Error:" in body


def test_the_find_page_without_a_point_shows_the_form(officer_client):
    response = officer_client.get("/places/find/")
    assert response.status_code == 200
    assert "govuk-error-summary" not in response.content.decode()


def test_places_is_in_the_navigation_and_on_the_home_page_for_staff(staff, officer_client):
    from upstream.core.home import home_panels_for

    body = officer_client.get("/places/").content.decode()
    assert 'href="/places/"' in body
    assert "govuk-service-navigation__item--active" in body
    assert any(panel["href"] == "/places/" for panel in home_panels_for(staff(Role.ANALYST)))
    assert not any(panel["href"] == "/places/" for panel in home_panels_for(staff(Role.ADMINISTRATOR)))


def test_support_staff_can_list_and_open_areas_in_the_admin_but_not_add_them(staff, signed_in, calderdale):
    admin = staff(Role.ADMINISTRATOR, username="support")
    admin.is_staff = True
    admin.save()
    client = signed_in(admin)
    assert client.get("/support/admin/places/area/?q=Calderdale").status_code == 200
    area = Area.objects.get(code=CALDERDALE)
    page = client.get(f"/support/admin/places/area/{area.pk}/change/")
    assert page.status_code == 200
    assert "coordinates" not in page.content.decode()
    assert client.get("/support/admin/places/area/add/").status_code == 403
