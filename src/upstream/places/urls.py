from django.urls import path

from upstream.places import views

app_name = "places"
urlpatterns = [
    path("", views.area_list, name="area-list"),
    path("find/", views.find, name="find"),
    # The GeoJSON route comes first: an area code never ends in ".geojson", a page path always ends in "/".
    path("<str:code>.geojson", views.area_geojson, name="area-geojson"),
    path("<str:code>/", views.area_detail, name="area-detail"),
]
