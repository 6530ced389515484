"""Credentials on outgoing requests, one security scheme at a time (client side).

A spec's security schemes become ``Scheme`` values; the caller passes one credential per scheme
name. An operation lists requirement alternatives (OR) of scheme combinations (AND); the first
alternative whose schemes all have credentials is applied, an empty alternative means the call
may go anonymously. Each credential may be a value, a callable returning one, or (async client)
an async callable, so tokens can be fresh per request.
"""

from __future__ import annotations

import base64
import inspect
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final
from urllib.parse import quote, urljoin

from .schemes import ApiKey, HttpAuth, Location, OAuth2, OpenIdConnect, Requirement, Scheme

if TYPE_CHECKING:
    import asyncio

    import httpx
else:
    from .lazy import asyncio, httpx

__all__ = [
    "ApiKey",
    "BasicAuth",
    "ClientCredentials",
    "CredentialsError",
    "HttpAuth",
    "Location",
    "OAuth2",
    "OpenIdConnect",
    "Requirement",
    "Scheme",
    "apply_credentials",
    "apply_credentials_async",
    "basic_credentials",
    "choose_alternative",
    "invalidate_tokens",
]


class CredentialsError(Exception):
    """A credential could not be produced (bad value, or the token endpoint refused)."""


@dataclass(frozen=True)
class BasicAuth:
    """A user name and password for HTTP Basic (RFC 7617)."""

    username: str
    password: str


def basic_credentials(username: str, password: str) -> str:
    """The RFC 7617 credentials: base64 of ``user:password`` in UTF-8."""
    if ":" in username:
        raise CredentialsError("an HTTP Basic user name cannot contain ':' (RFC 7617)")
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


@dataclass
class _Token:
    value: str
    expires_at: float | None


@dataclass
class ClientCredentials:
    """OAuth 2.0 client credentials (RFC 6749 §4.4): the token is fetched, cached and refreshed.

    A token is reused until ``refresh_margin`` seconds before its ``expires_in`` runs out, then
    fetched again. ``token_url`` overrides the spec's. The client authenticates with HTTP Basic
    (``client_secret_basic``) or in the form body (``client_secret_post``).
    """

    client_id: str
    client_secret: str
    scopes: Sequence[str] | None = None
    token_url: str = ""
    auth_method: str = "client_secret_basic"
    refresh_margin: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _cache: dict[tuple[str, tuple[str, ...]], _Token] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _alock: asyncio.Lock | None = field(default=None, repr=False)

    def _key(self, url: str, scopes: Sequence[str]) -> tuple[str, tuple[str, ...]]:
        chosen = self.scopes if self.scopes is not None else scopes
        return url, tuple(sorted(set(chosen)))

    def _fresh(self, key: tuple[str, tuple[str, ...]]) -> str | None:
        token = self._cache.get(key)
        if token is None:
            return None
        if token.expires_at is not None and self.clock() >= token.expires_at - self.refresh_margin:
            return None
        return token.value

    def _request(self, url: str, scopes: tuple[str, ...]) -> httpx.Request:
        form = {"grant_type": "client_credentials"}
        if scopes:
            form["scope"] = " ".join(scopes)
        headers = {"accept": "application/json"}
        if self.auth_method == "client_secret_post":
            form["client_id"] = self.client_id
            form["client_secret"] = self.client_secret
        else:
            # RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding.
            pair = f"{quote(self.client_id, safe='')}:{quote(self.client_secret, safe='')}"
            headers["authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        return httpx.Request("POST", url, data=form, headers=headers)

    def _store(self, key: tuple[str, tuple[str, ...]], response: httpx.Response) -> str:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code != 200 or not isinstance(payload, dict):
            detail = payload.get("error", "") if isinstance(payload, dict) else ""
            raise CredentialsError(
                f"the token endpoint {key[0]} answered {response.status_code} {detail}".rstrip()
            )
        value = payload.get("access_token")
        if not isinstance(value, str) or not value:
            raise CredentialsError(f"the token endpoint {key[0]} sent no access_token")
        lifetime = payload.get("expires_in")
        expires_at = (
            self.clock() + float(lifetime)
            if isinstance(lifetime, int | float | str) and str(lifetime).isdigit()
            else None
        )
        self._cache[key] = _Token(value, expires_at)
        return value

    def invalidate(self) -> None:
        """Forget cached tokens (after the service rejected one)."""
        self._cache.clear()

    def token(self, http: httpx.Client, url: str, scopes: Sequence[str]) -> str:
        """A valid access token for ``scopes``, fetched with ``http`` when none is cached."""
        key = self._key(self.token_url or url, scopes)
        with self._lock:
            found = self._fresh(key)
            if found is not None:
                return found
            return self._store(key, http.send(self._request(*key)))

    async def token_async(self, http: httpx.AsyncClient, url: str, scopes: Sequence[str]) -> str:
        key = self._key(self.token_url or url, scopes)
        if self._alock is None:
            self._alock = asyncio.Lock()
        async with self._alock:
            found = self._fresh(key)
            if found is not None:
                return found
            return self._store(key, await http.send(self._request(*key)))


_BEARER_KINDS: Final = ("bearer",)


def choose_alternative(
    alternatives: Sequence[Requirement], credentials: Mapping[str, object]
) -> Requirement | None:
    """The first requirement whose schemes all have credentials (``{}`` is anonymous)."""
    for requirement in alternatives:
        if all(credentials.get(name) is not None for name in requirement):
            return requirement
    return None


def _plain(value: object) -> object:
    return value() if callable(value) else value


async def _plain_async(value: object) -> object:
    if callable(value):
        value = value()
        if inspect.isawaitable(value):
            value = await value
    return value


def _text(value: object, scheme_name: str) -> str:
    if isinstance(value, str) and value:
        return value
    raise CredentialsError(f"the credential for {scheme_name!r} must be a non-empty string")


def _authorization(scheme: HttpAuth, value: object, name: str) -> str:
    kind = scheme.scheme.lower()
    if kind == "basic":
        if isinstance(value, BasicAuth):
            return "Basic " + basic_credentials(value.username, value.password)
        if isinstance(value, tuple) and len(value) == 2:
            return "Basic " + basic_credentials(str(value[0]), str(value[1]))
        raise CredentialsError(f"the credential for {name!r} must be (username, password)")
    label = "Bearer" if kind in _BEARER_KINDS else scheme.scheme
    return f"{label} {_text(value, name)}"


def _put(request: httpx.Request, scheme: ApiKey, value: str) -> None:
    if scheme.location is Location.HEADER:
        request.headers[scheme.name] = value
    elif scheme.location is Location.QUERY:
        request.url = request.url.copy_add_param(scheme.name, value)
    else:
        cookie = f"{scheme.name}={quote(value, safe='')}"
        existing = request.headers.get("cookie")
        request.headers["cookie"] = f"{existing}; {cookie}" if existing else cookie


def _token_url(scheme: OAuth2, base_url: str) -> str:
    return urljoin(base_url.rstrip("/") + "/", scheme.token_url) if scheme.token_url else ""


def _apply_one(request: httpx.Request, scheme: Scheme, value: object, name: str) -> None:
    if isinstance(scheme, ApiKey):
        _put(request, scheme, _text(value, name))
    elif isinstance(scheme, HttpAuth):
        request.headers["authorization"] = _authorization(scheme, value, name)
    else:
        request.headers["authorization"] = "Bearer " + _text(value, name)


def apply_credentials(
    request: httpx.Request,
    alternatives: Sequence[Requirement],
    schemes: Mapping[str, Scheme],
    credentials: Mapping[str, object],
    http: httpx.Client,
    base_url: str = "",
) -> None:
    """Put the credentials of the first satisfiable alternative on ``request``.

    When no alternative can be met, the request goes as it is and the service answers.
    """
    requirement = choose_alternative(alternatives, credentials)
    for name, scopes in (requirement or {}).items():
        scheme = schemes[name]
        value = credentials[name]
        if isinstance(value, ClientCredentials):
            if not isinstance(scheme, OAuth2):
                raise CredentialsError(f"{name!r} is not an OAuth 2.0 scheme")
            url = _token_url(scheme, base_url)
            if not (value.token_url or url):
                raise CredentialsError(f"{name!r} has no token URL: pass token_url=")
            value = value.token(http, url, scopes)
        _apply_one(request, scheme, _plain(value), name)


async def apply_credentials_async(
    request: httpx.Request,
    alternatives: Sequence[Requirement],
    schemes: Mapping[str, Scheme],
    credentials: Mapping[str, object],
    http: httpx.AsyncClient,
    base_url: str = "",
) -> None:
    """``apply_credentials`` for the async client: callables may be async."""
    requirement = choose_alternative(alternatives, credentials)
    for name, scopes in (requirement or {}).items():
        scheme = schemes[name]
        value: object = credentials[name]
        if isinstance(value, ClientCredentials):
            if not isinstance(scheme, OAuth2):
                raise CredentialsError(f"{name!r} is not an OAuth 2.0 scheme")
            url = _token_url(scheme, base_url)
            if not (value.token_url or url):
                raise CredentialsError(f"{name!r} has no token URL: pass token_url=")
            value = await value.token_async(http, url, scopes)
        _apply_one(request, scheme, await _plain_async(value), name)


def invalidate_tokens(credentials: Mapping[str, object]) -> bool:
    """Drop cached OAuth tokens after a 401; True when there was one to drop."""
    dropped = False
    for value in credentials.values():
        if isinstance(value, ClientCredentials) and value._cache:
            value.invalidate()
            dropped = True
    return dropped
