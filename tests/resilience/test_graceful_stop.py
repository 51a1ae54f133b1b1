"""A worker stopped the way Docker and kill stop it (SIGTERM) still answers what it acknowledged."""

from __future__ import annotations

import signal
from pathlib import Path

from bench import procs
from bench.seed import prepare_demo_db
from bench.slack_path import _post, _stats, _wait_standin
from bench.teams_path import message


def test_a_worker_stopped_with_sigterm_first_sends_the_answer_it_acknowledged(tmp_path: Path) -> None:
    db_url, ids = prepare_demo_db(tmp_path)
    connector_port, port = procs.free_port(), procs.free_port()
    connector = procs.start(procs.python_module("bench.standin_teams", str(connector_port)), connector_port,
                            tmp_path / "connector.log")
    server = procs.start(procs.python_module("bot", "serve", "--port", str(port), "--no-scheduler"), port,
                         tmp_path / "cadence.log", procs.clean_env(CADENCE_DATABASE_URL=db_url, CADENCE_TEAMS_EMULATOR="1"))
    try:
        procs.wait_healthy(server)
        _wait_standin(connector_port)
        colleague = sorted(ids["teams"])[0]
        said = message(f"http://127.0.0.1:{connector_port}/", colleague, "status")
        assert _post(f"{server.url}/api/messages", said, {"Content-Type": "application/json"}) == 202

        server.proc.send_signal(signal.SIGTERM)  # at once: the answer is still to be worked out

        assert server.proc.wait(timeout=30) == 0, server.tail()
        assert _stats(connector_port)["posted"] == 1
    finally:
        server.stop()
        connector.stop()
