from django.urls import path

from upstream.directory import results, views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("services/<uuid:service_id>/", views.service, name="service"),
    path("services/<uuid:service_id>/report/", views.report, name="report"),
    path("services/<uuid:service_id>/report/sent/", views.report_sent, name="report-sent"),
    path("list/", results.print_list, name="print-list"),
    path("list/send/", results.send_list, name="send-list"),
    path("list/sent/", results.list_sent, name="list-sent"),
]

# The co-ordinator's workspace, providers' changes, staff notes and guides (docs/directory.md).
from upstream.directory.guides import urls as guide_urls  # noqa: E402 - kept beside the lines that use it
from upstream.directory.workspace import urls as workspace_urls  # noqa: E402

urlpatterns += workspace_urls.urlpatterns + guide_urls.urlpatterns
