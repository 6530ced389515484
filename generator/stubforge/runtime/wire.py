"""JSON on the wire, the same way on both sides: the models' base class and one encoder and
decoder for any annotation (a model, an enum, a primitive, a list or a dict of them)."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, cast, overload

from pydantic import BaseModel, ConfigDict, TypeAdapter

__all__ = ["WireModel", "adapter", "decode_json", "encode_json"]

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
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict of this model, with wire names (what goes on the wire)."""
        return self.model_dump(mode="json", by_alias=True)

    def to_wire_json(self) -> bytes:
        """The JSON text of this model, with wire names."""
        return self.model_dump_json(by_alias=True).encode()


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
    """The JSON text of ``value`` as ``annotation`` describes it, with wire names."""
    if isinstance(value, BaseModel):
        return value.model_dump_json(by_alias=True).encode()
    return _adapter(annotation).dump_json(value, by_alias=True)
