"""One program's first call, in a fresh interpreter: import a client, then parse one entity.

``python -m bench.first_call_probe ours FOLDER PACKAGE BODY [SECONDS]`` imports
``PACKAGE.client`` from FOLDER and parses BODY with ``PACKAGE.models``; ``... sdk BODY`` does the
same with Microsoft's Graph beta SDK (run in the peers' environment). Prints one JSON object:
seconds to import, seconds to import and parse, peak resident MiB after the import, and, for
ours with SECONDS, parse and serialise rates once loaded (to the file named by ``PROBE_OUT``
when set). Standard library only (and
``bench.measure``, itself standard library only), so it runs in either environment.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

CONTENT_TYPE = "application/json"
ENTITY = "EnterpriseCodeSigningCertificate"


def _peak_mib() -> float:
    """This process's peak resident memory. Linux keeps ``ru_maxrss`` across ``execve``, so a
    probe started from a larger parent would report the parent's peak; ``VmHWM`` starts anew
    with the program."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _models_created(prefix: str) -> int:
    """Pydantic model classes defined so far in the package's models (none while pydantic is
    not even imported); imports nothing itself."""
    main = sys.modules.get("pydantic.main")
    if main is None:
        return 0
    seen: set[type] = set()
    todo: list[type] = [main.BaseModel]
    while todo:
        children: list[type] = todo.pop().__subclasses__()
        for child in children:
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return sum(model.__module__.startswith(prefix) for model in seen)


def ours(folder: str, package: str, body: bytes, seconds: float) -> dict[str, Any]:
    sys.path.insert(0, folder)
    start = time.perf_counter()
    importlib.import_module(f"{package}.client")
    imported = time.perf_counter()
    peak = _peak_mib()
    loaded = _models_created(f"{package}.models")  # not timed
    parse_start = time.perf_counter()
    model = getattr(importlib.import_module(f"{package}.models"), ENTITY)
    parsed = model.model_validate_json(body)
    parse_s = time.perf_counter() - parse_start
    figures: dict[str, Any] = {
        "import_s": imported - start,
        "first_call_s": imported - start + parse_s,
        "peak_mib": peak,
        "models_created": loaded,
    }
    if seconds > 0:
        from bench.measure import throughput

        rounds = 3
        parse = throughput(lambda: model.model_validate_json(body), rounds=rounds, round_s=seconds)
        serialise = throughput(parsed.model_dump_json, rounds=rounds, round_s=seconds)
        figures["parse_per_s"] = dataclasses.asdict(parse)
        figures["serialise_per_s"] = dataclasses.asdict(serialise)
    return figures


def sdk(body: bytes) -> dict[str, Any]:
    start = time.perf_counter()
    from msgraph_beta import GraphServiceClient  # noqa: F401

    imported = time.perf_counter()
    peak = _peak_mib()
    from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
    from msgraph_beta.generated.models.enterprise_code_signing_certificate import (
        EnterpriseCodeSigningCertificate,
    )

    node = JsonParseNodeFactory().get_root_parse_node(CONTENT_TYPE, body)
    node.get_object_value(EnterpriseCodeSigningCertificate)
    done = time.perf_counter()
    return {"import_s": imported - start, "first_call_s": done - start, "peak_mib": peak}


def main(argv: list[str]) -> int:
    if argv[:1] == ["ours"] and len(argv) in (4, 5):
        seconds = float(argv[4]) if len(argv) == 5 else 0.0
        figures = ours(argv[1], argv[2], Path(argv[3]).read_bytes(), seconds)
    elif argv[:1] == ["sdk"] and len(argv) == 2:
        figures = sdk(Path(argv[1]).read_bytes())
    else:
        print(__doc__, file=sys.stderr)
        return 2
    text = json.dumps(figures)
    out = os.environ.get("PROBE_OUT")
    if out:
        Path(out).write_text(text, "utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
