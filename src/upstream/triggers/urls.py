from django.urls import path

from upstream.triggers import views

app_name = "triggers"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue/<int:trigger_id>/", views.detail, name="detail"),
    path("queue/<int:trigger_id>/<str:decision>/", views.decide, name="decide"),
    path("runs/", views.run_start, name="run-start"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("demand/", views.demand, name="demand"),
    path("disparity/", views.disparity, name="disparity"),
]
