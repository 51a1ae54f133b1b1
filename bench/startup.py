"""5. Start-up and footprint: ``cadence serve`` to a healthy /healthz, and its idle memory.

Baseline: a plain aiohttp server with only /healthz (bench/bare_web.py), started the same way.
``cadence serve`` runs with Slack and Teams configured (fake credentials, Web API pointed at a
closed port on 127.0.0.1) and the scheduler on, as a deployment would, on an already-migrated
SQLite database (a restart; the first start also runs the migrations and is reported in a note).

Both servers run with a bytecode cache (PYTHONPYCACHEPREFIX in the run's temporary directory, warmed
by the first start), as an installed package has (pip compiles it): with PYTHONDONTWRITEBYTECODE set
in the developer's shell, every start compiled Cadence's ~100 modules again, a fifth of its start-up.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench import procs
from bench.report import Figure

SECTION = "5 start-up"
HEALTHY_MAX_RATIO = 2.5  # to a healthy /healthz, against the bare aiohttp app (Issue 18)
IDLE_RSS_MAX_MIB = 100.0  # idle, with Slack, Teams and the scheduler configured (Issue 18)
FAKE_SLACK = {"CADENCE_SLACK_BOT_TOKEN": "xoxb-test-not-a-token", "CADENCE_SLACK_SIGNING_SECRET": "bench-secret",
              "CADENCE_TEAMS_APP_ID": "00000000-0000-0000-0000-00000000b0b0",
              "CADENCE_TEAMS_APP_PASSWORD": "not-a-password"}


def compiled(env: dict[str, str], cache: Path) -> dict[str, str]:
    """``env`` with a bytecode cache under ``cache``, as an installed package has."""
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def serve_env(db_url: str, **extra: str) -> dict[str, str]:
    closed = procs.free_port()  # nothing listens there: no call leaves the machine
    return procs.clean_env(CADENCE_DATABASE_URL=db_url, CADENCE_SLACK_API_URL=f"http://127.0.0.1:{closed}/api/",
                           **FAKE_SLACK, **extra)


def _one(argv: list[str], port: int, log: Path, env: dict[str, str], settle: float) -> tuple[float, float]:
    t0 = time.perf_counter()
    server = procs.start(argv, port, log, env)
    try:
        procs.wait_healthy(server)
        took = time.perf_counter() - t0
        time.sleep(settle)
        return took, server.rss_mib()
    finally:
        server.stop()


def run(repeats: int = 3, settle: float = 1.0) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="cadence-bench-start-") as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'cadence.db'}"
        env = compiled(serve_env(db_url), work / "pycache")
        bare_env = compiled(procs.clean_env(), work / "pycache")
        first_port = procs.free_port()
        cold, _ = _one(procs.python_module("bot", "serve", "--port", str(first_port)), first_port,
                       work / "cold.log", env, 0)
        subprocess.run(procs.python_module("bot", "db", "upgrade"), env=env, check=True, capture_output=True,
                       cwd=procs.ROOT)
        cadence_t, cadence_m, bare_t, bare_m = [], [], [], []
        for i in range(repeats):
            port = procs.free_port()
            t, m = _one(procs.python_module("bench.bare_web", str(port)), port, work / f"bare{i}.log",
                        bare_env, settle)
            bare_t.append(t)
            bare_m.append(m)
            port = procs.free_port()
            t, m = _one(procs.python_module("bot", "serve", "--port", str(port)), port, work / f"serve{i}.log",
                        env, settle)
            cadence_t.append(t)
            cadence_m.append(m)
    t, bt = statistics.median(cadence_t), statistics.median(bare_t)
    m, bm = statistics.median(cadence_m), statistics.median(bare_m)
    healthy = Figure(SECTION, "cadence serve to healthy /healthz", t * 1000, "ms", bt * 1000, "bare aiohttp",
                     target=f"<={HEALTHY_MAX_RATIO}x",
                     note=f"median of {repeats}, migrated SQLite, bytecode cached; first start on an empty "
                          f"database (migrations and compiling included) took {cold * 1000:,.0f} ms")
    healthy.met = t / bt <= HEALTHY_MAX_RATIO
    idle = Figure(SECTION, "idle resident memory", m, "MiB", bm, "bare aiohttp", target=f"<={IDLE_RSS_MAX_MIB:.0f} MiB",
                  note=f"VmRSS {settle:.0f} s after healthy, Slack, Teams and the scheduler configured")
    idle.met = m <= IDLE_RSS_MAX_MIB
    return [healthy, idle]
