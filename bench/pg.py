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


class PgServer:
    """A PostgreSQL server of our own in a temporary directory; ``stop`` and ``start`` it at will
    (the resilience tests take the database away and bring it back)."""

    def __init__(self) -> None:
        pg_ctl, initdb = pg_bin("pg_ctl"), pg_bin("initdb")
        assert pg_ctl and initdb, why_not()
        self.pg_ctl = pg_ctl
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.base = Path(tempfile.mkdtemp(prefix="cadence-bench-pg-"))
        if self.as_postgres:
            shutil.chown(self.base, "postgres", "postgres")
        self.data, self.port = self.base / "data", free_port()
        subprocess.run([*self.as_postgres, initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
                        "UTF8"], check=True, capture_output=True)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        subprocess.run([*self.as_postgres, self.pg_ctl, "-D", str(self.data), "-l", str(self.base / "log"), "-w",
                        "-o", f"-p {self.port} -h 127.0.0.1 -k {self.base} -c max_connections=200", "start"],
                       check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run([*self.as_postgres, self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop"],
                       capture_output=True)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


@contextmanager
def server() -> Iterator[str]:
    """Yield the URL of a fresh PostgreSQL server; it is stopped and deleted afterwards."""
    pg = PgServer()
    pg.start()
    try:
        yield pg.url
    finally:
        pg.remove()


def create_database(server_url: str, name: str) -> str:
    import psycopg

    admin = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name
