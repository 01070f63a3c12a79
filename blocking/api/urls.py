"""The admin API: /api/v1/..., its OpenAPI schema at /api/schema/, its docs at /api/docs/."""

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from blocking.api import views
from blocking.api.docs import ApiDocsView
from blocking.api.errors import api_not_found

app_name = "api"

v1 = [
    path("subscribers/", views.SubscriberList.as_view(), name="subscriber-list"),
    path("subscribers/<str:account_id>/", views.SubscriberDetail.as_view(), name="subscriber"),
    path("lines/", views.LineList.as_view(), name="line-list"),
    path("lines/<str:line_id>/", views.LineDetail.as_view(), name="line"),
    path("mailboxes/", views.MailboxList.as_view(), name="mailbox-list"),
    path("mailboxes/<str:address>/", views.MailboxDetail.as_view(), name="mailbox"),
    path(
        "mailboxes/<str:address>/suspend/", views.MailboxSuspend.as_view(), name="mailbox-suspend"
    ),
    path(
        "mailboxes/<str:address>/restore/", views.MailboxRestore.as_view(), name="mailbox-restore"
    ),
    path("exemptions/", views.ExemptionList.as_view(), name="exemption-list"),
    path("exemptions/expiring/", views.ExemptionExpiringList.as_view(), name="exemption-expiring"),
    path("exemptions/<int:pk>/", views.ExemptionDetail.as_view(), name="exemption"),
    path("exemptions/<int:pk>/extend/", views.ExemptionExtend.as_view(), name="exemption-extend"),
    path("exemptions/<int:pk>/revoke/", views.ExemptionRevoke.as_view(), name="exemption-revoke"),
    path(
        "exemption-requests/",
        views.ExemptionRequestList.as_view(),
        name="exemption-request-list",
    ),
    path(
        "exemption-requests/<int:pk>/approve/",
        views.ExemptionApprove.as_view(),
        name="exemption-request-approve",
    ),
    path(
        "exemption-requests/<int:pk>/deny/",
        views.ExemptionDeny.as_view(),
        name="exemption-request-deny",
    ),
    path("schedule/", views.PhaseList.as_view(), name="phase-list"),
    path("schedule/<int:pk>/", views.PhaseDetail.as_view(), name="phase"),
    path("schedule/<int:pk>/remove/", views.PhaseRemove.as_view(), name="phase-remove"),
    path("destinations/", views.DestinationEntryList.as_view(), name="destination-list"),
    path("destinations/<int:pk>/", views.DestinationEntryDetail.as_view(), name="destination"),
    path(
        "destinations/<int:pk>/remove/",
        views.DestinationEntryRemove.as_view(),
        name="destination-remove",
    ),
    path("sync-changes/", views.SyncChangeList.as_view(), name="sync-change-list"),
    path("sync-changes/counts/", views.SyncChangeCounts.as_view(), name="sync-change-counts"),
    path("sync-changes/<int:pk>/", views.SyncChangeDetail.as_view(), name="sync-change"),
    path("sync-changes/<int:pk>/retry/", views.SyncChangeRetry.as_view(), name="sync-change-retry"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ answers in the API's error format, not an HTML page.
    re_path(r"^.*$", api_not_found),
]
