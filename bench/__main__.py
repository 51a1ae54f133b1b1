"""``python -m bench`` (``make bench``): run every section, print one table, keep it in bench/RESULTS.md.

    python -m bench                         # the default run (planning up to 100,000 colleagues)
    python -m bench --max-colleagues 10000  # planning up to 10,000 only: a few minutes less
    python -m bench --quick --out /tmp/r.md  # seconds: tiny sizes (the test suite's smoke run)
    python -m bench --only startup,slack    # some sections
    python -m bench --only tap --quick      # one section, seconds

A section that cannot run on this tree (a handler or the dispatcher not installed, no
PostgreSQL) is reported as "not measured" with the reason; no number is ever made up.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.report import Figure, Results, loadavg, markdown, not_measured, text_table

SECTIONS = ("startup", "slack", "teams", "tap", "planning", "claim", "delivery")
RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, seconds not minutes (smoke test)")
    parser.add_argument("--only", default="", help=f"comma-separated sections of: {', '.join(SECTIONS)}")
    parser.add_argument("--max-colleagues", type=int, default=100_000,
                        help="largest generated trust for planning (1,000 / 10,000 / 100,000)")
    parser.add_argument("--plan-budget", type=float, default=600.0,
                        help="seconds one planning pass of a size may be projected to take before the size is "
                             "skipped (100,000 colleagues take a few minutes a pass on 2 cores)")
    parser.add_argument("--outbox-rows", type=int, default=1_000_000, help="pending reminders for the claim")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL claim")
    parser.add_argument("--out", type=Path, default=RESULTS_MD, help="where the Markdown table goes")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    return parser.parse_args(argv)


def plan(args: argparse.Namespace) -> list[tuple[str, Callable[[], list[Figure]]]]:
    from bench import delivery, scale, slack_path, startup, tap, teams_path

    quick = args.quick
    sizes = [n for n in ((100, 300) if quick else (1_000, 10_000, 100_000)) if n <= args.max_colleagues]
    load = {1: 20, 50: 100} if quick else None
    teams_load = {1: 10, 50: 50} if quick else None
    return [
        ("startup", lambda: startup.run(repeats=1 if quick else 3, settle=0.2 if quick else 1.0)),
        ("slack", lambda: slack_path.run(load)),
        ("teams", lambda: teams_path.run(teams_load)),
        ("tap", lambda: tap.run(seconds=4, people=30, probe_people=5) if quick else tap.run()),
        ("planning", lambda: scale.planning(sizes, budget=30.0 if quick else args.plan_budget)),
        ("claim", lambda: scale.claims(2_000 if quick else args.outbox_rows, 5 if quick else 20,
                                       postgres=not args.no_postgres)),
        ("delivery", lambda: delivery.run(messages=60 if quick else 300, recipients=30 if quick else 100)),
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        print(f"unknown section(s): {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    results = Results(options=" ".join(argv if argv is not None else sys.argv[1:]))
    for name, run in plan(args):
        if only and name not in only:
            continue
        print(f"== {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            results.add(*run())
        except Exception as error:  # noqa: BLE001 - one section's failure is reported, not hidden
            traceback.print_exc()
            results.add(not_measured(name, "section", "", f"the section failed: {type(error).__name__}: {error}"))
        print(f"   {name} took {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    results.load_at_end = loadavg()
    print(text_table(results))
    print(f"\nload average at the start {results.load_at_start}, at the end {results.load_at_end} "
          f"(nproc {os.cpu_count()})")
    if not args.no_write:
        args.out.write_text(markdown(results), encoding="utf-8")
        print(f"\nWritten to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
