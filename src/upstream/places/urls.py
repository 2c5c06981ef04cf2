from django.urls import path

from upstream.places import views

app_name = "places"
urlpatterns = [
    path("", views.area_list, name="area-list"),
    path("find/", views.find, name="find"),
    # Analyses come before the area routes: "analysis" and "priorities" are never area codes.
    path("analysis/", views.analysis_list, name="analysis-list"),
    path("analysis/new/", views.analysis_new, name="analysis-new"),
    path("analysis/<int:run_id>/", views.analysis_detail, name="analysis-detail"),
    path("analysis/<int:run_id>/map/", views.analysis_map, name="analysis-map"),
    path("analysis/<int:run_id>/again/", views.analysis_again, name="analysis-again"),
    path("analysis/<int:run_id>/areas.geojson", views.analysis_geojson, name="analysis-geojson"),
    path("analysis/<int:run_id>/hexagons.geojson", views.analysis_hexagons, name="analysis-hexagons"),
    path("analysis/<int:run_id>/concentration/", views.analysis_concentration, name="analysis-concentration"),
    path("analysis/<int:run_id>/lorenz.svg", views.analysis_concentration_svg, name="analysis-lorenz-svg"),
    path("analysis/<int:run_id>/allocation/", views.analysis_allocation, name="analysis-allocation"),
    path("analysis/<int:run_id>/priorities/new/", views.priority_new, name="priority-new"),
    path("analysis/<int:run_id>/<slug:name>.csv", views.analysis_export, name="analysis-export"),
    path("priorities/<int:set_id>/", views.priority_detail, name="priority-detail"),
    # The GeoJSON route comes first: an area code never ends in ".geojson", a page path always ends in "/".
    path("<str:code>.geojson", views.area_geojson, name="area-geojson"),
    path("<str:code>/trend.svg", views.area_trend_svg, name="area-trend-svg"),
    path("<str:code>/", views.area_detail, name="area-detail"),
]
