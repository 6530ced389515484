"""A small keep-alive HTTP/1.1 load generator over raw asyncio sockets.

Runs in its own process (``python -m bench.load_client PORT REQUESTS SECONDS CONNECTIONS BODY``),
so that it does not share an interpreter with the server it measures. It stops at whichever
comes first, the request count or the time cap, and prints its figures as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import percentile

PATH = "/deviceAppManagement/enterpriseCodeSigningCertificates"


@dataclass
class Tally:
    budget: int
    deadline: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    started: int = 0

    def take(self) -> bool:
        if self.started >= self.budget or time.perf_counter() >= self.deadline:
            return False
        self.started += 1
        return True

    def count(self, status: str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


def request_bytes(port: int, body: bytes) -> bytes:
    head = (
        f"POST {PATH} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Authorization: Bearer bench-token\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


async def _connection(port: int, request: bytes, tally: Tally) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as error:
        tally.count(f"connect error: {type(error).__name__}")
        return
    try:
        while tally.take():
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status, length = _parse_head(head)
            await reader.readexactly(length)
            tally.latencies.append(time.perf_counter() - start)
            tally.count(str(status))
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
        tally.count(f"connection error: {type(error).__name__}")
    finally:
        writer.close()


def _parse_head(head: bytes) -> tuple[int, int]:
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, length


async def drive(port: int, requests: int, seconds: float, connections: int, body: bytes) -> Tally:
    tally = Tally(requests, time.perf_counter() + seconds)
    request = request_bytes(port, body)
    await asyncio.gather(*(_connection(port, request, tally) for _ in range(connections)))
    return tally


def main(argv: list[str]) -> int:
    port, requests, seconds, connections = int(argv[0]), int(argv[1]), float(argv[2]), int(argv[3])
    body = Path(argv[4]).read_bytes()
    asyncio.run(drive(port, max(1, requests // 50), max(0.1, seconds / 10), connections, body))
    start = time.perf_counter()
    tally = asyncio.run(drive(port, requests, seconds, connections, body))
    elapsed = time.perf_counter() - start
    ordered = sorted(tally.latencies)
    figures: dict[str, object] = {"requests": len(ordered), "elapsed_s": elapsed}
    figures["statuses"] = tally.statuses
    if ordered:
        for name, fraction in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0)):
            figures[f"{name}_ms"] = percentile(ordered, fraction) * 1000
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
