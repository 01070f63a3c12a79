"""Auto-configuration endpoints for mail programs: thin adapters over `formats`.

Thunderbird and Outlook ask anonymously, so they get the domain's settings with
the address's local part as the login, never anything read from a mailbox. The
Apple profile is personal: only the mailbox's owner can download it.
"""

import logging
from functools import cache
from pathlib import Path
from typing import cast

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from accounts.models import Mailbox, User
from portal.autoconfig.formats import (
    AUTODISCOVER_INVALID_REQUEST,
    AUTODISCOVER_PROVIDER_UNAVAILABLE,
    AUTODISCOVER_RESPONSE_SCHEMA,
    AddressRefused,
    Documentation,
    address_check,
    apple_profile,
    autodiscover_error,
    autodiscover_response,
    client_account,
    thunderbird_config,
)
from portal.autoconfig.signing import SigningError, profile_sign, profile_signing_configured
from portal.mail_settings import mail_settings_get

logger = logging.getLogger(__name__)

THUNDERBIRD_CONTENT_TYPE = "application/xml; charset=utf-8"
AUTODISCOVER_CONTENT_TYPE = "text/xml; charset=utf-8"
MOBILECONFIG_CONTENT_TYPE = "application/x-apple-aspen-config"

# The format carries every language at once, so these are not gettext messages.
_THUNDERBIRD_DOCS = (
    ("thunderbird", (("ja", "Thunderbird の設定方法"), ("en", "Setting up Thunderbird"))),
    ("generic", (("ja", "メールソフトの設定項目"), ("en", "Settings for any mail program"))),
)


@cache
def _guide_path(client: str, prefix: str, urlconf: str) -> str:
    # Reversed once per process (and script prefix): every autoconfig answer links two.
    try:
        return reverse("guide_detail", args=[client], urlconf=urlconf)
    except NoReverseMatch:  # the guides may not be routed in this build
        return f"{prefix}guides/{client}/"


def guide_url(request: HttpRequest, client: str) -> str:
    """The absolute URL of a setup guide."""
    urlconf = str(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
    return request.build_absolute_uri(_guide_path(client, get_script_prefix(), urlconf))


@require_safe
def thunderbird(request: HttpRequest) -> HttpResponse:
    """Thunderbird autoconfig. Without `emailaddress` (Thunderbird for Android) the
    answer keeps Thunderbird's placeholders, which the program fills in itself."""
    raw = request.GET.get("emailaddress")
    address = None
    if raw is not None:
        try:
            address = address_check(raw=raw, mail_domain=settings.PORTAL_MAIL_DOMAIN)
        except AddressRefused as refused:
            return HttpResponse(
                refused.message + "\n",
                status=refused.status,
                content_type="text/plain; charset=utf-8",
            )
    account = client_account(
        mail=mail_settings_get(), address=address, isp_name=settings.PORTAL_ISP_NAME
    )
    documentation = [
        Documentation(url=guide_url(request, client), descriptions=descriptions)
        for client, descriptions in _THUNDERBIRD_DOCS
    ]
    body = thunderbird_config(account=account, documentation=documentation)
    return HttpResponse(body, content_type=THUNDERBIRD_CONTENT_TYPE)


def _autodiscover_refusal(code: int, message: str, status: int) -> HttpResponse:
    body = autodiscover_error(code=code, message=message, at=timezone.now())
    return HttpResponse(body, status=status, content_type=AUTODISCOVER_CONTENT_TYPE)


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


@csrf_exempt  # a mail program posts here, with no session and no token
def autodiscover(request: HttpRequest) -> HttpResponse:
    """Outlook POX Autodiscover: the address comes from the request XML."""
    if request.method != "POST":
        return _autodiscover_refusal(
            AUTODISCOVER_INVALID_REQUEST, _("Send the Autodiscover request XML by POST."), 405
        )
    try:
        root = fromstring(request.body)
    except (DefusedXmlException, SyntaxError, ValueError):
        # ParseError is a SyntaxError; DTDs and entities are refused by defusedxml.
        return _autodiscover_refusal(
            AUTODISCOVER_INVALID_REQUEST, _("The request is not valid XML."), 400
        )
    fields = {_local_name(el.tag): (el.text or "").strip() for el in root.iter()}
    schema = fields.get("AcceptableResponseSchema", "")
    if schema and schema != AUTODISCOVER_RESPONSE_SCHEMA:
        return _autodiscover_refusal(
            AUTODISCOVER_PROVIDER_UNAVAILABLE,
            _("Only the Outlook response schema (2006a) is available."),
            400,
        )
    raw = fields.get("EMailAddress", "")
    if not raw:
        return _autodiscover_refusal(
            AUTODISCOVER_INVALID_REQUEST, _("The request names no e-mail address."), 400
        )
    try:
        address = address_check(raw=raw, mail_domain=settings.PORTAL_MAIL_DOMAIN)
    except AddressRefused as refused:
        return _autodiscover_refusal(AUTODISCOVER_INVALID_REQUEST, refused.message, refused.status)
    account = client_account(
        mail=mail_settings_get(), address=address, isp_name=settings.PORTAL_ISP_NAME
    )
    return HttpResponse(
        autodiscover_response(account=account), content_type=AUTODISCOVER_CONTENT_TYPE
    )


@require_safe
@login_required
def mail_profile(request: HttpRequest, address: str) -> HttpResponse:
    """The Apple configuration profile of one of the subscriber's own mailboxes."""
    mailbox = (
        Mailbox.objects.select_related("submission_access")
        .filter(address=address.lower(), subscriber__user=cast(User, request.user))
        .first()
    )
    if mailbox is None:
        # Someone else's mailbox and a missing one look the same: existence is not told.
        raise Http404(_("You have no mailbox with this address."))
    account = client_account(
        mail=mail_settings_get(mailbox=mailbox), address=None, isp_name=settings.PORTAL_ISP_NAME
    )
    profile = apple_profile(
        account=account,
        description=_(
            "Sets up %(address)s to receive mail and to send it on port %(port)s. "
            "Your password is not included: the device asks for it."
        )
        % {"address": account.address, "port": account.outgoing[0].endpoint.port},
    )
    if profile_signing_configured():
        try:
            profile = profile_sign(
                profile=profile,
                cert=Path(settings.PORTAL_PROFILE_SIGNING_CERT),
                key=Path(settings.PORTAL_PROFILE_SIGNING_KEY),
            )
        except SigningError:
            # An unsigned profile still works (the device says "unverified").
            logger.exception("Could not sign the mail profile; sending it unsigned")
    response = HttpResponse(profile, content_type=MOBILECONFIG_CONTENT_TYPE)
    filename = f"{mailbox.address.partition('@')[0]}.mobileconfig"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
