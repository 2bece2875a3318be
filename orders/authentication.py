"""Factory clients: bearer tokens that open the factory API and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from orders.models import FactoryEndpoint, FactoryToken
from orders.services import token_hash


@dataclass(frozen=True)
class Factory:
    """The principal of a factory token: not a user, so no shop, admin or staff permission applies."""

    endpoint: FactoryEndpoint
    is_authenticated: bool = True
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def name(self) -> str:
        return self.endpoint.name


def request_factory(request: Request) -> Factory:
    """Return the factory a request is authenticated as (views guarded by IsFactory)."""
    if not isinstance(request.user, Factory):
        raise exceptions.NotAuthenticated("a factory token is required")
    return request.user


class FactoryTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer fct_…` of an active endpoint, not revoked."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Factory, FactoryToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, raw = header.partition(" ")
        if keyword != self.keyword or not raw.strip():
            raise exceptions.AuthenticationFailed("use 'Authorization: Bearer <factory token>'")
        token = (
            FactoryToken.objects.select_related("endpoint")
            .filter(key_hash=token_hash(raw.strip()), revoked_at__isnull=True, endpoint__active=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("unknown, revoked or disabled factory token")
        return Factory(token.endpoint), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IsFactory(permissions.BasePermission):
    """Allow factory tokens only (a signed-in shop user is not a factory)."""

    message = "a factory token is required"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.user, Factory)


class FactoryTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular's __init_subclass__ is unannotated
    """Describe factory tokens in the OpenAPI schema (/api/docs/)."""

    target_class = FactoryTokenAuthentication
    name = "factoryToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A factory API token, fct_…"}
