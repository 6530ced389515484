"""Security schemes, with all their data, and each operation's security requirements.

A requirement list is a choice (any one alternative will do); each alternative needs all of
its schemes, each with its scopes. ``security: []`` is anonymous access; an empty alternative
(``{}``) makes authentication optional.
"""

from __future__ import annotations

from typing import Any

from stubforge.build.context import BuildContext
from stubforge.ir.api import (
    OAuthFlow,
    ParameterLocation,
    SchemeUse,
    SecurityRequirement,
    SecurityScheme,
    SecuritySchemeKind,
)

_FLOWS = ("implicit", "password", "clientCredentials", "authorizationCode")
_HTTP_KINDS = {"basic": SecuritySchemeKind.HTTP_BASIC, "bearer": SecuritySchemeKind.HTTP_BEARER}
_KINDS = {
    "apiKey": SecuritySchemeKind.API_KEY,
    "oauth2": SecuritySchemeKind.OAUTH2,
    "openIdConnect": SecuritySchemeKind.OPEN_ID_CONNECT,
    "mutualTLS": SecuritySchemeKind.MUTUAL_TLS,
}


def requirements(raw: Any) -> tuple[SecurityRequirement, ...]:
    if not isinstance(raw, list):
        return ()
    result: list[SecurityRequirement] = []
    for requirement in raw:
        if not isinstance(requirement, dict):
            continue
        uses = tuple(
            SchemeUse(str(name), tuple(str(s) for s in scopes) if isinstance(scopes, list) else ())
            for name, scopes in sorted(requirement.items())
        )
        result.append(SecurityRequirement(uses))
    return tuple(result)


def security_schemes(context: BuildContext) -> tuple[SecurityScheme, ...]:
    schemes = context.components.get("securitySchemes") or {}
    if not isinstance(schemes, dict):
        return ()
    result: list[SecurityScheme] = []
    for name, raw in sorted(schemes.items()):
        at = ("components", "securitySchemes", str(name))
        scheme, _ = context.resolve_at(raw, at)
        if isinstance(scheme, dict):
            found = _scheme(str(name), scheme)
            if found is not None:
                result.append(found)
            if found is not None and found.kind == SecuritySchemeKind.MUTUAL_TLS:
                context.warn(
                    f"security scheme {name!r} (mutualTLS) is not applied by the client: "
                    "a certificate is a property of the connection",
                    at,
                    hint="pass http_client=httpx.Client(cert=...) to the client",
                    code="wire-mutual-tls",
                )
    return tuple(result)


def _scheme(name: str, scheme: dict[str, Any]) -> SecurityScheme | None:
    written = str(scheme.get("type", ""))
    description = str(scheme.get("description") or "")
    if written == "http":
        http_scheme = str(scheme.get("scheme", "bearer")).lower()
        return SecurityScheme(
            name,
            _HTTP_KINDS.get(http_scheme, SecuritySchemeKind.HTTP_OTHER),
            description,
            http_scheme=http_scheme,
            bearer_format=str(scheme.get("bearerFormat") or ""),
        )
    kind = _KINDS.get(written)
    if kind is None:
        return None  # the OpenAPI validator reports an unknown type
    location = str(scheme.get("in", ""))
    return SecurityScheme(
        name,
        kind,
        description,
        api_key_name=str(scheme.get("name", "")) if kind == SecuritySchemeKind.API_KEY else "",
        api_key_in=ParameterLocation(location)
        if kind == SecuritySchemeKind.API_KEY and location in ("header", "query", "cookie")
        else None,
        flows=_flows(scheme.get("flows")),
        open_id_connect_url=str(scheme.get("openIdConnectUrl") or ""),
    )


def _flows(raw: Any) -> tuple[OAuthFlow, ...]:
    if not isinstance(raw, dict):
        return ()
    result: list[OAuthFlow] = []
    for flow in _FLOWS:
        data = raw.get(flow)
        if not isinstance(data, dict):
            continue
        scopes = data.get("scopes")
        result.append(
            OAuthFlow(
                flow=flow,
                authorization_url=str(data.get("authorizationUrl") or ""),
                token_url=str(data.get("tokenUrl") or ""),
                refresh_url=str(data.get("refreshUrl") or ""),
                scopes=tuple((str(k), str(v)) for k, v in scopes.items())
                if isinstance(scopes, dict)
                else (),
            )
        )
    return tuple(result)
