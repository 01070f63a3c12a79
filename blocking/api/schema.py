"""The OpenAPI description: every operation documents the one error body it may answer."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: `invalid`, `not_found`, ...")
    message = serializers.CharField(help_text="For people, in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The refused input fields and why; empty when no field is at fault.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# Answers every operation can give: bad input or filter, no or bad key, missing
# scope or permission, unknown object, a format it cannot produce, throttled.
_ALWAYS = ("400", "401", "403", "404", "406", "429")
# And a write: state conflict, not JSON, Idempotency-Key reused with another body.
_WRITES = ("409", "415", "422")
# And a write guarded by If-Match: changed meanwhile, or no If-Match from a key client.
_CONDITIONAL = ("412", "428")

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (up to 200 characters). A POST repeated with the same key and body "
        "within 24 hours gets the first answer again instead of acting twice."
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The ETag of the object as last read. Required from API-key clients; on a mismatch "
        "the change is refused with 412."
    ),
)


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY)
            if getattr(self.view, "if_match", False):
                parameters.append(IF_MATCH)
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = list(_ALWAYS)
        if self.method != "GET":
            codes += _WRITES
            if getattr(self.view, "if_match", False):
                codes += _CONDITIONAL
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code))
        return responses
