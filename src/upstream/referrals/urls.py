from django.urls import path

from upstream.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:referral_id>/", views.index, name="detail"),
]
