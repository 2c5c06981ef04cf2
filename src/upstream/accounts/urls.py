from django.urls import path

from upstream.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/", views.account, name="account"),
    path("account/password/", views.change_password, name="change-password"),
]
