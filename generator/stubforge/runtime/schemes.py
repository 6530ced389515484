"""Security schemes as data, shared by the client's credentials and the server's checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ApiKey", "HttpAuth", "Location", "OAuth2", "OpenIdConnect", "Requirement", "Scheme"]

Requirement = Mapping[str, Sequence[str]]
"""One security requirement: scheme name to the scopes it needs (all schemes together)."""


class Location(StrEnum):
    HEADER = "header"
    QUERY = "query"
    COOKIE = "cookie"


@dataclass(frozen=True)
class ApiKey:
    """An API key sent as a header, query parameter or cookie named ``name``."""

    name: str
    location: Location = Location.HEADER


@dataclass(frozen=True)
class HttpAuth:
    """An HTTP authentication scheme (RFC 9110 §11): ``basic``, ``bearer`` or another."""

    scheme: str
    bearer_format: str = ""


@dataclass(frozen=True)
class OAuth2:
    """OAuth 2.0; ``token_url`` is the client-credentials flow's token endpoint, if any."""

    token_url: str = ""
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenIdConnect:
    """OpenID Connect: the caller supplies tokens through a token provider."""

    url: str = ""


Scheme = ApiKey | HttpAuth | OAuth2 | OpenIdConnect
