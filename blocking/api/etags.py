"""ETag and If-Match for objects two people may change at once (exemptions)."""

import hashlib

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request

from blocking.api.authentication import request_api_key
from blocking.api.errors import PreconditionFailed, PreconditionRequired
from blocking.models import Exemption


def exemption_etag(exemption: Exemption) -> str:
    """Changes whenever anything a decision depends on changes."""
    parts = (
        exemption.pk,
        exemption.state,
        exemption.starts_at.isoformat(),
        exemption.ends_at.isoformat(),
        exemption.decided_at.isoformat() if exemption.decided_at else "",
        exemption.revoked_at.isoformat() if exemption.revoked_at else "",
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


def if_match_check(request: Request, *, etag: str) -> None:
    """Refuse a change made without (key clients) or against a stale ETag.

    Staff in the browsable API cannot set headers, so for sessions If-Match is
    honoured when sent rather than required.
    """
    header = request.headers.get("If-Match")
    if header is None:
        if request_api_key(request) is not None:
            raise PreconditionRequired()
        return
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if not tags:
        raise exceptions.ValidationError({"If-Match": [_('Send an ETag, such as "abc".')]})
    if "*" in tags or etag in tags:
        return
    raise PreconditionFailed()
