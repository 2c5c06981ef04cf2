"""Every route of Upstream. Each capability package brings its own urls.py and api.py."""

from django.contrib import admin
from django.urls import include, path

from upstream.api import api

urlpatterns = [
    path("", include("upstream.core.urls")),
    path("accounts/", include("upstream.accounts.urls")),
    path("people/", include("upstream.people.urls")),
    path("referrals/", include("upstream.referrals.urls")),
    path("places/", include("upstream.places.urls")),
    path("directory/", include("upstream.directory.urls")),
    path("problems/", include("upstream.problems.urls")),
    path("triggers/", include("upstream.triggers.urls")),
    path("records/", include("upstream.records.urls")),
    path("translations/", include("upstream.translation.urls")),
    path("gaps/", include("upstream.gaps.urls")),
    path("api/", api.urls),
    path("support/admin/", admin.site.urls),
]

handler400 = "upstream.core.views.error_400"
handler403 = "upstream.core.views.error_403"
handler404 = "upstream.core.views.error_404"
handler500 = "upstream.core.views.error_500"
