"""Routes of guides (in the directory namespace)."""

from django.urls import path

from upstream.directory.guides import views

urlpatterns = [
    path("guides/", views.guide_list, name="guides"),
    path("guides/<slug:slug>/", views.guide_page, name="guide"),
    path("workspace/guides/new/", views.guide_edit, name="guide-new"),
    path("workspace/guides/<uuid:guide_id>/edit/", views.guide_edit, name="guide-edit"),
]
