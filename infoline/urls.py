"""URL configuration: each app contributes its own namespaced URLs."""

from django.contrib import admin
from django.urls import include, path

from infoline.accounts import views as account_views
from infoline.api import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("", include("infoline.accounts.urls")),
    path("", include("infoline.audit.urls")),
    path("", include("infoline.clients.urls")),
    path("", include("infoline.journal.urls_records")),
    path("", include("infoline.journal.urls")),
    path("", include("infoline.telephony.urls")),
    path("", include("infoline.knowledge.urls")),
    path("", include("infoline.realtime.urls")),
    path("", include("infoline.workforce.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "infoline.lib.views.permission_denied"
handler404 = "infoline.lib.views.page_not_found"
