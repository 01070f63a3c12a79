"""The three staff roles as Django groups, and the permission each console page asks for.

Roles are groups in the database; `staff_roles_ensure` sets them to what this
module says (the demo calls it, and `staff_roles_after_migrate` after every
migrate once accounts/apps.py connects it), so the roles are reviewed code. The
console asks for Django model permissions only (no custom ones), so the roles need
no migration of their own: `change_rolloutphase` is "edit the schedule",
`change_submissionaccess` is "suspend and restore port 587", and so on.
"""

from typing import Any

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission

AGENT_GROUP = "support agent"
SUPERVISOR_GROUP = "supervisor"
AUDITOR_GROUP = "auditor"

# What each console page asks for ("app_label.codename").
VIEW_CONSOLE = "accounts.view_subscriber"
VIEW_AUDIT = "accounts.view_auditevent"
GRANT_EXEMPTION = "blocking.add_exemption"
CHANGE_EXEMPTION = "blocking.change_exemption"
GRANT_LONG_EXEMPTION = "blocking.grant_long_exemption"
CHANGE_SUBMISSION_ACCESS = "blocking.change_submissionaccess"
VIEW_SCHEDULE = "blocking.view_rolloutphase"
CHANGE_SCHEDULE = "blocking.change_rolloutphase"
VIEW_DESTINATIONS = "blocking.view_destinationentry"
CHANGE_DESTINATIONS = "blocking.change_destinationentry"
# The sync queue (blocking.sync's outbox of desired state): retrying re-sends a
# schedule, list or exemption, a supervisor's decision.
VIEW_SYNC = "blocking.view_syncchange"
RETRY_SYNC = "blocking.change_syncchange"
VIEW_API_KEYS = "accounts.view_apikey"
CHANGE_API_KEYS = "accounts.change_apikey"

_STAFF_APPS = ("accounts", "blocking")

# Changing a user includes its is_superuser flag, and the audit trail is written
# by code only: no role gets these.
WITHHELD = frozenset(
    {
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "accounts.add_auditevent",
        "accounts.change_auditevent",
        "accounts.delete_auditevent",
    }
)

AGENT_EXTRA = frozenset(
    {
        GRANT_EXEMPTION,
        CHANGE_EXEMPTION,
        CHANGE_SUBMISSION_ACCESS,
        "blocking.add_submissionaccess",
    }
)


def _label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def staff_roles_ensure() -> dict[str, Group]:
    """The three roles with exactly their permissions, reset on every call.

    Everyone reads everything (the auditor nothing more); agents also grant,
    extend, revoke and decide exemptions and suspend or restore port 587;
    supervisors may do everything on accounts and blocking except the withheld
    (so also the schedule, the destination list, sync retries, API keys and
    exemptions beyond the agent limit).
    """
    permissions = list(
        Permission.objects.filter(content_type__app_label__in=_STAFF_APPS).select_related(
            "content_type"
        )
    )
    view = [p for p in permissions if p.codename.startswith("view_")]
    wanted = {
        AUDITOR_GROUP: view,
        AGENT_GROUP: view + [p for p in permissions if _label(p) in AGENT_EXTRA],
        SUPERVISOR_GROUP: [p for p in permissions if _label(p) not in WITHHELD],
    }
    groups = {}
    for name, group_permissions in wanted.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(group_permissions)
        groups[name] = group
    return groups


def staff_roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    """`post_migrate` receiver: the roles exist in every database, demo or not.

    Django creates an app's permissions in its own post_migrate receiver; once
    `portal` (the last app) has migrated, those of accounts and blocking exist.
    """
    if sender.label == "portal":
        staff_roles_ensure()
