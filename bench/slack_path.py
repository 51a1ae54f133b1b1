"""1. The Slack path: signed interaction requests through ``cadence serve`` against a bare Bolt app.

Both servers run as their own processes on 127.0.0.1 (the load generator stays out of their
event loop): ``cadence serve --no-scheduler`` on the demo trust in SQLite with its Web API pointed
at the stand-in Slack (bench/standin_slack.py, limits off: rate limits are section 4), and
bench/bare_slack.py. Each request is a ``block_actions`` payload, form-encoded and signed with the
v0 HMAC-SHA256 scheme and a fresh timestamp, clicking an App Home button that runs ``status``
for one of the demo trust's people in turn. Cadence acknowledges first and does the work after
(bot.handlers.ack_first), so the latency is the ack's;
"every answer sent, after the last ack" counts the replies that reached the stand-in and when the
last one did, so work merely postponed shows.

The bare app and Cadence take turns (bench.rounds): four rounds a level, baseline and Cadence
alternating, latencies pooled per server, so a change in the machine's speed during the run
hits both alike. Both run Bolt with ``process_before_response=True``, the setting Cadence uses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from bench import procs
from bench.load import LoadResult
from bench.report import Figure, not_measured
from bench.rounds import Caught, compare
from bench.seed import prepare_demo_db

SECTION = "1 Slack path"
SECRET = "bench-signing-secret-not-real"
TOKEN = "xoxb-test-not-a-token"
P99_TARGET_MS = 100.0
P99_MAX_RATIO = 1.5
ROUNDS = 4  # per concurrency level, alternating with the baseline: see bench.rounds
BURST_TARGET_S = 2.0  # the 500-tap burst's last answer after its last ack (Issue 18)


def signed(body: bytes, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded"}


def home_click(user_id: str, command: str = "status") -> bytes:
    payload = {
        "type": "block_actions", "api_app_id": "ABENCH", "token": "legacy-not-used", "trigger_id": "1.2.bench",
        "user": {"id": user_id, "team_id": "TBENCH", "username": user_id},
        "team": {"id": "TBENCH", "domain": "bench"},
        "container": {"type": "view", "view_id": "VBENCH"},
        "view": {"id": "VBENCH", "type": "home", "callback_id": ""},
        "actions": [{"type": "button", "action_id": "cadence_home_0", "block_id": "home",
                     "value": json.dumps({"v": command}, separators=(",", ":")), "action_ts": "1.0"}],
    }
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()


def _maker(users: list[str]):  # noqa: ANN202
    def make(i: int) -> tuple[bytes, dict[str, str]]:
        body = home_click(users[i % len(users)])
        return body, signed(body)

    return make


def _posted(port: int) -> int:
    return int(_stats(port)["posted"])


def _stats(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stats", timeout=5) as r:  # noqa: S310
        return json.loads(r.read())


def _drain(port: int, settle: float = 2.0, limit: float = 60.0) -> int:
    """Wait until the stand-in stops receiving replies (the work after the acks); returns the count."""
    last, stable_since, deadline = -1, time.monotonic(), time.monotonic() + limit
    while time.monotonic() < deadline:
        posted = _stats(port)["posted"]
        if posted != last:
            last, stable_since = posted, time.monotonic()
        elif time.monotonic() - stable_since >= settle:
            break
        time.sleep(0.1)
    return last


def _catch_up(port: int, before: int, expected: int, settle: float = 5.0, limit: float = 300.0) -> tuple[int, float]:
    """After the load: wait for the answers the work after the acks still owes.

    Returns how many arrived (since ``before``) and the seconds from now to the last of them.
    Stops when all ``expected`` are in, when none has come for ``settle`` seconds, or at ``limit``.
    """
    start = time.monotonic()
    count, last_at = _stats(port)["posted"] - before, start
    while count < expected and time.monotonic() - last_at < settle and time.monotonic() - start < limit:
        time.sleep(0.05)
        now_count = _stats(port)["posted"] - before
        if now_count != count:
            count, last_at = now_count, time.monotonic()
    return count, last_at - start


def catch_up_figures(section: str, loads: dict[int, LoadResult], caught: dict[int, Caught],
                     what: str, burst_target: float | None = None) -> list[Figure]:
    """How long the answers took to catch up with the acks, per level, so the ack figures cannot
    hide work that is merely postponed; with ``burst_target``, the busiest level (a burst of 500)
    must catch up within that many seconds."""
    figures = []
    for concurrency, level in caught.items():
        load = loads[concurrency]
        sent = load.ok + load.warmup
        round_acks = load.elapsed / max(level.rounds, 1)
        figures.append(Figure(
            section, f"every answer sent, after the last ack, concurrency {concurrency}", level.slowest, "s",
            round_acks, "one round's acks",
            note=f"{level.answers} of {sent} {what} answered (warm-ups included); in the slowest of {level.rounds} "
                 f"rounds of {level.per_round} the last answer went {level.slowest:.1f} s after the round's last "
                 f"ack; a round's acks took {round_acks:.1f} s"))
        if burst_target is not None and concurrency >= 50:
            figures[-1].target = f"<={burst_target:.0f} s"
            figures[-1].met = level.slowest <= burst_target
    return figures


def run(requests: dict[int, int] | None = None, rounds: int = ROUNDS) -> list[Figure]:
    requests = requests or {1: 300, 50: 2000}
    with tempfile.TemporaryDirectory(prefix="cadence-bench-slack-") as tmp:
        work = Path(tmp)
        db_url, ids = prepare_demo_db(work)
        users_file = work / "users.json"
        users_file.write_text(json.dumps(ids["slack"]))
        users = sorted(ids["slack"])
        api_port = procs.free_port()
        standin = procs.start(procs.python_module("bench.standin_slack", str(api_port), "--users", str(users_file),
                                                  "--per-workspace", "1000000", "--per-channel", "1000000"),
                              api_port, work / "standin.log")
        bare_port, cadence_port = procs.free_port(), procs.free_port()
        bare = procs.start(procs.python_module("bench.bare_slack", str(bare_port), SECRET,
                                                f"http://127.0.0.1:{api_port}/api/"), bare_port,
                           work / "bare.log")
        env = procs.clean_env(CADENCE_DATABASE_URL=db_url, CADENCE_SLACK_BOT_TOKEN=TOKEN,
                              CADENCE_SLACK_SIGNING_SECRET=SECRET,
                              CADENCE_SLACK_API_URL=f"http://127.0.0.1:{api_port}/api/")
        cadence = procs.start(procs.python_module("bot", "serve", "--port", str(cadence_port), "--no-scheduler"),
                              cadence_port, work / "cadence.log", env)
        try:
            procs.wait_healthy(bare)
            procs.wait_healthy(cadence)
            _wait_standin(api_port)
            probe = home_click(users[0])
            status = _post(f"{cadence.url}/slack/events", probe, signed(probe))
            if status == 404:
                return _unmeasured("the Slack handler is not on this tree (/slack/events answers 404: not configured)")
            if status != 200:
                return _unmeasured(f"a signed click answered {status}; see the server log")
            _drain(api_port)  # the probe's own answer, so it is not counted in the first round
            base, ours, caught = compare(f"{bare.url}/slack/events", f"{cadence.url}/slack/events", _maker(users),
                                         requests, rounds, api_port, _posted, _catch_up)
        finally:
            for server in (cadence, bare, standin):
                server.stop()
    return [*_figures(ours, base, "the answers after the acks: see \"every answer sent\"", "bare Bolt"),
            *catch_up_figures(SECTION, ours, caught, "clicks", BURST_TARGET_S)]


def _figures(ours: dict[int, LoadResult], base: dict[int, LoadResult], work_note: str, base_name: str,
             section: str = SECTION) -> list[Figure]:
    figures = []
    for concurrency, r in ours.items():
        b = base[concurrency]
        note = f"{r.summary()}; baseline {b.summary()}"
        p99 = Figure(section, f"p99 latency, concurrency {concurrency}", r.p99_ms, "ms", b.p99_ms, base_name,
                     note=note)
        if concurrency >= 50:
            p99.target = f"<{P99_TARGET_MS:.0f} ms and <={P99_MAX_RATIO}x"
            p99.met = r.p99_ms < P99_TARGET_MS and p99.ratio is not None and p99.ratio <= P99_MAX_RATIO
            p99.note = f"{note}; {work_note}"
        figures += [
            Figure(section, f"p50 latency, concurrency {concurrency}", r.p50_ms, "ms", b.p50_ms, base_name),
            p99,
            Figure(section, f"requests/s, concurrency {concurrency}", r.rps, "req/s", b.rps, base_name),
        ]
    return figures


def _unmeasured(why: str, section: str = SECTION) -> list[Figure]:
    return [not_measured(section, "p99 latency, concurrency 50", "ms", why,
                         f"<{P99_TARGET_MS:.0f} ms and <={P99_MAX_RATIO}x")]


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _wait_standin(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _stats(port)
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("stand-in Slack did not start")
