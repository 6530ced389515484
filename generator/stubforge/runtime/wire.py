"""JSON on the wire, the same way on both sides: the models' base class and one encoder and
decoder for any annotation (a model, an enum, a primitive, a list or a dict of them).

A model is written with the properties that were set, by the caller or by the JSON it was read
from, and no others: a schema's ``default`` is what the receiver assumes when a property is
absent, so writing it for the caller would change the request (and a required property is
always set). Set to its default explicitly, a property is written. The one exception is a type
tag, a property whose default names the model's type (OData's ``@odata.type`` annotation, or a
``Literal`` discriminator): it is always written, since a receiver expecting a base type cannot
tell the derived one without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Final, Literal, TypeVar, cast, get_origin, overload

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pydantic_core import to_json

__all__ = ["WireModel", "adapter", "decode_json", "encode_json", "model_data"]

T = TypeVar("T")


class WireModel(BaseModel):
    """Base of every generated model: wire names on output, unknown properties kept."""

    model_config = ConfigDict(
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        use_enum_values=False,
        # Property names come from the spec: ``model_dump_`` is a field, not a clash to warn about.
        protected_namespaces=(),
        # Validators and serializers are built when a model is first used, not when its class
        # is made: importing the models of a large spec builds none of them.
        defer_build=True,
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        tags = tuple(
            (name, info.alias or name)
            for name, info in cls.model_fields.items()
            if not info.is_required()
            and isinstance(info.default, str)
            and (info.alias in _TAG_NAMES or get_origin(info.annotation) is Literal)
        )
        if tags:
            _TAGS[cls] = tags

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict of this model, with wire names (what goes on the wire)."""
        return cast("dict[str, Any]", model_data(self))

    def to_wire_json(self) -> bytes:
        """The JSON text of this model, with wire names."""
        return encode_json(type(self), self)


_TAG_NAMES: Final = frozenset({"@odata.type"})
# Model classes with a type tag, and the (field, wire name) of each: filled as classes are made.
_TAGS: dict[type[BaseModel], tuple[tuple[str, str], ...]] = {}


def model_data(value: BaseModel, exclude: frozenset[str] = frozenset()) -> Any:
    """The JSON-ready form of a model as it goes on the wire: wire names, the properties that
    were set, and type tags; without the fields named in ``exclude`` (Python names)."""
    data = value.model_dump(
        mode="json", by_alias=True, exclude_unset=True, exclude=set(exclude) or None
    )
    if _TAGS:
        _put_tags(value, data)
    return data


def _put_tags(value: object, data: Any) -> None:
    """Add the type tags that ``exclude_unset`` left out of ``data``, ``value``'s dump."""
    if isinstance(value, BaseModel):
        if not isinstance(data, dict):  # a root model: its root is the data
            _put_tags(getattr(value, "root", None), data)
            return
        fields = type(value).model_fields
        for name, alias in _TAGS.get(type(value), ()):
            if alias not in data:
                data[alias] = value.model_dump(mode="json", by_alias=True, include={name})[alias]
        for name in value.model_fields_set:
            info = fields.get(name)
            key = (info.alias or name) if info is not None else name
            if key in data:
                _put_tags(getattr(value, name, None), data[key])
    elif isinstance(value, list | tuple) and isinstance(data, list):
        for item, dumped in zip(value, data, strict=False):
            _put_tags(item, dumped)
    elif isinstance(value, Mapping) and isinstance(data, dict):
        for key, item in value.items():
            if str(key) in data:
                _put_tags(item, data[str(key)])


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:  # a type form: no narrower static type
    return TypeAdapter(annotation)


@overload
def adapter(annotation: type[T]) -> TypeAdapter[T]: ...
@overload
def adapter(annotation: object) -> TypeAdapter[Any]: ...
def adapter(annotation: object) -> TypeAdapter[Any]:
    """The (cached) validator and serializer of a type that is not necessarily a model."""
    return _adapter(annotation)


def _is_model(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


@overload
def decode_json(annotation: type[T], raw: bytes) -> T: ...
@overload
def decode_json(annotation: object, raw: bytes) -> Any: ...
def decode_json(annotation: object, raw: bytes) -> Any:
    """Parse JSON text into ``annotation`` (a union or ``list[...]`` too); raises pydantic's
    ``ValidationError``."""
    if _is_model(annotation):
        return cast("type[BaseModel]", annotation).model_validate_json(raw)
    return _adapter(annotation).validate_json(raw)


def encode_json(annotation: object, value: object) -> bytes:
    """The JSON text of ``value`` as ``annotation`` describes it, with wire names; models with
    the properties that were set (see the module's docstring)."""
    if isinstance(value, BaseModel):
        if not _TAGS:
            return value.model_dump_json(by_alias=True, exclude_unset=True).encode()
        return to_json(model_data(value))
    if _TAGS:
        data = _adapter(annotation).dump_python(
            value, mode="json", by_alias=True, exclude_unset=True
        )
        _put_tags(value, data)
        return to_json(data)
    return _adapter(annotation).dump_json(value, by_alias=True, exclude_unset=True)
