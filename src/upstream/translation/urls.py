from django.urls import path

from upstream.translation import views

app_name = "translation"
urlpatterns = [
    path("", views.index, name="index"),
    path("languages/", views.add_language, name="languages"),
    path("machine/", views.request_machine, name="machine"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("<str:kind_key>/<str:object_id>/<str:language>/", views.record, name="record"),
]
