from django.urls import path

from upstream.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("services/<uuid:service_id>/", views.service, name="service"),
    path("services/<uuid:service_id>/report/", views.report, name="report"),
    path("services/<uuid:service_id>/report/sent/", views.report_sent, name="report-sent"),
]
