"""Everything one run measured, as plain data (written to results.json, read by the report)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.first_call import FirstCallResult
from bench.generation import GenerationResult
from bench.machine import Machine
from bench.runtime import CodecResult, ImportResult
from bench.server_load import ServerResult


@dataclass(frozen=True)
class PeerStatus:
    name: str
    requirement: str
    available: bool
    reason: str = ""


@dataclass(frozen=True)
class Results:
    started: str
    duration_s: float
    smoke: bool
    machine: Machine
    load_average: dict[str, tuple[float, float, float]]  # "start"/"end" -> 1, 5, 15 minutes
    versions: dict[str, dict[str, str]]  # environment -> distribution -> version
    peers: list[PeerStatus]
    specs: dict[str, str]  # "seed"/"graph" -> path shown in the report
    runs: dict[str, int]  # "seed"/"graph" -> repetitions
    generation: list[GenerationResult]
    codecs: list[CodecResult]
    imports: ImportResult
    servers: list[ServerResult] = field(default_factory=list)
    first_call: FirstCallResult | None = None

    def generated(self, spec: str, tool: str) -> GenerationResult | None:
        return next((g for g in self.generation if g.spec == spec and g.tool == tool), None)

    def codec(self, key: str) -> CodecResult | None:
        return next((c for c in self.codecs if c.key == key), None)
