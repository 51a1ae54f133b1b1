"""Subprocesses for the benchmarks: servers on 127.0.0.1, their health and their memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment less any CADENCE_* of the developer's, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADENCE_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_mib(self) -> float:
        return rss_mib(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def start(argv: Sequence[str], port: int, log: Path, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> Server:
    fh = open(log, "wb")  # noqa: SIM115 - the child owns it
    proc = subprocess.Popen(list(argv), stdout=fh, stderr=subprocess.STDOUT, env=env or clean_env(),
                            cwd=str(cwd or ROOT))
    fh.close()
    return Server(proc, port, log)


def wait_healthy(server: Server, path: str = "/healthz", timeout: float = 60.0, interval: float = 0.005) -> float:
    """Poll until ``path`` answers 200; returns the seconds it took. Raises if the process dies."""
    start_at = time.perf_counter()
    deadline = start_at + timeout
    url = server.url + path
    while time.perf_counter() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"server exited with {server.proc.returncode}:\n{server.tail()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - 127.0.0.1 only
                if response.status == 200:
                    return time.perf_counter() - start_at
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(interval)
    raise TimeoutError(f"{url} not healthy after {timeout:.0f}s:\n{server.tail()}")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")
