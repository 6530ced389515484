"""The intermediate model that templates read: operations, models and resources, with Python
names already decided. Nothing here refers back to the raw spec."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Parameter:
    wire_name: str
    python_name: str
    location: str  # path, query, header, cookie
    required: bool
    annotation: str
    style: str
    explode: bool
    description: str = ""
    deprecated: bool = False
    is_array: bool = False


@dataclass(frozen=True)
class Body:
    """A request or response body in one media type."""

    media_type: str
    annotation: str
    kind: str  # json, form, multipart, binary, text
    model: str | None = None
    required: bool = True
    description: str = ""


@dataclass(frozen=True)
class Response:
    status: str  # "201", "4XX", "default"
    description: str
    body: Body | None = None

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")

    @property
    def status_code(self) -> int | None:
        return int(self.status) if self.status.isdigit() else None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    python_name: str
    method: str
    path: str
    summary: str
    description: str
    tags: tuple[str, ...]
    deprecated: bool
    parameters: tuple[Parameter, ...]
    request_body: Body | None
    responses: tuple[Response, ...]
    security: tuple[str, ...]
    permissions: tuple[str, ...]
    resource_method: str
    docs_url: str = ""

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
        success = self.success
        return success.body.annotation if success and success.body else "None"

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

    def walk(self) -> list[Resource]:
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    kind: str  # http-bearer, http-basic, apiKey, oauth2, openIdConnect
    location: str = ""  # for apiKey: header, query, cookie
    parameter: str = ""


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str
    spec_name: str
    package: str
    server_url: str
    operations: tuple[Operation, ...]
    models: tuple[str, ...]
    root: Resource
    security_schemes: tuple[SecurityScheme, ...]
