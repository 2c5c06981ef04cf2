from django.urls import path  # noqa: F401 - routes are added as the package grows

app_name = "places"
urlpatterns: list = []
