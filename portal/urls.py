from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/", include("blocking.console.urls")),
    path("api/", include("blocking.api.urls")),
    path("", include("accounts.urls")),
    path("", include("portal.subscriber_urls")),
    path("", include("portal.guides.urls")),
    path("", include("portal.autoconfig.urls")),
    path("", include("portal.site_urls")),
]
