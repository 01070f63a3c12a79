"""The support console under /staff/ (URL names `console:...`)."""

from django.urls import URLPattern, URLResolver, path, re_path

from blocking.console.views import (
    api_keys,
    audit,
    auth,
    destinations,
    exemptions,
    schedule,
    submission,
    subscribers,
    sync,
)

app_name = "console"

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", auth.login, name="login"),
    path("login/code/", auth.verify, name="verify"),
    path("login/enrol/", auth.enrol, name="enrol"),
    path("logout/", auth.logout, name="logout"),
    path("", subscribers.home, name="home"),
    path("search/", subscribers.search, name="search"),
    path("subscribers/<str:account_id>/", subscribers.subscriber_detail, name="subscriber"),
    path(
        "lines/<str:line_id>/exemptions/grant/",
        exemptions.exemption_grant,
        name="exemption_grant",
    ),
    path("exemptions/requests/", exemptions.exemption_requests, name="exemption_requests"),
    path("exemptions/expiring/", exemptions.exemptions_expiring, name="exemptions_expiring"),
    path("exemptions/<int:pk>/extend/", exemptions.exemption_extend, name="exemption_extend"),
    path("exemptions/<int:pk>/revoke/", exemptions.exemption_revoke, name="exemption_revoke"),
    path("exemptions/<int:pk>/decide/", exemptions.exemption_decide, name="exemption_decide"),
    re_path(
        r"^mailboxes/(?P<address>[^/]+)/submission/(?P<action>suspend|restore)/$",
        submission.submission_access_change,
        name="submission_access",
    ),
    path("schedule/", schedule.schedule, name="schedule"),
    path("schedule/change/", schedule.schedule_change, name="schedule_change"),
    path("destinations/", destinations.destination_list, name="destinations"),
    path("destinations/add/", destinations.destination_add, name="destination_add"),
    path(
        "destinations/<int:pk>/remove/",
        destinations.destination_remove,
        name="destination_remove",
    ),
    path("sync/", sync.sync_queue, name="sync_queue"),
    path("sync/retry-failed/", sync.sync_changes_retry_all, name="sync_retry_all"),
    path("sync/<int:pk>/", sync.sync_change_detail, name="sync_change"),
    path("sync/<int:pk>/retry/", sync.sync_change_retry_view, name="sync_retry"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/export.csv", audit.audit_log_csv, name="audit_log_csv"),
    path("api-keys/", api_keys.api_keys, name="api_keys"),
    path("api-keys/add/", api_keys.api_key_add, name="api_key_add"),
    path("api-keys/<int:pk>/revoke/", api_keys.api_key_revoke_view, name="api_key_revoke"),
]
