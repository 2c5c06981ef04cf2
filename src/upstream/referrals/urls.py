from django.urls import path

from upstream.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.index, name="index"),
    path("inbox/", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("refer/", views.refer, name="refer"),
    path("new/", views.new, name="new"),
    path("<int:referral_id>/", views.detail, name="detail"),
    path("<int:referral_id>/move/", views.move, name="move"),
    path("<int:referral_id>/basis/", views.basis, name="basis"),
    path("<int:referral_id>/erase/", views.erase, name="erase"),
    path("retention/", views.retention, name="retention"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/add/", views.programme_add, name="programme-add"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme"),
    path("enrolments/<int:enrolment_id>/", views.enrolment_update, name="enrolment"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics.csv", views.statistics_csv, name="statistics-csv"),
    path("notifications/", views.notifications, name="notifications"),
    path("ask-for-help/", views.self_referral, name="self-referral"),
    path("ask-for-help/sent/", views.self_referral_sent, name="self-referral-sent"),
]
