"""Every Python name the generated package gives a spec name, and the names it reserves.

The templates use module-level names (imports, helpers) and keyword arguments of their own;
a spec name that took one of them would shadow it (a query parameter ``max_body_bytes`` once
broke every request to its operation). Those names are declared here, per generated module,
next to the functions that hand out names, so a template that starts using a new module-level
name adds it to its module's set below and nowhere else.
"""

from __future__ import annotations

import re
import unicodedata

from stubforge.naming import Namespace, model_names, pascal_case, snake_case

_ALNUM = re.compile(r"[0-9A-Za-z]+")
_PIECES = re.compile(r"[0-9A-Za-z]+|.", re.DOTALL)

# Placeholder schemas that the model renderer maps to the runtime's lossless types.
RUNTIME_TYPES = {
    "StubforgeRuntimeDateTimeOffset": "DateTimeOffset",
    "StubforgeRuntimeBase64Bytes": "Base64Bytes",
    "StubforgeRuntimeBase64UrlBytes": "Base64UrlBytes",
}

# models.py: what the module imports; a model class may not shadow it.
MODELS_MODULE_NAMES = frozenset(
    {
        *("Annotated", "Any", "AwareDatetime", "Base64Bytes", "Base64UrlBytes", "ConfigDict"),
        *("DateTimeOffset", "Enum", "Field", "IntEnum", "Literal", "MISSING", "RootModel"),
        *("StrEnum", "Union", "UUID", "WireModel", "annotations", "date", "datetime", "time"),
        *("timedelta", "Decimal"),
    }
)
# client.py: module-level names its function bodies use.
CLIENT_MODULE_NAMES = frozenset(
    {
        *("models", "json", "quote", "httpx", "time", "asyncio", "inspect", "random", "email"),
        *("date", "datetime", "field", "dataclass", "cache", "title"),
    }
)
# server.py: module-level names its function bodies use.
SERVER_MODULE_NAMES = frozenset(
    {"models", "json", "quote", "uuid", "date", "datetime", "app", "route", "title"}
    | {"max_body_bytes", "http_error"}
)
# Keyword and local names every generated call (client method, server route) uses.
CALL_NAMES = frozenset(
    {
        *("self", "cls", "body", "timeout", "headers", "request", "response", "raw", "result"),
        *("content", "impl", "params", "path", "prepared", "segment", "adapter"),
        "media_type",  # the client's choice among an operation's request media types
    }
)
# headers.py: what the module imports; a headers class may not take it.
HEADERS_MODULE_NAMES = frozenset(
    {"annotations", "dataclass", "ClassVar", "Any", "models", "HeaderField", "ResponseHeaders"}
)
# What a headers class has besides its documented headers (``FIELDS`` is its wire table).
HEADERS_MEMBERS = frozenset({"from_headers", "to_headers", "FIELDS"})
PARAMETER_RESERVED = CALL_NAMES | CLIENT_MODULE_NAMES | SERVER_MODULE_NAMES
# The server's own method on the implementation, beside the operations.
OPERATION_RESERVED = CALL_NAMES | {"check_token", "check_credential"}
# What a resource class has besides its children and operations (the root is the Client).
MEMBER_RESERVED = CALL_NAMES | {"with_options", "send", "close", "aclose"}
# What Client and AsyncClient have besides operations and the root resource's members.
CLIENT_MEMBERS = frozenset({"base_url", "credentials", "session", "http_client", "retry"})
# Classes of client.py that resource classes (and their ``Async`` twins) may not take.
CLIENT_CLASSES = frozenset({"Client", "AsyncClient"})


def model_class_names(schema_names: list[str]) -> dict[str, str]:
    """Class names for component schemas (see ``naming.model_names``)."""
    return model_names(schema_names, MODELS_MODULE_NAMES | frozenset(RUNTIME_TYPES))


def model_class_namespace(taken: set[str]) -> Namespace:
    """Where hoisted models get their class names, beside the component ones."""
    return Namespace(taken | MODELS_MODULE_NAMES | set(RUNTIME_TYPES))


def hoisted_class_base(*parts: str) -> str:
    return "".join(pascal_case(p, fallback="Model") for p in parts)


# Tokens of a pointer that say where a schema is, not what it is called.
_STRUCTURE = frozenset(
    {"components", "schemas", "properties", "items", "schema", "content", "paths"}
    | {"requestBody", "responses", "parameters", "additionalProperties", "allOf", "oneOf", "anyOf"}
)


def pointer_class_base(at: tuple[str, ...]) -> str:
    """A class name for a schema known only by where it is: its last two names there
    (``/components/schemas/A/properties/b`` -> ``AB``)."""
    named = [t for t in at if t not in _STRUCTURE and not t.isdigit()]
    return hoisted_class_base(*(named[-2:] or ["Schema"]))


def operation_namespace() -> Namespace:
    return Namespace(OPERATION_RESERVED)


def operation_name(names: Namespace, operation_id: str) -> str:
    return names.claim(snake_case(operation_id, fallback="operation"))


def operation_class_base(operation_id: str) -> str:
    """The stem of class names hoisted from an operation's bodies."""
    return pascal_case(operation_id, fallback="Operation")


def request_class_base(stem: str) -> str:
    """``CreateNote`` -> ``CreateNoteRequest``: an inline request body's model."""
    return stem + "Request"


def response_class_base(stem: str, status: str) -> str:
    """``GetNote`` and ``201`` -> ``GetNoteResponse201``; ``default`` -> ``...ResponseDefault``."""
    return stem + "Response" + (status if status[:1].isdigit() else "Default")


def headers_class_namespace() -> Namespace:
    """Where the classes of the headers module get their names."""
    return Namespace(HEADERS_MODULE_NAMES)


def headers_class_name(names: Namespace, stem: str, status: str, *, alone: bool) -> str:
    """``ListNotes`` -> ``ListNotesHeaders`` when its only headed success answer is this one,
    else ``ListNotesHeaders201``, ``...Headers4XX``, ``...HeadersDefault``."""
    suffix = "" if alone else (status if status[:1].isdigit() else "Default")
    return names.claim(stem + "Headers" + suffix, separator="")


def header_namespace() -> Namespace:
    return Namespace(HEADERS_MEMBERS)


def header_attribute(names: Namespace, wire_name: str) -> str:
    """The attribute of a headers class that holds the header ``wire_name``: field names are
    case-insensitive, so ``ETag`` is ``etag`` and ``X-Rate-Limit`` is ``x_rate_limit``."""
    return names.claim(snake_case(wire_name.lower(), fallback="header"))


def item_class_base(base: str) -> str:
    """The model of an inline array's items, named after the array's."""
    return base + "Item"


def parameter_namespace() -> Namespace:
    return Namespace(PARAMETER_RESERVED)


def parameter_name(names: Namespace, wire_name: str) -> str:
    return names.claim(snake_case(wire_name, fallback="param"))


def field_name(wire_name: str) -> str:
    """The attribute the models module gives a property (snake case, keywords escaped)."""
    return snake_case(wire_name, fallback="field")


def member_namespace(taken: set[str] | None = None) -> Namespace:
    return Namespace(MEMBER_RESERVED | (taken or set()))


def client_namespace(taken: set[str]) -> Namespace:
    """Where the client's per-operation methods get names, beside ``taken`` members."""
    return Namespace(MEMBER_RESERVED | CLIENT_MEMBERS | taken)


def member_name(names: Namespace, base: str) -> str:
    return names.claim(base)


def segment_attribute(segment: str) -> str:
    return snake_case(segment, fallback="segment")


def by_parameters_method(parameter_names: list[str]) -> str:
    return "by_" + "_and_".join(parameter_names)


class ResourceClassNames:
    """Resource class names: each with its ``Async`` twin free, never a numeric suffix.

    A name says what the resource is: ``/notes`` is ``NotesResource``, ``/notes/{id}`` is
    ``NotesByIdResource``. When two paths give one name (``/a-b`` and ``/a_b``), the later
    in path order spells out the characters that the first name dropped.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set(CLIENT_CLASSES)

    def _free(self, name: str) -> bool:
        return name not in self._taken and "Async" + name not in self._taken

    def claim(self, segments: tuple[str, ...]) -> str:
        candidates = [
            _resource_words(segments, spelled=False),
            _resource_words(segments, spelled=True),
            "Path" + _resource_words(segments, spelled=True, slashes=True),
        ]
        name = next((c + "Resource" for c in candidates if self._free(c + "Resource")), "")
        while not name:
            candidates = ["Other" + c for c in candidates]
            name = next((c + "Resource" for c in candidates if self._free(c + "Resource")), "")
        self._taken.update({name, "Async" + name})
        return name


def _resource_words(segments: tuple[str, ...], *, spelled: bool, slashes: bool = False) -> str:
    parts: list[str] = []
    for segment in segments:
        if slashes:
            parts.append("Slash")
        spell = _spelled if spelled else str
        if segment.startswith("{") and segment.endswith("}") and "{" not in segment[1:-1]:
            parts.append("By" + pascal_case(spell(segment[1:-1]), fallback="Key"))
        else:
            parts.append(pascal_case(spell(segment), fallback="Segment"))
    return "".join(parts) or "Root"


def _spelled(segment: str) -> str:
    """``segment`` with every character that is not a letter or digit written as a word."""
    return " ".join(
        piece if _ALNUM.fullmatch(piece) else unicodedata.name(piece, f"U{ord(piece):04X}").title()
        for piece in _PIECES.findall(segment)
    )
