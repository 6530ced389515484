"""The generated code at run time: parsing and serialising the documented entity, and import time.

The body is the documented 201 response example, read from the spec, so the figures follow the
spec rather than a copy of it. Our model is compared with Microsoft's Kiota SDK model (in the
peers' environment) and with a plain pydantic model of the same shape whose timestamps are stdlib
``datetime`` and whose content is ``str``: the difference is what being lossless costs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from bench.machine import ROOT
from bench.measure import Stats, run_process, throughput, tool_environment
from bench.peers import PeerEnv

TIMESTAMP_FIELD = "expirationDateTime"


class PlainStatus(StrEnum):
    not_provisioned = "notProvisioned"
    provisioned = "provisioned"


class PlainCertificate(BaseModel):
    """The entity with pydantic's own types: ``datetime`` (6 fractional digits) and ``str``."""

    model_config = ConfigDict(
        extra="allow", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )
    id: str | None = None
    odata_type: Annotated[str, Field(alias="@odata.type")] = (
        "#microsoft.graph.enterpriseCodeSigningCertificate"
    )
    content: str | None = None
    status: PlainStatus | None = None
    subject_name: Annotated[str | None, Field(alias="subjectName")] = None
    subject: str | None = None
    issuer_name: Annotated[str | None, Field(alias="issuerName")] = None
    issuer: str | None = None
    expiration_date_time: Annotated[datetime | None, Field(alias="expirationDateTime")] = None
    upload_date_time: Annotated[datetime | None, Field(alias="uploadDateTime")] = None


@dataclass(frozen=True)
class CodecResult:
    key: str
    label: str
    status: str
    parse_per_s: Stats | None = None
    serialise_per_s: Stats | None = None
    timestamp_out: str = ""  # what expirationDateTime became after a parse and a serialise


@dataclass(frozen=True)
class Budget:
    rounds: int
    round_s: float


def measure_codecs(body: bytes, budget: Budget, kiota: PeerEnv | None) -> list[CodecResult]:
    from generated.models import EnterpriseCodeSigningCertificate

    results = [
        _pydantic("ours", "stubforge model", EnterpriseCodeSigningCertificate, body, budget),
        _pydantic("plain", "plain pydantic (datetime, str)", PlainCertificate, body, budget),
        *_timestamps(json.loads(body)[TIMESTAMP_FIELD], budget),
    ]
    if kiota is None:
        results.append(CodecResult("kiota", _KIOTA_LABEL, "not run (peers skipped)"))
    elif not kiota.available:
        results.append(CodecResult("kiota", _KIOTA_LABEL, f"unavailable ({kiota.reason})"))
    else:
        results.append(_kiota(kiota, body, budget))
    for result in results:
        print(f"bench: codec {result.label}: {result.status}", file=sys.stderr)
    return results


_KIOTA_LABEL = "Kiota SDK model (msgraph-beta-sdk)"


def _pydantic(
    key: str, label: str, model: type[BaseModel], body: bytes, budget: Budget
) -> CodecResult:
    parsed = model.model_validate_json(body)
    out = json.loads(parsed.model_dump_json())[TIMESTAMP_FIELD]
    parse = _rate(lambda: model.model_validate_json(body), budget)
    serialise = _rate(parsed.model_dump_json, budget)
    return CodecResult(key, label, "ok", parse, serialise, out)


def _timestamps(text: str, budget: Budget) -> list[CodecResult]:
    """The timestamp field alone, so the cost of the lossless type is not diluted by the rest."""
    from generated._runtime import DateTimeOffset

    raw = json.dumps(text).encode()
    return [
        _timestamp("ts-ours", "timestamp alone: DateTimeOffset", DateTimeOffset, raw, budget),
        _timestamp("ts-plain", "timestamp alone: datetime", datetime, raw, budget),
    ]


def _timestamp(
    key: str, label: str, kind: type[datetime], raw: bytes, budget: Budget
) -> CodecResult:
    adapter: TypeAdapter[datetime] = TypeAdapter(kind)
    value = adapter.validate_json(raw)
    parse = _rate(lambda: adapter.validate_json(raw), budget)
    serialise = _rate(lambda: adapter.dump_json(value), budget)
    out = json.loads(adapter.dump_json(value))
    return CodecResult(key, label, "ok", parse, serialise, out)


def _rate(action: Callable[[], object], budget: Budget) -> Stats:
    return throughput(action, rounds=budget.rounds, round_s=budget.round_s)


def _kiota(peer: PeerEnv, body: bytes, budget: Budget) -> CodecResult:
    """Kiota runs in the peers' environment; it is slow to parse, so it gets twice the time."""
    with tempfile.NamedTemporaryFile(suffix=".json") as file:
        file.write(body)
        file.flush()
        argv = [str(peer.python), "-m", "bench.kiota_codec", file.name]
        argv += [str(budget.rounds), str(budget.round_s * 2)]
        try:
            done = subprocess.run(
                argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
            )
        except subprocess.TimeoutExpired:
            return CodecResult("kiota", _KIOTA_LABEL, "failed (timed out)")
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        return CodecResult("kiota", _KIOTA_LABEL, f"failed ({lines[-1][:200]})")
    figures = json.loads(done.stdout)
    return CodecResult(
        "kiota",
        _KIOTA_LABEL,
        "ok",
        Stats(**figures["parse"]),
        Stats(**figures["serialise"]),
        figures["timestamp_out"],
    )


@dataclass(frozen=True)
class ImportResult:
    status: str
    seconds: Stats | None = None  # import of models, client and server, interpreter start excluded
    interpreter_s: float = 0.0
    heaviest: tuple[tuple[str, float], ...] = ()  # top-level imports by cumulative seconds
    client_loads: tuple[str, ...] = ()  # server-side libraries `import generated.client` loads
    client_seconds: Stats | None = None  # `import generated.client` alone, interpreter excluded


IMPORT_STATEMENT = "import generated.models, generated.client, generated.server"
CLIENT_STATEMENT = "import generated.client"
SERVER_LIBRARIES = ("fastapi", "starlette", "uvicorn")
_CLIENT_PROBE = (
    "import json, sys, generated.client; "
    f"print(json.dumps([m for m in {SERVER_LIBRARIES!r} if m in sys.modules]))"
)


def measure_import(runs: int) -> ImportResult:
    python = sys.executable
    env = tool_environment(Path(python).parent)
    run_process([python, "-c", IMPORT_STATEMENT], cwd=ROOT, env=env)  # writes the bytecode caches
    bare = [run_process([python, "-c", "pass"], cwd=ROOT, env=env).wall_s for _ in range(runs)]
    interpreter = Stats.of(bare).median
    samples: list[float] = []
    for _ in range(runs):
        run = run_process([python, "-c", IMPORT_STATEMENT], cwd=ROOT, env=env)
        if run.returncode != 0:
            return ImportResult(f"failed ({run.stderr_tail})")
        samples.append(run.wall_s - interpreter)
    client: list[float] = []
    for _ in range(runs):
        run = run_process([python, "-c", CLIENT_STATEMENT], cwd=ROOT, env=env)
        if run.returncode != 0:
            return ImportResult(f"failed ({run.stderr_tail})")
        client.append(run.wall_s - interpreter)
    probe = subprocess.run(
        [python, "-c", _CLIENT_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loads = tuple(json.loads(probe.stdout))
    heaviest = _heaviest_imports(python)
    return ImportResult("ok", Stats.of(samples), interpreter, heaviest, loads, Stats.of(client))


def _heaviest_imports(python: str, count: int = 5) -> tuple[tuple[str, float], ...]:
    done = subprocess.run(
        [python, "-X", "importtime", "-c", IMPORT_STATEMENT],
        cwd=ROOT,
        env=tool_environment(Path(python).parent),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        # Nesting is shown by indentation: keep the modules that the statement itself pulled in
        # and the third-party packages one level down, which is where the time usually goes.
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if cumulative.strip().isdigit() and depth <= 1:
            module = name.strip()
            found[module] = max(found.get(module, 0.0), int(cumulative) / 1e6)
    heaviest = sorted(found.items(), key=lambda item: -item[1])[:count]
    return tuple(heaviest)
