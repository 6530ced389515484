"""results.png from results.json, drawn with matplotlib in the peers' environment.

``python -m bench.chart RESULTS_JSON PNG``; matplotlib is not a project dependency.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

OURS_COLOUR = "#1f77b4"
PEER_COLOUR = "#b0b0b0"


def _generation(axes: Any, rows: list[dict[str, Any]], title: str) -> None:
    done = [row for row in rows if row["status"] == "ok"]
    if not done:
        axes.set_title(f"{title}: not run")
        axes.axis("off")
        return
    labels = [row["label"] for row in done]
    medians = [row["wall_s"]["median"] for row in done]
    errors = [
        [m - row["wall_s"]["low"] for m, row in zip(medians, done, strict=True)],
        [row["wall_s"]["high"] - m for m, row in zip(medians, done, strict=True)],
    ]
    colours = [OURS_COLOUR if row["tool"].startswith("ours") else PEER_COLOUR for row in done]
    positions = range(len(done))
    axes.barh(positions, medians, xerr=errors, color=colours, capsize=3)
    axes.set_yticks(list(positions), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("wall time, s (median; bars: min, max)")
    axes.set_title(title, fontsize=10)
    highest = max(row["wall_s"]["high"] for row in done)
    axes.set_xlim(0, highest * 1.3)
    for position, median, row in zip(positions, medians, done, strict=True):
        axes.text(
            row["wall_s"]["high"] + highest * 0.01,
            position,
            f"{median:.2f} s, {row['peak_mib']['median']:.0f} MiB",
            va="center",
            fontsize=7,
        )
    failed = [f"{row['label']}: {row['status'][:60]}" for row in rows if row["status"] != "ok"]
    if failed:
        axes.annotate("\n".join(failed), (0, -0.25), xycoords="axes fraction", fontsize=6, va="top")


def _codecs(axes: Any, codecs: list[dict[str, Any]]) -> None:
    done = [c for c in codecs if c["status"] == "ok" and not c["key"].startswith("ts-")]
    labels = [c["label"] for c in done]
    width = 0.38
    for shift, field, name in (
        (-width / 2, "parse_per_s", "parse"),
        (width / 2, "serialise_per_s", "serialise"),
    ):
        values = [c[field]["median"] for c in done]
        bars = axes.bar([i + shift for i in range(len(done))], values, width, label=name)
        for bar, value in zip(bars, values, strict=True):
            axes.text(
                bar.get_x() + bar.get_width() / 2,
                value,
                f"{value:,.0f}",
                ha="center",
                va="bottom",
                fontsize=7,
            )
    axes.set_yscale("log")
    axes.set_xticks(list(range(len(done))), labels, fontsize=8)
    axes.set_ylabel("objects per second (log)")
    axes.set_title("documented entity: JSON text ⇄ model", fontsize=10)
    axes.legend(fontsize=8)


def draw(results: dict[str, Any], png: Path) -> None:
    figure, (seed, graph, codecs) = plt.subplots(3, 1, figsize=(10, 13))
    generation: list[dict[str, Any]] = results["generation"]
    _generation(seed, [g for g in generation if g["spec"] == "seed"], "generation: seed spec")
    _generation(
        graph, [g for g in generation if g["spec"] == "graph"], "generation: Graph module (1.7 MB)"
    )
    _codecs(codecs, results["codecs"])
    machine = results["machine"]
    figure.suptitle(
        f"stubforge vs peers — {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}",
        fontsize=11,
    )
    figure.tight_layout(rect=(0, 0, 1, 0.98))
    figure.savefig(png, dpi=110)
    plt.close(figure)


def main(argv: list[str]) -> int:
    draw(json.loads(Path(argv[0]).read_text("utf-8")), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
