"""`Authorization: Bearer <key>` for machine clients; staff sessions for the browsable API."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.api_keys import api_key_authenticate
from accounts.audit import Actor, request_source_ip
from accounts.models import ApiKey, User

# The request's `auth` is the ApiKey; the user is the anonymous user.
AuthResult = tuple[object, ApiKey]


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> AuthResult | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # not ours: a session may still authenticate the request
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key as `Authorization: Bearer <key>`, with no spaces in the key.")
            )
        try:
            raw_key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The API key is not valid.")) from None
        api_key = api_key_authenticate(raw_key=raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("The API key is not valid or was revoked."))
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return f'{self.keyword} realm="api"'


def request_api_key(request: Request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


def request_actor(request: Request) -> Actor:
    """Who acts, for the services and the audit trail: the API client or the staff login."""
    api_key = request_api_key(request)
    if api_key is not None:
        return Actor(user=None, label=f"api:{api_key.name}", source_ip=request_source_ip(request))
    return Actor.from_request(request._request)


def request_client_id(request: Request) -> str:
    """A stable name of the client for throttling and idempotency."""
    api_key = request_api_key(request)
    if api_key is not None:
        return f"api:{api_key.name}"
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{request_source_ip(request) or 'unknown'}"


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "blocking.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key made with `manage.py create_api_key` or in the console.",
        }
