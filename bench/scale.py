"""3. Planning at scale: generated trusts, a whole cycle's planning, dispatch claims on a big outbox.

Each step runs in its own process (bench/scale_worker.py) so that peak memory (VmHWM) is that
step's alone and the generator's page cache is not counted against the bot.

- Planning: trusts of 1,000, 10,000 and 100,000 colleagues in SQLite; one full planning pass
  (bot.scheduler.planner.Planner.run) against the floor of reading the same rows in the same
  batches; linearity as the time per colleague at the largest size over the smallest; peak
  memory against the same process before planning.
- Claim: 1,000,000 pending reminders (about one in ten due) on SQLite and on PostgreSQL; the
  median of 20 claims of 50 rows (store.repos.outbox.Outbox.claim_due) against a primary-key update of one
  reminder (the cheapest write there is); peak memory against the same claims on an outbox of
  1,000 rows.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench import pg, procs
from bench.report import Figure, not_measured

SECTION = "3 planning at scale"
CLAIM_TARGET_MS = 50.0
LINEAR_MAX_RATIO = 1.5
UNCHANGED_TARGET_S = 5.0  # a pass over an unchanged 100,000-colleague trust (Issue 18)
ONE_REPLAN_TARGET_MS = 10.0  # one answer's replan of its review (Issue 18)
MEMORY_MAX_RATIO = 1.5


class StepFailed(Exception):
    pass


def step(mode: str, url: str, n: int | None = None, timeout: float = 900) -> dict[str, Any]:
    """Run one measurement in its own process; ``timeout`` seconds at most."""
    argv = procs.python_module("bench.scale_worker", mode, url, *([str(n)] if n is not None else []))
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=procs.clean_env(), cwd=procs.ROOT,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise StepFailed(f"{mode} took over {timeout:.0f} s and was stopped") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        errors = [line for line in lines if "Error" in line or "error" in line]
        raise StepFailed((errors or lines or [f"exit {done.returncode}"])[-1][:300])
    return json.loads(done.stdout.strip().splitlines()[-1])


def planning(sizes: list[int], budget: float = 600.0) -> list[Figure]:
    """Plan each size in turn; a size whose projected time (from the last one, linearly) is over
    ``budget`` seconds is reported as not measured, with the projection. A size's step plans twice
    (the second pass must change nothing) and reads the floor, so it may take about twice its
    projection: its time limit allows for that on a loaded machine."""
    figures: list[Figure] = []
    per_colleague: dict[int, float] = {}
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="cadence-bench-plan-") as tmp:
        for n in sizes:
            if per_colleague:
                projected = max(per_colleague.values()) * n
                if projected > budget:
                    figures.append(not_measured(
                        SECTION, f"plan a cycle, {n:,} colleagues", "s",
                        f"skipped: projected {projected / 60:.0f} min from the time per colleague measured so far, "
                        f"over this run's budget of {budget:.0f} s (raise it with --plan-budget)"))
                    continue
            url = f"sqlite:///{Path(tmp) / f'trust{n}.db'}"
            made = step("gen-trust", url, n)
            try:
                r = step("plan", url, timeout=max(900.0, 4 * budget))
            except StepFailed as error:
                return [not_measured(SECTION, f"plan a cycle, {n:,} colleagues", "s",
                                     f"the planner did not run on this tree ({error})")]
            per_colleague[n] = r["plan_seconds"] / n
            peaks[n] = r["peak_mib"]
            figures.append(Figure(
                SECTION, f"plan a cycle, {n:,} colleagues", r["plan_seconds"], "s", r["floor_seconds"], "read floor",
                note=f"{r['planned']:,} reminders planned ({r['inserted']:,} new) for {made['reviews']:,} reviews; "
                     f"the next night's pass took "
                     f"{r['replan_seconds']:.2f} s; trust generated in {made['seconds']:.1f} s"))
            unchanged = Figure(
                SECTION, f"pass over an unchanged trust, {n:,} colleagues", r["replan_seconds"], "s",
                r["floor_seconds"], "read floor", target=f"<{UNCHANGED_TARGET_S:.0f} s" if n >= 100_000 else "",
                note=f"the next night's pass (the clock a day on, no fact changed): "
                     f"{'incremental' if r.get('replan_incremental') else 'FULL'}, replanned "
                     f"{r.get('replan_colleagues', 0):,} colleagues (check-ins the day brought into view), "
                     f"{r['replan_inserted']} rows new, {r['replan_updated']} updated")
            if n >= 100_000:
                unchanged.met = r["replan_seconds"] < UNCHANGED_TARGET_S
            one = Figure(SECTION, f"one answer's replan of its colleague, {n:,} colleagues", r["one_replan_ms"], "ms",
                         r["one_read_ms"], "pk read of the review", target=f"<{ONE_REPLAN_TARGET_MS:.0f} ms",
                         note="median of 21 after one not counted (statements built): a review's facts change (its trigger marks the colleague), then "
                              "Planner.replan plans that colleague's reviews and person-level reminders")
            one.met = r["one_replan_ms"] < ONE_REPLAN_TARGET_MS
            figures += [unchanged, one]
            figures.append(Figure(SECTION, f"peak memory planning {n:,}", r["peak_mib"], "MiB", r["start_mib"],
                                  "same process before"))
            Path(tmp, f"trust{n}.db").unlink(missing_ok=True)
    measured = sorted(per_colleague)
    if len(measured) > 1:
        small, large = measured[0], measured[-1]
        lin = Figure(SECTION, f"planning time per colleague, {large:,} vs {small:,}", per_colleague[large] * 1e6,
                     "us", per_colleague[small] * 1e6, f"at {small:,}", target=f"<={LINEAR_MAX_RATIO}x (linear)")
        lin.met = lin.ratio is not None and lin.ratio <= LINEAR_MAX_RATIO
        mem = Figure(SECTION, f"peak planning memory, {large:,} vs {small:,}", peaks[large], "MiB", peaks[small],
                     f"at {small:,}", target=f"<={MEMORY_MAX_RATIO}x (flat)")
        mem.met = mem.ratio is not None and mem.ratio <= MEMORY_MAX_RATIO
        figures += [lin, mem]
    return figures


def _claims(label: str, make_db, rows: int, claims: int) -> list[Figure]:  # noqa: ANN001
    name = f"dispatch claim, {rows:,} pending ({label})"
    small_url, big_url = make_db("small"), make_db("big")
    for url, outbox in ((small_url, 1000), (big_url, rows)):
        step("gen-trust", url, 1000)
        step("gen-outbox", url, outbox)
    try:
        small = step("claim", small_url, claims)
        big = step("claim", big_url, claims)
    except StepFailed as error:
        return [not_measured(SECTION, name, "ms", f"the dispatcher's claim is not on this tree ({error})",
                             f"<{CLAIM_TARGET_MS:.0f} ms")]
    claim = Figure(SECTION, name, big["claim_ms"], "ms", big["floor_ms"], "pk update", target=f"<{CLAIM_TARGET_MS:.0f} ms",
                   note=f"median of {claims} claims of {big['claimed_each']:.0f} rows (slowest {big['claim_max_ms']:.1f} ms); "
                        f"the same on 1,000 rows: {small['claim_ms']:.1f} ms"
                        + (f"; one whole dispatcher tick (no channel: rows wait) {big['tick']['seconds'] * 1000:.0f} ms"
                           if big.get("tick") else ""))
    claim.met = big["claim_ms"] < CLAIM_TARGET_MS
    mem = Figure(SECTION, f"dispatcher peak memory, {rows:,} pending ({label})", big["peak_mib"], "MiB",
                 small["peak_mib"], "1,000 pending", target=f"<={MEMORY_MAX_RATIO}x (flat)")
    mem.met = mem.ratio is not None and mem.ratio <= MEMORY_MAX_RATIO
    return [claim, mem]


def claims(rows: int = 1_000_000, count: int = 20, postgres: bool = True) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="cadence-bench-claim-") as tmp:
        figures += _claims("SQLite", lambda tag: f"sqlite:///{Path(tmp) / f'{tag}.db'}", rows, count)
    name = f"dispatch claim, {rows:,} pending (PostgreSQL)"
    if not postgres:
        return figures + [not_measured(SECTION, name, "ms", "skipped with --no-postgres")]
    reason = pg.why_not()
    if reason:
        return figures + [not_measured(SECTION, name, "ms", f"no PostgreSQL here: {reason}")]
    try:
        with pg.server() as server:
            figures += _claims("PostgreSQL", lambda tag: pg.create_database(server, f"bench_{tag}"), rows, count)
    except StepFailed as error:  # keep the SQLite figures; say why PostgreSQL has none
        figures.append(not_measured(SECTION, name, "ms", f"a step failed on PostgreSQL: {error}"))
    return figures
