"""A throwaway PostgreSQL server on 127.0.0.1 for the benchmarks (as tests/conftest.py's pg_server).

Unlike the test server it keeps PostgreSQL's durable defaults (fsync, synchronous commit), so a
claim's commit costs what it would in production on this disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.procs import free_port


def pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


def why_not() -> str | None:
    if not pg_bin("pg_ctl") or not pg_bin("initdb"):
        return "pg_ctl/initdb not found (install Debian's postgresql package)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root and runuser is missing"
    return None


@contextmanager
def server() -> Iterator[str]:
    """Yield the URL of a fresh PostgreSQL server; it is stopped and deleted afterwards."""
    pg_ctl, initdb = pg_bin("pg_ctl"), pg_bin("initdb")
    assert pg_ctl and initdb, why_not()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    base = Path(tempfile.mkdtemp(prefix="cadence-bench-pg-"))
    if as_postgres:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", free_port()
    subprocess.run([*as_postgres, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    subprocess.run([*as_postgres, pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                    f"-p {port} -h 127.0.0.1 -k {base} -c max_connections=200", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    import psycopg

    admin = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name
