"""The intermediate model that templates read: operations, models, resources and security.

Nothing here refers back to the raw spec, and no field holds Python source: types are type
nodes, and the text templates need (``annotation``) is derived by the Python target pass.
The enumerations are ``StrEnum``s, so templates compare them with the spec's words
(``op.request_body.kind == "json"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from stubforge.ir.exchanges import Exchange
from stubforge.ir.types import (
    EnumType,
    ListType,
    ModelType,
    TypeNode,
    non_null,
)
from stubforge.python.types import HEADERS_MODULE, annotation_of

Json = object


class ParameterLocation(StrEnum):
    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"


class ParameterStyle(StrEnum):
    """How a parameter's value is written (OpenAPI's ``style``)."""

    FORM = "form"
    SIMPLE = "simple"
    LABEL = "label"
    MATRIX = "matrix"
    SPACE_DELIMITED = "spaceDelimited"
    PIPE_DELIMITED = "pipeDelimited"
    DEEP_OBJECT = "deepObject"


class BodyKind(StrEnum):
    """How a body is encoded on the wire, decided from its media type."""

    JSON = "json"
    FORM = "form"
    MULTIPART = "multipart"
    TEXT = "text"
    BINARY = "binary"


class SecuritySchemeKind(StrEnum):
    API_KEY = "apiKey"
    HTTP_BASIC = "http-basic"
    HTTP_BEARER = "http-bearer"
    HTTP_OTHER = "http"  # any other HTTP authentication scheme (Digest, HOBA, ...)
    OAUTH2 = "oauth2"
    OPEN_ID_CONNECT = "openIdConnect"
    MUTUAL_TLS = "mutualTLS"


PRIMITIVE: Final = "primitive"
ARRAY: Final = "array"
OBJECT: Final = "object"


@dataclass(frozen=True)
class FieldEncoding:
    """How one property of a form or multipart body is written (its Encoding object)."""

    name: str
    shape: str = PRIMITIVE
    content_type: str = ""
    style: str = ""
    explode: bool = True
    allow_reserved: bool = False
    is_file: bool = False
    is_json: bool = False
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PagingRule:
    """How a pageable operation pages: the next link's body field (``""``: none), the items'
    field (``""``: the page is the list), and whether a ``Link`` header is followed."""

    next_link: str
    items: str
    link_header: bool
    items_attribute: str = ""  # the page model's attribute holding the items ("" for a list)
    item_type: TypeNode | None = None

    @property
    def item_annotation(self) -> str:
        return annotation_of(self.item_type) if self.item_type is not None else "Any"


@dataclass(frozen=True)
class ClientNames:
    """The client's methods for one operation: the call, its ``with_response`` twin, the
    page iterator (pageable operations) and the streaming download (binary answers)."""

    method: str
    with_response: str
    iterate: str = ""
    stream: str = ""


@dataclass(frozen=True)
class Parameter:
    wire_name: str
    python_name: str
    location: ParameterLocation
    required: bool
    type: TypeNode
    style: ParameterStyle
    explode: bool
    allow_reserved: bool = False
    media_type: str = ""  # set when the parameter is described by ``content``, not ``schema``
    description: str = ""
    deprecated: bool = False
    # An object's property names, where the spec lists them (an exploded form-style object
    # has no name of its own in the query).
    properties: tuple[str, ...] | None = None
    # What the schema is as styles see it, decided from the schema: a model class may be a
    # root model of a string or a list, which the type node alone does not tell.
    shape: str = PRIMITIVE

    @property
    def annotation(self) -> str:
        return annotation_of(self.type)

    @property
    def is_array(self) -> bool:
        return isinstance(non_null(self.type), ListType)


@dataclass(frozen=True)
class Body:
    """A request or response body in one media type."""

    media_type: str
    type: TypeNode
    kind: BodyKind
    required: bool = True
    description: str = ""
    encoding: tuple[FieldEncoding, ...] = ()

    @property
    def annotation(self) -> str:
        return annotation_of(self.type)

    @property
    def model(self) -> str | None:
        """The class the body is, when it is exactly one model."""
        return self.type.class_name if isinstance(self.type, ModelType | EnumType) else None


@dataclass(frozen=True)
class ResponseHeader:
    """A documented response header: read in ``simple`` style (or as JSON, when described by
    ``content``) into the attribute ``python_name`` of its response's headers class."""

    name: str
    type: TypeNode
    required: bool = False
    description: str = ""
    python_name: str = ""
    explode: bool = False
    media_type: str = ""  # set when the header is described by ``content``, not ``schema``
    examples: tuple[tuple[str, Json], ...] = ()  # (name, value) of its ``example``/``examples``
    shape: str = PRIMITIVE  # as for ``Parameter``; a ``content``-encoded header is one value

    @property
    def annotation(self) -> str:
        return annotation_of(self.type)

    @property
    def value_annotation(self) -> str:
        """The annotation of the value, without the ``None`` of a nullable schema."""
        return annotation_of(non_null(self.type))


@dataclass(frozen=True)
class Response:
    status: str  # "201", "4XX", "default"
    description: str
    body: Body | None = None
    headers: tuple[ResponseHeader, ...] = ()
    headers_class: str = ""  # the class of the headers module its headers are read into

    @property
    def headers_annotation(self) -> str:
        return f"{HEADERS_MODULE}.{self.headers_class}" if self.headers_class else "None"

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")

    @property
    def status_code(self) -> int | None:
        return int(self.status) if self.status.isdigit() else None


@dataclass(frozen=True)
class SchemeUse:
    """One scheme of a requirement, with the scopes it needs (OAuth2 / OpenID Connect)."""

    scheme: str
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecurityRequirement:
    """Schemes that must all be satisfied together; an empty one means anonymous access."""

    schemes: tuple[SchemeUse, ...]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    python_name: str
    method: str
    path: str
    summary: str
    description: str
    deprecated: bool
    parameters: tuple[Parameter, ...]
    request_body: Body | None
    responses: tuple[Response, ...]
    # Alternatives: any one satisfies the operation. ``()`` is ``security: []``, no auth.
    security_requirements: tuple[SecurityRequirement, ...]
    permissions: tuple[str, ...]
    resource_method: str
    docs_url: str = ""
    # Every media type the request body may be sent in, the preferred (``request_body``) first.
    request_bodies: tuple[Body, ...] = ()
    paging: PagingRule | None = None
    client: ClientNames | None = None
    exchanges: tuple[Exchange, ...] = ()  # the documented examples, paired into calls

    @property
    def successes(self) -> tuple[Response, ...]:
        """The documented 2xx responses, lowest status first."""
        return tuple(sorted((r for r in self.responses if r.is_success), key=lambda r: r.status))

    @property
    def success_statuses(self) -> tuple[int, ...]:
        found = tuple(r.status_code for r in self.successes if r.status_code is not None)
        return found or (self.success_status,)

    @property
    def documented_errors(self) -> tuple[Response, ...]:
        """The error responses (4xx, 5xx, ``NXX``, ``default``) that document a body."""
        return tuple(r for r in self.responses if not r.is_success and r.body is not None)

    @property
    def headed_responses(self) -> tuple[Response, ...]:
        """The responses that document headers, each read into its own class."""
        return tuple(r for r in self.responses if r.headers_class)

    @property
    def success_headers_annotation(self) -> str:
        """What ``parsed_headers`` of a success answer is ("" when none documents headers)."""
        found = [r.headers_annotation for r in self.successes]
        if not any(r.headers_class for r in self.successes):
            return ""
        return " | ".join(dict.fromkeys(sorted(found, key=lambda text: text == "None")))

    @property
    def headers_fallback(self) -> str:
        """The success status whose headers an undocumented 2xx status is read with (the one
        whose body it is read as), or "" when that response documents none."""
        successes = self.successes
        wild = [r for r in successes if r.status_code is None]
        fallback = wild[0] if wild else (successes[0] if successes else None)
        return fallback.status if fallback is not None and fallback.headers_class else ""

    @property
    def streams_response(self) -> bool:
        success = self.success
        return success is not None and success.body is not None and success.body.kind == "binary"

    @property
    def security(self) -> tuple[str, ...]:
        """The names of every scheme any alternative uses (empty: never authenticated)."""
        return tuple(sorted({use.scheme for r in self.security_requirements for use in r.schemes}))

    @property
    def allows_anonymous(self) -> bool:
        return not self.security_requirements or any(
            not r.schemes for r in self.security_requirements
        )

    @property
    def success(self) -> Response | None:
        """The documented success response with the lowest status (what a call returns)."""
        candidates = [r for r in self.responses if r.is_success]
        return min(candidates, key=lambda r: r.status) if candidates else None

    @property
    def success_status(self) -> int:
        success = self.success
        if success is None or success.status_code is None:
            return 204 if success is None or success.body is None else 200
        return success.status_code

    @property
    def return_annotation(self) -> str:
        """What a call returns: the union of the bodies of its documented success statuses."""
        found: list[str] = []
        for response in self.successes:
            text = response.body.annotation if response.body else "None"
            if text not in found:
                found.append(text)
        return " | ".join(found) or "None"

    def params_in(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)


@dataclass(frozen=True)
class Resource:
    """A node of the client's resource tree: one path segment, its operations and children."""

    class_name: str
    attribute: str  # how the parent reaches it: an attribute, or a by_x(...) method
    segment: str  # the path template text of this segment ("" at the root)
    parameters: tuple[Parameter, ...]
    operations: tuple[Operation, ...]
    children: tuple[Resource, ...] = field(default=())

    @property
    def is_parameterised(self) -> bool:
        return bool(self.parameters)


@dataclass(frozen=True)
class OAuthFlow:
    flow: str  # implicit, password, clientCredentials, authorizationCode
    authorization_url: str = ""
    token_url: str = ""
    refresh_url: str = ""
    scopes: tuple[tuple[str, str], ...] = ()  # (scope, description)


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    kind: SecuritySchemeKind
    description: str = ""
    api_key_name: str = ""  # apiKey: the header, query or cookie parameter's name
    api_key_in: ParameterLocation | None = None
    http_scheme: str = ""  # http: the scheme as in the Authorization header, lower case
    bearer_format: str = ""
    flows: tuple[OAuthFlow, ...] = ()
    open_id_connect_url: str = ""


@dataclass(frozen=True)
class ModelField:
    wire_name: str
    python_name: str
    type: TypeNode
    required: bool
    nullable: bool = False
    read_only: bool = False
    write_only: bool = False
    has_default: bool = False
    default: Json = None
    description: str = ""

    @property
    def annotation(self) -> str:
        return annotation_of(self.type)


@dataclass(frozen=True)
class Model:
    """A class of the models module (rendered from the model document by the model renderer)."""

    class_name: str
    pointer: str  # where its schema is in the spec
    fields: tuple[ModelField, ...] = ()
    enum_values: tuple[Json, ...] = ()
    description: str = ""

    @property
    def is_enum(self) -> bool:
        return bool(self.enum_values)


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str
    spec_name: str
    package: str
    server_url: str
    operations: tuple[Operation, ...]
    model_classes: tuple[Model, ...]
    root: Resource
    security_schemes: tuple[SecurityScheme, ...]

    @property
    def exchanges(self) -> tuple[Exchange, ...]:
        """Every documented exchange, operation by operation."""
        return tuple(exchange for op in self.operations for exchange in op.exchanges)

    @property
    def models(self) -> tuple[str, ...]:
        """The class names of the models module, sorted."""
        return tuple(m.class_name for m in self.model_classes)
