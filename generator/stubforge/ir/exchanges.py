"""Documented exchanges in the IR: the examples of one call, request and response together.

An operation's exchanges pair its documented request, parameter and response examples (see
``stubforge.build.exchanges``). Values are the spec's JSON as written; pointers say where.
"""

from __future__ import annotations

from dataclasses import dataclass

Json = object


@dataclass(frozen=True)
class ExampleCase:
    """One documented value: its name under ``examples`` (or ``example`` when it has none),
    the value and where it is written in the spec."""

    name: str
    value: Json
    pointer: str
    media_type: str = ""
    named: bool = True
    schema_pointer: str = ""  # where the schema the example is written against is


@dataclass(frozen=True)
class ParameterValue:
    """A documented parameter value of an exchange."""

    wire_name: str
    location: str  # path, query, header, cookie
    value: Json
    pointer: str


@dataclass(frozen=True)
class Exchange:
    """One documented call: what is sent and what comes back, either side possibly missing."""

    operation_id: str
    name: str
    method: str
    path: str
    status: str  # the response example's status ("201", "4XX", "default"); else the success one
    request: ExampleCase | None
    response: ExampleCase | None
    parameters: tuple[ParameterValue, ...] = ()
    ignore: tuple[str, ...] = ()  # response body pointers not compared (x-stubforge-ignore)
    assigned: tuple[str, ...] = ()  # response body pointers of readOnly fields

    def __str__(self) -> str:
        return f"{self.operation_id}:{self.name}"

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")

    def accepts(self, status: int) -> bool:
        """Whether ``status`` is what this exchange documents (``4XX`` covers 400-499)."""
        if self.status.isdigit():
            return status == int(self.status)
        if self.status[:1].isdigit():
            return str(status)[:1] == self.status[0]
        return not 200 <= status < 300

    @property
    def status_code(self) -> int:
        """The status a server answering this exchange sends: ``4XX`` is 400, default is 500."""
        if self.status.isdigit():
            return int(self.status)
        if self.status[:1].isdigit():
            return int(self.status[0]) * 100
        return 500
