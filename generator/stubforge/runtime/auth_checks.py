"""Security requirements checked on incoming requests (server side).

The credential of each scheme is read from where the scheme puts it (an API key's header, query
parameter or cookie; ``Authorization`` for HTTP and OAuth schemes) and handed to the
implementation's judge with the operation's scopes: the generated code knows the wire, the
implementation knows which keys, passwords and tokens are good. A request that meets no
alternative is answered 401 with one ``WWW-Authenticate`` challenge per scheme it could have
used (RFC 9110 §11.6.1): ``Basic realm=..., charset="UTF-8"`` (RFC 7617), ``Bearer realm=...``
with ``error="invalid_token"`` once a token was sent and refused (RFC 6750 §3).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from urllib.parse import unquote

from .param_parsing import cookie_pairs
from .schemes import ApiKey, HttpAuth, Location, OAuth2, OpenIdConnect, Requirement, Scheme

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

__all__ = ["Credential", "Judge", "Unauthorized", "authorize", "challenge", "read_credential"]

_TOKEN68: Final = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


@dataclass(frozen=True)
class Credential:
    """What a caller presented for one scheme.

    ``value`` is the API key, the bearer token, or the raw credentials of another HTTP scheme;
    for HTTP Basic, ``username`` and ``password`` are set and ``value`` holds them base64-encoded.
    ``valid`` is False when the ``Authorization`` header was there but malformed.
    """

    scheme: str
    value: str
    username: str = ""
    password: str = ""
    valid: bool = True


Judge = Callable[[Credential, Sequence[str]], Awaitable[bool]]
"""The implementation's decision: whether a credential may call with these scopes."""


class Unauthorized(Exception):
    """No alternative was met: answer 401 with these ``WWW-Authenticate`` challenges."""

    def __init__(self, message: str, challenges: Sequence[str]) -> None:
        super().__init__(message)
        self.message = message
        self.challenges = tuple(challenges)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _http_kind(scheme: Scheme) -> str:
    """The ``Authorization`` scheme a security scheme uses (lower case), or '' for API keys."""
    if isinstance(scheme, HttpAuth):
        return scheme.scheme.lower()
    if isinstance(scheme, OAuth2 | OpenIdConnect):
        return "bearer"
    return ""


def _authorization(connection: HTTPConnection, kind: str) -> tuple[str, bool] | None:
    """The credentials after ``kind`` in ``Authorization``, and whether they are well formed."""
    header = connection.headers.get("authorization")
    if header is None:
        return None
    name, _, rest = header.strip().partition(" ")
    if name.lower() != kind:
        return None
    rest = rest.strip()
    if kind in ("bearer", "basic"):
        return rest, _TOKEN68.fullmatch(rest) is not None
    return rest, bool(rest)


def read_credential(connection: HTTPConnection, name: str, scheme: Scheme) -> Credential | None:
    """The credential presented for scheme ``name``, or None when there is none."""
    if isinstance(scheme, ApiKey):
        if scheme.location is Location.HEADER:
            found = connection.headers.get(scheme.name)
        elif scheme.location is Location.QUERY:
            found = connection.query_params.get(scheme.name)
        else:
            cookies = dict(cookie_pairs(connection.headers.get("cookie")))
            raw = cookies.get(scheme.name)
            found = None if raw is None else unquote(raw)
        return None if found is None else Credential(name, found, valid=bool(found))
    kind = _http_kind(scheme)
    presented = _authorization(connection, kind)
    if presented is None:
        return None
    value, valid = presented
    if kind != "basic" or not valid:
        return Credential(name, value, valid=valid)
    try:
        text = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return Credential(name, value, valid=False)
    username, colon, password = text.partition(":")
    return Credential(name, value, username, password, valid=bool(colon))


def challenge(scheme: Scheme, realm: str, *, error: str = "", scopes: Sequence[str] = ()) -> str:
    """The ``WWW-Authenticate`` challenge of one scheme."""
    if isinstance(scheme, ApiKey):
        return (
            f"ApiKey realm={_quoted(realm)}, in={_quoted(str(scheme.location))}, "
            f"name={_quoted(scheme.name)}"
        )
    kind = _http_kind(scheme)
    if kind == "basic":
        return f'Basic realm={_quoted(realm)}, charset="UTF-8"'
    label = (
        "Bearer" if kind == "bearer" else scheme.scheme if isinstance(scheme, HttpAuth) else kind
    )
    params = [f"realm={_quoted(realm)}"]
    if kind == "bearer" and scopes:
        params.append(f"scope={_quoted(' '.join(scopes))}")
    if kind == "bearer" and error:
        params.append(f"error={_quoted(error)}")
    return f"{label} " + ", ".join(params)


async def authorize(
    connection: HTTPConnection,
    alternatives: Sequence[Requirement],
    schemes: Mapping[str, Scheme],
    judge: Judge,
    realm: str = "api",
) -> tuple[Credential, ...]:
    """The credentials of the first alternative the caller meets and the judge accepts.

    ``()`` when the operation allows anonymous calls (no alternatives, or an empty one) and no
    other alternative was met. Raises ``Unauthorized`` otherwise.
    """
    if not alternatives:
        return ()
    refused: dict[str, str] = {}
    for requirement in alternatives:
        if not requirement:
            continue
        found = {name: read_credential(connection, name, schemes[name]) for name in requirement}
        if any(credential is None for credential in found.values()):
            continue
        accepted = True
        for name, credential in found.items():
            assert credential is not None
            if not credential.valid:
                refused[name] = "invalid_request"
                accepted = False
            elif not await judge(credential, tuple(requirement[name])):
                refused[name] = "invalid_token"
                accepted = False
        if accepted:
            return tuple(credential for credential in found.values() if credential is not None)
    if any(not requirement for requirement in alternatives):
        return ()
    challenges: list[str] = []
    for requirement in alternatives:
        for name, scopes in requirement.items():
            text = challenge(schemes[name], realm, error=refused.get(name, ""), scopes=scopes)
            if text not in challenges:
                challenges.append(text)
    message = (
        "The credentials were not accepted." if refused else "This operation needs credentials."
    )
    raise Unauthorized(message, challenges)
