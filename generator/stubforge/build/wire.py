"""What a spec says about the wire beyond types: how a paged operation pages, how form and
multipart properties are encoded, and which parameter styles cannot be sent as written.

Each reader takes the spec's (raw) objects, a ``resolve`` that follows ``$ref`` (returning the
node and where it is) and a ``warn`` that records a located warning. Anything the generated
code cannot put on the wire as the spec says is a warning naming the place and what is done
instead; nothing here fails a build.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Protocol

from stubforge.ir.api import ARRAY, OBJECT, PRIMITIVE, FieldEncoding, PagingRule

Json = Any
Place = tuple[str, ...]
Resolve = Callable[[Json, Place], tuple[Json, Place]]


class Warn(Protocol):
    """Records a located warning; ``code`` names its kind (``wire-...``: the generated code
    cannot put on the wire what the spec says)."""

    def __call__(self, message: str, at: Place, hint: str, *, code: str = "") -> None: ...


STYLES_BY_LOCATION: Final = {
    "path": ("simple", "label", "matrix"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}


def shape_of(schema: Json, resolve: Resolve, at: Place, depth: int = 0) -> str:
    """Whether a schema is an array, an object or a primitive, as styles see it."""
    node, place = resolve(schema, at)
    if not isinstance(node, dict) or depth > 16:
        return PRIMITIVE
    kind = node.get("type")
    kinds = [k for k in kind if k != "null"] if isinstance(kind, list) else [kind]
    if "array" in kinds or "items" in node:
        return ARRAY
    if "object" in kinds or "properties" in node or "additionalProperties" in node:
        return OBJECT
    for key in ("allOf", "oneOf", "anyOf"):
        options = node.get(key)
        if isinstance(options, list) and options:
            shapes = {
                shape_of(option, resolve, (*place, key, str(index)), depth + 1)
                for index, option in enumerate(options)
            }
            if len(shapes) == 1:
                return shapes.pop()
    return PRIMITIVE


def check_parameter(
    item: dict[str, Json],
    location: str,
    style: str,
    explode: bool,
    shape: str,
    at: Place,
    warn: Warn,
) -> None:
    """Warn where a parameter's style cannot be sent as the spec writes it."""
    allowed = STYLES_BY_LOCATION.get(location, ())
    if style not in allowed:
        warn(
            f"style {style!r} is not defined for {location} parameters; "
            f"it is sent {allowed[0] if allowed else 'as text'!s}-style",
            (*at, "style"),
            "use one of " + ", ".join(allowed),
            code="wire-style-location",
        )
    if style == "deepObject" and shape != OBJECT:
        warn(
            f"style 'deepObject' is defined for objects, not {shape}s; the value is sent form-style",
            (*at, "style"),
            "use style 'form' for this parameter",
            code="wire-deep-object-shape",
        )
    if style in ("spaceDelimited", "pipeDelimited") and shape == PRIMITIVE:
        warn(
            f"style {style!r} is defined for arrays and objects; a single value is sent as it is",
            (*at, "style"),
            "make the schema an array, or use style 'form'",
            code="wire-delimited-primitive",
        )
    if style in ("spaceDelimited", "pipeDelimited") and explode:
        warn(
            f"style {style!r} with explode: true repeats the name like 'form' does",
            (*at, "explode"),
            "set explode: false to send one delimited value",
            code="wire-delimited-explode",
        )
    if item.get("allowReserved") is True and location != "query":
        warn(
            "allowReserved applies to query parameters only; it is ignored here",
            (*at, "allowReserved"),
            "remove allowReserved",
            code="wire-allow-reserved",
        )
    content = item.get("content")
    if isinstance(content, dict):
        for media_type in content:
            lowered = str(media_type).lower().split(";")[0].strip()
            if lowered != "application/json" and not lowered.endswith("+json"):
                warn(
                    f"a parameter in {media_type!r} is sent as text, not encoded as that media type",
                    (*at, "content", str(media_type)),
                    "describe it with 'schema', or as application/json",
                    code="wire-parameter-media-type",
                )


def property_schemas(
    schema: Json, resolve: Resolve, at: Place, depth: int = 0
) -> dict[str, tuple[Json, Place]]:
    node, place = resolve(schema, at)
    found: dict[str, tuple[Json, Place]] = {}
    if not isinstance(node, dict) or depth > 16:
        return found
    for index, part in enumerate(node.get("allOf") or []):
        found.update(property_schemas(part, resolve, (*place, "allOf", str(index)), depth + 1))
    properties = node.get("properties")
    if isinstance(properties, dict):
        for name, value in properties.items():
            found[str(name)] = (value, (*place, "properties", str(name)))
    return found


_BASE64_FORMATS: Final = frozenset({"byte", "base64", "base64url"})


def _is_file(schema: Json, content_type: str, resolve: Resolve, at: Place) -> bool:
    """Whether a property goes as a part of raw bytes: ``format: binary`` (3.1: a
    ``contentMediaType`` with no ``contentEncoding``) always; base64 text (``byte``,
    ``base64url``, a ``contentEncoding``) only when the Encoding object gives it a content type
    that is neither text nor JSON. Otherwise base64 is sent as its JSON form, in its alphabet."""
    node, place = resolve(schema, at)
    if not isinstance(node, dict):
        return False
    if node.get("type") == "array":
        return _is_file(node.get("items"), content_type, resolve, (*place, "items"))
    if node.get("format") == "binary" or (
        "contentMediaType" in node and "contentEncoding" not in node
    ):
        return True
    essence = content_type.split(";", 1)[0].strip().lower()
    return (
        (node.get("format") in _BASE64_FORMATS or "contentEncoding" in node)
        and bool(essence)
        and not essence.startswith("text/")
        and "json" not in essence
    )


def field_encodings(
    media_type: Json, multipart: bool, resolve: Resolve, at: Place, warn: Warn
) -> tuple[FieldEncoding, ...]:
    """The encoding of each property of a form (``multipart`` False) or multipart body."""
    if not isinstance(media_type, dict):
        return ()
    properties = property_schemas(media_type.get("schema"), resolve, (*at, "schema"))
    encoding = media_type.get("encoding")
    encoding = encoding if isinstance(encoding, dict) else {}
    for name in encoding:
        if str(name) not in properties:
            warn(
                f"the encoding names {name!r}, which is not a property of the body's schema",
                (*at, "encoding", str(name)),
                "name a property of the schema",
                code="wire-encoding-unknown-property",
            )
    result: list[FieldEncoding] = []
    for name, (schema, place) in properties.items():
        spec = encoding.get(name)
        spec = spec if isinstance(spec, dict) else {}
        shape = shape_of(schema, resolve, place)
        content_type = str(spec.get("contentType") or "")
        style = str(spec.get("style") or "")
        if style and multipart:
            warn(
                "style applies to form bodies only; multipart parts are written by content type",
                (*at, "encoding", name, "style"),
                "remove style, or set contentType",
                code="wire-multipart-style",
            )
            style = ""
        if style and style not in STYLES_BY_LOCATION["query"]:
            warn(
                f"style {style!r} is not a query style; the property is sent form-style",
                (*at, "encoding", name, "style"),
                "use form, spaceDelimited, pipeDelimited or deepObject",
                code="wire-encoding-style",
            )
            style = "form"
        explode = spec.get("explode")
        headers = spec.get("headers") if multipart else None
        result.append(
            FieldEncoding(
                name=name,
                shape=shape,
                content_type=content_type,
                style=style,
                explode=bool(explode) if explode is not None else style in ("", "form"),
                allow_reserved=spec.get("allowReserved") is True,
                is_file=_is_file(schema, content_type, resolve, place),
                is_json="json" in content_type.lower() or (shape == OBJECT and not style),
                headers=_static_headers(headers, resolve, (*at, "encoding", name, "headers"), warn),
            )
        )
    return tuple(result)


def _static_headers(
    raw: Json, resolve: Resolve, at: Place, warn: Warn
) -> tuple[tuple[str, str], ...]:
    """Part headers with a fixed value (an ``example`` or a single ``enum`` value)."""
    if not isinstance(raw, dict):
        return ()
    found: list[tuple[str, str]] = []
    for name, header in raw.items():
        node, place = resolve(header, (*at, str(name)))
        schema, _ = resolve(
            node.get("schema") if isinstance(node, dict) else None, (*place, "schema")
        )
        values = schema.get("enum") if isinstance(schema, dict) else None
        if isinstance(values, list) and len(values) == 1:
            found.append((str(name), str(values[0])))
        else:
            warn(
                f"part header {name!r} has no single fixed value, so it is not sent",
                (*at, str(name)),
                "give its schema one enum value",
                code="wire-part-header",
            )
    return tuple(found)


def _array_property(schema: Json, resolve: Resolve, at: Place, name: str) -> bool:
    properties = property_schemas(schema, resolve, at)
    if name not in properties:
        return False
    value, place = properties[name]
    return shape_of(value, resolve, place) == ARRAY


def paging_rule(
    operation: dict[str, Json],
    body_schema: Json,
    header_names: tuple[str, ...],
    resolve: Resolve,
    at: Place,
    body_at: Place,
    warn: Warn,
) -> PagingRule | None:
    """How the operation pages, or None when it does not.

    ``x-ms-pageable`` names the fields (``nextLinkName``, ``itemName``, default ``value``; a
    null ``nextLinkName`` means one page). Otherwise a success body with ``@odata.nextLink``
    pages by it, and a documented ``Link`` header pages by ``rel="next"``.
    """
    linked = any(name.lower() == "link" for name in header_names)
    is_list = shape_of(body_schema, resolve, body_at) == ARRAY
    pageable = operation.get("x-ms-pageable")
    if pageable is not None:
        place = (*at, "x-ms-pageable")
        if not isinstance(pageable, dict):
            warn(
                "x-ms-pageable is not an object; the operation is not paged",
                place,
                "give it nextLinkName",
                code="wire-paging",
            )
            return None
        items = str(pageable.get("itemName") or "value")
        next_link = pageable.get("nextLinkName", "nextLink")
        if not _array_property(body_schema, resolve, body_at, items):
            warn(
                f"x-ms-pageable's items field {items!r} is not an array of the response",
                (*place, "itemName"),
                "name the array property that holds each page's items",
                code="wire-paging",
            )
            return None
        return PagingRule(str(next_link) if next_link else "", items, linked)
    properties = property_schemas(body_schema, resolve, body_at)
    if "@odata.nextLink" in properties:
        if _array_property(body_schema, resolve, body_at, "value"):
            return PagingRule("@odata.nextLink", "value", linked)
        warn(
            "the response has @odata.nextLink but no 'value' array; the operation is not paged",
            body_at,
            "add a 'value' array of the items",
            code="wire-paging",
        )
        return None
    if linked:
        if is_list:
            return PagingRule("", "", True)
        warn(
            "a Link header is documented but the response is not a list; it is not paged",
            body_at,
            "answer an array, or add x-ms-pageable with itemName",
            code="wire-paging",
        )
    return None
