from django.urls import path

from upstream.people import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("add/", views.person_add, name="add"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/share/", views.person_share, name="share"),
    path("<int:person_id>/erase/", views.person_erase, name="erase"),
    path("<int:person_id>/access-log/", views.person_access_log, name="access-log"),
]
