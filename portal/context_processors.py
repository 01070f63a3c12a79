from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse


def isp(request: HttpRequest) -> dict[str, str]:
    """The ISP's name, shown in every page's header and footer."""
    return {"isp_name": settings.PORTAL_ISP_NAME}


# The menu's links in base.html: reversed once per process (and script prefix), not on every
# page; a name not routed in this build gives "" as `{% url ... as %}` would.
_NAV_URL_NAMES = (
    "notice",
    "checker",
    "guide_list",
    "troubleshooting",
    "dashboard",
    "login",
    "logout",
    "set_language",
)


@cache
def _nav_urls(prefix: str, urlconf: str) -> dict[str, str]:
    urls = {}
    for name in _NAV_URL_NAMES:
        try:
            urls[name] = reverse(name)
        except NoReverseMatch:
            urls[name] = ""
    return urls


def nav_urls(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The URLs of the site's menu, for base.html."""
    urlconf = str(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
    return {"nav_urls": _nav_urls(get_script_prefix(), urlconf)}
