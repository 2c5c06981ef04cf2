from django.urls import path

from upstream.records import views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review_queue, name="review"),
    path("review/<str:person_id_l>/<str:person_id_r>/", views.review_pair, name="pair"),
    path("people/<str:resolved_person_id>/", views.person, name="person"),
    path("people/<str:resolved_person_id>/link/", views.person_link, name="link"),
    path("people/<str:resolved_person_id>/unlink/<str:person_id>/", views.person_unlink, name="unlink"),
    path("history/", views.history, name="history"),
    path("runs/start/", views.run_start, name="run-start"),
    path("runs/<int:run_id>/", views.run, name="run"),
    path("imports/new/", views.import_start, name="import-start"),
    path("imports/<int:run_id>/", views.import_run, name="import"),
]
