from django.urls import path

from upstream.gaps import views

app_name = "gaps"
urlpatterns = [
    path("", views.index, name="index"),
    path("gaps.csv", views.export_csv, name="csv"),
]
