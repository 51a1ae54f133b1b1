"""2. The Teams path: Bot Framework activities through ``cadence serve`` against a bare ActivityHandler.

Both servers run as processes on 127.0.0.1 with no app credentials (the Emulator's
unauthenticated mode, CADENCE_TEAMS_EMULATOR: there is no local stand-in for Entra's token
service, so neither side validates a JWT; the comparison stays like for like). Their connector is bench/standin_teams.py.
Each request is a personal-chat ``message`` activity saying ``status`` from one of the demo
trust's people in turn. The bare ActivityHandler runs its turn (one reply POSTed to the
connector) before its HTTP answer, as the SDK's samples do. Cadence acknowledges a message with 202
once it has checked it and runs the turn after (bot.handlers.ack_first), so its latency is the
ack's; the work is not hidden: "every answer sent, after the last ack" counts the replies that
reached the connector and when the last one did. The two take turns in rounds (bench.rounds).
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

from bench import procs
from bench.report import Figure
from bench.rounds import compare
from bench.seed import prepare_demo_db
from bench.slack_path import (
    ROUNDS,
    _catch_up,
    _drain,
    _figures,
    _post,
    _posted,
    _unmeasured,
    _wait_standin,
    catch_up_figures,
)

SECTION = "2 Teams path"
TENANT = "00000000-0000-4000-8000-0000000000aa"
_ids = itertools.count(1)


def message(service_url: str, aad: str, text: str = "status") -> bytes:
    n = next(_ids)
    return json.dumps({
        "type": "message", "id": f"bench-{n}", "timestamp": "2026-11-23T10:00:00.000Z",
        "localTimestamp": "2026-11-23T10:00:00.000+00:00", "serviceUrl": service_url, "channelId": "msteams",
        "from": {"id": f"29:{aad}", "name": "Bench Person", "aadObjectId": aad},
        "recipient": {"id": "28:bench-bot", "name": "Cadence"},
        "conversation": {"id": f"a:bench-{aad}", "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}}, "locale": "en-GB", "text": text, "textFormat": "plain",
    }).encode()


def _maker(service_url: str, users: list[str]):  # noqa: ANN202
    headers = {"Content-Type": "application/json"}

    def make(i: int) -> tuple[bytes, dict[str, str]]:
        return message(service_url, users[i % len(users)]), headers

    return make


def run(requests: dict[int, int] | None = None, rounds: int = ROUNDS) -> list[Figure]:
    requests = requests or {1: 150, 50: 500}
    with tempfile.TemporaryDirectory(prefix="cadence-bench-teams-") as tmp:
        work = Path(tmp)
        db_url, ids = prepare_demo_db(work)
        users = sorted(ids["teams"])
        connector_port, bare_port, cadence_port = procs.free_port(), procs.free_port(), procs.free_port()
        service_url = f"http://127.0.0.1:{connector_port}/"
        connector = procs.start(procs.python_module("bench.standin_teams", str(connector_port)), connector_port,
                                work / "connector.log")
        bare = procs.start(procs.python_module("bench.bare_teams", str(bare_port)), bare_port, work / "bare.log")
        env = procs.clean_env(CADENCE_DATABASE_URL=db_url, CADENCE_TEAMS_EMULATOR="1")
        cadence = procs.start(procs.python_module("bot", "serve", "--port", str(cadence_port), "--no-scheduler"),
                              cadence_port, work / "cadence.log", env)
        try:
            procs.wait_healthy(bare)
            procs.wait_healthy(cadence)
            _wait_standin(connector_port)
            before = _drain(connector_port)
            status = _post(f"{cadence.url}/api/messages", message(service_url, users[0]),
                           {"Content-Type": "application/json"})
            if status == 404:
                return _unmeasured("the Teams handler is not on this tree (/api/messages answers 404: "
                                   "not configured)", SECTION)
            if status >= 300 or _drain(connector_port) == before:
                return _unmeasured(f"a message activity answered {status} and no reply reached the connector; "
                                   "see the server log", SECTION)
            # the bare handler's replies reach the same connector: our rounds count only theirs, as the
            # bare rounds never overlap them (bench.rounds)
            base, ours, caught = compare(f"{bare.url}/api/messages", f"{cadence.url}/api/messages",
                                         _maker(service_url, users), requests, rounds, connector_port, _posted,
                                         _catch_up)
        finally:
            for server in (cadence, bare, connector):
                server.stop()
    return [*_figures(ours, base, "the answers after the acks: see \"every answer sent\"", "bare ActivityHandler",
                      SECTION),
            *catch_up_figures(SECTION, ours, caught, "messages")]
