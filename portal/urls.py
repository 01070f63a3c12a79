from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from portal import language
from portal.observability import health, metrics

admin.site.__class__ = OTPAdminSite  # the admin, like /staff/, asks for a TOTP code

urlpatterns = [
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("staff/", include("blocking.console.urls")),
    path("api/", include("blocking.api.urls")),
    # The busiest addresses of announcement week (the notice, the mail programs'
    # auto-configuration) first: URLs are tried in order. No two of these overlap.
    path("", include("portal.site_urls")),
    path("", include("portal.autoconfig.urls")),
    path("", include("accounts.urls")),
    path("", include("portal.subscriber_urls")),
    path("", include("portal.guides.urls")),
]
