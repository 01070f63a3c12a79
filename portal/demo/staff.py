"""Staff roles (groups with their permissions) and the demo's user logins.

The roles themselves are defined in `blocking.console.roles`. `password_hash`
serves every demo login (staff, personas and bulk subscribers); `user_ensure`
the staff and the personas; `staff_totp_ensure` gives each demo staff member an
authenticator with a fixed secret (`manage.py totp_code <username>` shows its code).
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from blocking.console.roles import AGENT_GROUP, AUDITOR_GROUP, SUPERVISOR_GROUP, staff_roles_ensure

# Demo logins only: printed at the end of every run, never used outside a demo.
AGENT_PASSWORD = "demo-agent-2006"  # noqa: S105
SUPERVISOR_PASSWORD = "demo-supervisor-2006"  # noqa: S105
AUDITOR_PASSWORD = "demo-auditor-2006"  # noqa: S105

# Demo authenticators only: fixed TOTP secrets (hex, 20 bytes) so that
# `manage.py totp_code <username>` can print the current code of each.
DEMO_TOTP_DEVICE = "demo authenticator"
DEMO_TOTP_KEYS = {
    "agent": "3132333435363738393031323334353637383930",
    "supervisor": "64656d6f2d73757065727669736f722d32303036",
    "auditor": "64656d6f2d61756469746f722d746f74702d3230",
}


@cache
def password_hash(*, password: str) -> str:
    """Hash each demo password once per process: hashing is slow on purpose (~0.5 s)."""
    return make_password(password)


def staff_groups_ensure() -> dict[str, Group]:
    """The three staff roles with their permissions, reset to these on every run."""
    return staff_roles_ensure()


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
        staff_totp_ensure(user=user)
        users[spec.username] = user
    return users


def staff_totp_ensure(*, user: User) -> TOTPDevice:
    """The demo staff member's authenticator, with its fixed secret, reset on every run."""
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_TOTP_DEVICE,
        defaults={
            "key": DEMO_TOTP_KEYS[user.get_username()],
            "confirmed": True,
            "last_t": -1,
            "drift": 0,
            "throttling_failure_count": 0,
            "throttling_failure_timestamp": None,
        },
    )
    return device
