"""Staff roles (groups with their permissions) and the demo's user logins.

`password_hash` serves every demo login (staff, personas and bulk subscribers);
`user_ensure` the staff and the personas.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission

from accounts.models import User

# Demo logins only: printed at the end of every run, never used outside a demo.
AGENT_PASSWORD = "demo-agent-2006"  # noqa: S105
SUPERVISOR_PASSWORD = "demo-supervisor-2006"  # noqa: S105
AUDITOR_PASSWORD = "demo-auditor-2006"  # noqa: S105

AGENT_GROUP = "support agent"
SUPERVISOR_GROUP = "supervisor"
AUDITOR_GROUP = "auditor"
_STAFF_APPS = ("accounts", "blocking")


@cache
def password_hash(*, password: str) -> str:
    """Hash each demo password once per process: hashing is slow on purpose (~0.5 s)."""
    return make_password(password)


def staff_groups_ensure() -> dict[str, Group]:
    """The three staff roles with their permissions, reset to these on every run."""
    permissions = list(Permission.objects.filter(content_type__app_label__in=_STAFF_APPS))
    view = [p for p in permissions if p.codename.startswith("view_")]
    edit_exemptions = [
        p for p in permissions if p.codename in ("add_exemption", "change_exemption")
    ]
    # The audit trail is append-only and written only by code, so nobody gets to
    # add, change or delete it. Users stay with superusers: changing a user in the
    # admin includes its is_superuser flag, which would let a supervisor make anyone
    # (themselves included) a superuser.
    withheld = (
        "add_auditevent",
        "change_auditevent",
        "delete_auditevent",
        "add_user",
        "change_user",
        "delete_user",
    )
    wanted = {
        AGENT_GROUP: view + edit_exemptions,
        SUPERVISOR_GROUP: [p for p in permissions if p.codename not in withheld],
        AUDITOR_GROUP: view,
    }
    groups = {}
    for name, group_permissions in wanted.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(group_permissions)
        groups[name] = group
    return groups


def user_ensure(
    *,
    username: str,
    password: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
) -> User:
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "password": password_hash(password=password),
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": is_staff,
            "is_superuser": False,
            "is_active": True,
        },
    )
    return user


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str


@dataclass(frozen=True)
class StaffSpec:
    username: str
    password: str
    group: str
    first_name: str
    last_name: str


STAFF = (
    StaffSpec("agent", AGENT_PASSWORD, AGENT_GROUP, "Aoi", "Mori"),
    StaffSpec("supervisor", SUPERVISOR_PASSWORD, SUPERVISOR_GROUP, "Ken", "Ishikawa"),
    StaffSpec("auditor", AUDITOR_PASSWORD, AUDITOR_GROUP, "Rie", "Fujita"),
)


def staff_ensure(*, groups: dict[str, Group]) -> dict[str, User]:
    users = {}
    for spec in STAFF:
        user = user_ensure(
            username=spec.username,
            password=spec.password,
            email=f"{spec.username}@{settings.PORTAL_MAIL_DOMAIN}",
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=True,
        )
        user.groups.set([groups[spec.group]])
        users[spec.username] = user
    return users
