from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from portal.observability import health, metrics

admin.site.__class__ = OTPAdminSite  # the admin, like /staff/, asks for a TOTP code

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("staff/", include("blocking.console.urls")),
    path("api/", include("blocking.api.urls")),
    path("", include("accounts.urls")),
    path("", include("portal.subscriber_urls")),
    path("", include("portal.guides.urls")),
    path("", include("portal.autoconfig.urls")),
    path("", include("portal.site_urls")),
]
