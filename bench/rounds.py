"""Ours against the baseline in alternating rounds, so a drift in the machine's speed hits both alike.

These machines are virtual and shared: the same client doing the same work costs up to twice
the CPU in one minute as in the next (bench section 1's probes: 300-600 µs a request). Measured
one after the other, whichever server ran in the slow minute looked slow. So each concurrency
level is split into rounds, run baseline-ours, ours-baseline, ... (ABBA, so neither always goes
first), and each server's latencies are pooled over its rounds: p50 and p99 are over every
request, requests/s over the rounds' summed duration.

Where ours owes answers after its acks (``answers_port``: a stand-in counting what it was
sent), each of our rounds waits for them before the next round starts, and for the warm-up's
before the round's own requests, so that work never runs inside a measurement.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from bench.load import LoadResult, RequestMaker, drive

WARMUP = 20  # sequential requests before each round, not measured; ours answers them before the round starts
CatchUp = Callable[[int, int, int], tuple[int, float]]
"""(answers port, the count before the round, answers owed) -> (answers that came, seconds after the last ack)."""


@dataclass
class Caught:
    """The answers owed after our acks at one level, over its rounds."""

    answers: int = 0
    slowest: float = 0.0  # seconds from a round's last ack to its last answer, the slowest round
    rounds: int = 0
    per_round: int = 0  # requests in one round (warm-up not included)


def pooled(results: list[LoadResult]) -> LoadResult:
    total = LoadResult(warmup=0)
    for r in results:
        total.latencies.extend(r.latencies)
        total.statuses.update(r.statuses)
        total.errors += r.errors
        total.elapsed += r.elapsed
        total.warmup += r.warmup
    return total


def compare(base_url: str, ours_url: str, make: RequestMaker, requests: dict[int, int], rounds: int,
            answers_port: int | None = None, posted: Callable[[int], int] | None = None,
            catch_up: CatchUp | None = None) -> tuple[dict[int, LoadResult], dict[int, LoadResult], dict[int, Caught]]:
    """Each level in ``rounds`` alternating rounds; returns the baseline's and our pooled loads and the catch-up."""
    base: dict[int, LoadResult] = {}
    ours: dict[int, LoadResult] = {}
    caught: dict[int, Caught] = {}
    for concurrency, total in requests.items():
        n = max(1, min(rounds, total // max(concurrency, 1)))
        sizes = [total // n + (1 if i < total % n else 0) for i in range(n)]
        base_runs: list[LoadResult] = []
        our_runs: list[LoadResult] = []
        level = Caught(rounds=n, per_round=sizes[0])
        for i, size in enumerate(sizes):
            order = ("base", "ours") if i % 2 == 0 else ("ours", "base")
            for which in order:
                if which == "base":
                    base_runs.append(asyncio.run(drive(base_url, make, size, concurrency, warmup=WARMUP)))
                    continue
                before = posted(answers_port) if answers_port and posted else 0
                warmed = None
                if answers_port and catch_up:
                    def warmed(port: int = answers_port, count: int = before) -> None:
                        catch_up(port, count, WARMUP)
                result = asyncio.run(drive(ours_url, make, size, concurrency, warmup=WARMUP, after_warmup=warmed))
                our_runs.append(result)
                if answers_port and catch_up:
                    answers, seconds = catch_up(answers_port, before, result.ok + result.warmup)
                    level.answers += answers
                    level.slowest = max(level.slowest, seconds)
        base[concurrency], ours[concurrency] = pooled(base_runs), pooled(our_runs)
        if answers_port:
            caught[concurrency] = level
    return base, ours, caught
