"""One error format for every refusal of the admin API.

    {"error": {"code": "invalid", "message": "...", "fields": {"ends_at": ["..."]}}}

`code` is stable and meant for programs, `message` for people (in the request's
language), `fields` names the input that was refused (empty when none was).
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

# Messages of requests that name no input field go here when DRF reports them.
_NON_FIELD_KEYS = ("non_field_errors", "__all__")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The object has changed since you read it (its ETag differs from If-Match). "
        "Read it again and repeat the change if it still applies."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Send the object's ETag in an If-Match header, so a change made by someone else "
        "in the meantime is not overwritten."
    )
    default_code = "precondition_required"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "This Idempotency-Key was used before with a different request. "
        "Use a new key for a new request."
    )
    default_code = "idempotency_key_reused"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "The change conflicts with the current state of the object. Read it again and retry."
    )
    default_code = "conflict"


def error_body(*, code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "field.0.sub": [messages]}."""
    found: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            found.update(_flatten(value, name))
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            found.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(detail, list):
        found[prefix] = [str(item) for item in detail]
    else:
        found[prefix] = [str(detail)]
    return found


def _validation_body(detail: Any) -> dict:
    fields = _flatten(detail if isinstance(detail, dict | list) else [detail])
    general = [m for key in (*_NON_FIELD_KEYS, "") for m in fields.pop(key, [])]
    message = " ".join(general) or str(_("Some of the input is not valid; see the fields."))
    return error_body(code="invalid", message=message, fields=fields)


def _from_django(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail=detail)
    if isinstance(exc, IntegrityError):
        return Conflict()
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: DRF's handler, then our one format."""
    exc = _from_django(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's handler logs it and answers 500
    if not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = error_body(code=str(code), message=str(exc.detail))
    return response


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """URLs under /api/ that name nothing still answer in the API's format."""
    return JsonResponse(
        error_body(code="not_found", message=str(exceptions.NotFound.default_detail)),
        status=status.HTTP_404_NOT_FOUND,
    )
