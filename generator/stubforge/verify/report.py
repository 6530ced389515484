"""What verify prints: one line per failing exchange, then how many hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stubforge.errors import _visible
from stubforge.load import Spec

if TYPE_CHECKING:
    from stubforge.verify.steps import Outcome


@dataclass(frozen=True)
class Report:
    spec: Spec
    outcomes: tuple[Outcome, ...]

    @property
    def holding(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.holds)

    @property
    def failing(self) -> tuple[Outcome, ...]:
        return tuple(outcome for outcome in self.outcomes if not outcome.holds)

    @property
    def ok(self) -> bool:
        return not self.failing


def _where(report: Report, outcome: Outcome, step: str) -> str:
    exchange = outcome.exchange
    case = exchange.request if step in ("request", "client") else exchange.response
    case = case or exchange.request or exchange.response
    if case is not None:
        return str(report.spec.locate(case.pointer))
    if exchange.parameters:
        return str(report.spec.locate(exchange.parameters[0].pointer))
    return str(report.spec.path)


def render(report: Report) -> list[str]:
    """``file:line:col: OPERATION:EXAMPLE: STEP: message at /pointer: documented X, got Y``,
    one line per failing exchange, then the summary."""
    lines: list[str] = []
    for outcome in report.failing:
        first = outcome.failures[0]
        text = first.message
        if first.difference is not None:
            text = f"{text}: {first.difference.describe()}" if text else first.difference.describe()
        more = len(outcome.failures) - 1
        suffix = f" (and {more} more failing step{'s' if more > 1 else ''})" if more else ""
        lines.append(
            _visible(
                f"{_where(report, outcome, first.step)}: {outcome.exchange}: "
                f"{first.step}: {text}{suffix}"
            )
        )
    total = len(report.outcomes)
    checks = sum(len(outcome.checked) for outcome in report.outcomes)
    lines.append(
        f"{report.holding} of {total} documented exchange{'s' if total != 1 else ''} hold"
        f" ({checks} checks)"
    )
    return lines
