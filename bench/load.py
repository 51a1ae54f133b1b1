"""A bounded HTTP load generator for servers on 127.0.0.1: a fixed number of requests, N at a time."""

from __future__ import annotations

import asyncio
import gc
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import aiohttp

RequestMaker = Callable[[int], tuple[bytes, dict[str, str]]]


@contextmanager
def client_heap_frozen() -> Iterator[None]:
    """While a client measures, its garbage collector walks only what the measurement makes.

    A bench process holds the seeded app's modules and data, and one full collection of that heap
    (about 60 ms) stalled every request in flight at once, which then read as the server's p99 in
    whichever round it fell on (Issue 18's run: ours 96 ms one run, 21 ms the next). ``gc.freeze``
    moves what exists now out of the collector's walks until the measurement ends.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    elapsed: float = 0.0
    warmup: int = 0  # requests sent before measuring (their work still reaches the stand-ins)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]

    @property
    def p50_ms(self) -> float:
        return self.percentile(50) * 1000

    @property
    def p99_ms(self) -> float:
        return self.percentile(99) * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    def summary(self) -> str:
        codes = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        return f"{self.ok} ok of {sum(self.statuses.values()) + self.errors} ({codes or 'none'}; errors {self.errors})"


async def drive(url: str, make: RequestMaker, total: int, concurrency: int, *, warmup: int = 20,
                timeout: float = 30.0, after_warmup: Callable[[], None] | None = None) -> LoadResult:
    """POST ``total`` requests built by ``make(i)`` with ``concurrency`` in flight; warm-up not counted.

    ``after_warmup`` (blocking; run in a thread) waits for whatever the warm-up left the server to
    do, so that work does not run inside the measurement.
    """
    result = LoadResult(warmup=warmup)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        for i in range(warmup):
            body, headers = make(-1 - i)
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
        if after_warmup is not None:
            await asyncio.to_thread(after_warmup)
        counter = iter(range(total))

        async def worker() -> None:
            for i in counter:
                body, headers = make(i)
                t0 = time.perf_counter()
                try:
                    async with session.post(url, data=body, headers=headers) as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    result.errors += 1
                    continue
                took = time.perf_counter() - t0
                result.statuses[status] += 1
                if 200 <= status < 300:
                    result.latencies.append(took)

        with client_heap_frozen():
            t0 = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            result.elapsed = time.perf_counter() - t0
    return result
