from django.urls import path

from upstream.problems import views

app_name = "problems"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard-csv"),
    path("dashboard/plans.geojson", views.dashboard_geojson, name="dashboard-geojson"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/stage/<str:stage>/", views.stage_edit, name="stage"),
    path("<int:plan_id>/measures/", views.plan_measures, name="measures"),
    path("<int:plan_id>/measures/use/", views.use_measures, name="measures-use"),
    path("<int:plan_id>/concentration/", views.plan_concentration, name="concentration"),
    path("<int:plan_id>/concentration.geojson", views.concentration_geojson, name="concentration-geojson"),
    path("<int:plan_id>/sources/add/", views.source_add, name="source-add"),
    path("<int:plan_id>/findings/add/", views.finding_add, name="finding-add"),
    path("<int:plan_id>/evidence/add/", views.evidence_add, name="evidence-add"),
    path("<int:plan_id>/actions/add/", views.action_add, name="action-add"),
    path("<int:plan_id>/actions/<int:action_id>/", views.action_edit, name="action"),
    path("<int:plan_id>/partners/add/", views.partner_add, name="partner-add"),
    path("<int:plan_id>/move/", views.move, name="move"),
    path("<int:plan_id>/approve/", views.approve, name="approve"),
    path("<int:plan_id>/score/override/", views.score_override, name="score-override"),
    path("<int:plan_id>/surveys/add/", views.survey_add, name="survey-add"),
]
