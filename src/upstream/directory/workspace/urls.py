"""Routes of the co-ordinator's workspace, providers' change pages and staff notes (in the directory namespace)."""

from django.urls import path

from upstream.directory.workspace import views

urlpatterns = [
    path("workspace/", views.overview, name="workspace"),
    path("workspace/verification/", views.verification, name="workspace-verification"),
    path("workspace/services/<uuid:service_id>/verify/", views.verify, name="workspace-verify"),
    path("workspace/services/<uuid:service_id>/edit/", views.edit, name="workspace-edit"),
    path("workspace/services/<uuid:service_id>/close/", views.close, name="workspace-close"),
    path("workspace/services/<uuid:service_id>/history/", views.history, name="workspace-history"),
    path("workspace/changes/", views.proposals, name="workspace-proposals"),
    path("workspace/changes/<int:proposal_id>/", views.proposal, name="workspace-proposal"),
    path("workspace/reports/", views.reports, name="workspace-reports"),
    path("workspace/reports/<int:report_id>/", views.report, name="workspace-report"),
    path("workspace/duplicates/", views.duplicates, name="workspace-duplicates"),
    path("workspace/duplicates/decide/", views.decide_duplicate, name="workspace-duplicate-decide"),
    path("workspace/checks/", views.checks, name="workspace-checks"),
    path("workspace/checks/<int:run_id>/", views.check_progress, name="workspace-check-progress"),
    path("workspace/checks/results/<int:result_id>/done/", views.check_done, name="workspace-check-done"),
    path("workspace/providers/", views.providers, name="workspace-providers"),
    path("provider/", views.provider_home, name="provider-home"),
    path("provider/services/<uuid:service_id>/", views.propose, name="provider-propose"),
    path("services/<uuid:service_id>/notes/", views.add_note, name="service-note"),
]
