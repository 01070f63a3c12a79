"""`Idempotency-Key` on POST: a repeated request gets the first answer, and acts once.

The first request inserts its record before acting, inside one transaction with
the act. A concurrent repeat waits on the record's unique index until the first
commits (then it replays that answer) or rolls back (then it acts itself). Only
successful answers are kept: a refused request may be corrected and sent again
under the same key.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import IdempotencyRecord
from blocking.api.authentication import request_client_id
from blocking.api.errors import IdempotencyKeyReused

HEADER = "Idempotency-Key"
_MAX_LENGTH = 200

Handler = Callable[..., Response]


def _request_hash(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return Response(
        record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"}
    )


def idempotent(handler: Handler) -> Handler:
    """Wraps a view's `post` (after authentication, so the client is known)."""

    @wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > _MAX_LENGTH or not key.isprintable():
            raise exceptions.ValidationError({HEADER: [_("Use at most 200 printable characters.")]})
        client = request_client_id(request)
        request_hash = _request_hash(request)
        cutoff = timezone.now() - timedelta(hours=settings.PORTAL_API_IDEMPOTENCY_HOURS)
        IdempotencyRecord.objects.filter(client=client, key=key, created_at__lt=cutoff).delete()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        client=client,
                        key=key,
                        method=request.method,
                        path=request.path[:500],
                        request_hash=request_hash,
                        response_status=0,
                    )
            except IntegrityError:
                return _replay(IdempotencyRecord.objects.get(client=client, key=key), request_hash)
            response = handler(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.response_status = response.status_code
                record.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
                record.save(update_fields=["response_status", "response_body"])
            else:
                transaction.set_rollback(True)
            return response

    return wrapper
