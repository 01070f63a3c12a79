from django.conf import settings
from django.http import HttpRequest


def isp(request: HttpRequest) -> dict[str, str]:
    """The ISP's name, shown in every page's header and footer."""
    return {"isp_name": settings.PORTAL_ISP_NAME}
