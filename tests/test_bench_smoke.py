"""The benchmark code runs end to end, on our side only and with tiny counts, so it cannot rot."""

from __future__ import annotations

import json
from pathlib import Path

from bench import run
from bench.examples import documented_response
from bench.machine import SEED_SPEC


def test_smoke_run_measures_our_side_and_writes_the_report(tmp_path: Path) -> None:
    assert run.main(["--smoke", "--results-dir", str(tmp_path)]) == 0

    results = json.loads((tmp_path / "results.json").read_text("utf-8"))
    assert [(g["tool"], g["status"]) for g in results["generation"]] == [
        ("ours", "ok"),
        ("ours-noop", "ok"),
        ("ours-edit", "ok"),
        ("ours-check", "ok"),
    ]
    codecs = {codec["key"]: codec for codec in results["codecs"]}
    documented = json.loads(documented_response(SEED_SPEC))["expirationDateTime"]
    assert codecs["ours"]["timestamp_out"] == documented
    assert codecs["ours"]["parse_per_s"]["median"] > 0
    assert codecs["kiota"]["status"] == "not run (peers skipped)"
    assert results["imports"]["status"] == "ok"
    assert results["imports"]["client_loads"] == []  # the client imports no server library
    assert [server["status"] for server in results["servers"]] == ["ok"]
    sides = results["first_call"]["sides"]
    assert [side["status"] for side in sides] == ["ok", "ok", "not run (peers skipped)"]
    assert sides[0]["models_created"] == 0 and sides[1]["models_created"] > 0

    report = (tmp_path / "results.md").read_text("utf-8")
    assert "## Targets" in report
    assert "seed spec, no-op regeneration" in report
    assert "regenerate after one operation's summary changed" in report
