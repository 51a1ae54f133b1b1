"""6. Tap to answer: what a person waits for, from their tap to the next question arriving.

A paced load, not a closed loop: 25 taps a second for 60 s from 300 people (the demo trust and a
generated one beside it, every person linked to a Slack id), each person tapping every 12 s
through a script of what people do: ``status``, start a check-in, press the check-in's answer
buttons, type an answer, start preparation, type answers (SCRIPT). Each tap is a signed
block_actions or a signed message event, sent on time whatever the server is doing; it is timed
from the request leaving to the stand-in Slack receiving the answer to that person
(chat.postMessage or chat.update, the stand-in's clock and ours both this machine's monotonic
clock). The decision what to tap next reads the person's latest message from the stand-in, as a
person reads their screen.

Baseline: bench/bare_slack_tap.py, a bare slack-bolt app whose lazy listener answers each tap with
one primary-key read from the same database and one chat.postMessage, under the same load and
script (it shows no buttons, so its "button" taps are typed answers). Cadence runs as ``cadence
serve --no-scheduler`` (bench/tap_server.py: the same composition plus a query counter). The two
take turns in halves, baseline-ours-ours-baseline (bench/rounds.py explains why).

Then, per kind of answer, 40 people tap that kind one after another and the server's CPU time
(/proc/PID/stat) and queries (/_bench/queries) over those 40 answers are divided by 40: CPU ms and
queries per answer, the ack included.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench import procs
from bench.load import client_heap_frozen
from bench.report import Figure, not_measured
from bench.slack_path import SECRET, TOKEN, home_click, signed

SECTION = "6 tap to answer"
RATE = 25.0  # taps a second
SECONDS = 60.0
PEOPLE = 300
P99_TARGET_MS = 250.0
P99_MAX_RATIO = 2.0
PROBE = 40  # people per kind in the CPU and query probe
SCRIPT = ("status", "checkin", "button", "button", "text", "prep", "text", "text")
ANSWER = "Going well, thanks: the new reading scheme is working."


@dataclass
class Tap:
    user: str
    kind: str  # status | start | button | text
    sent: float
    acked: float | None = None
    status: int | None = None
    answered: float | None = None

    @property
    def wait(self) -> float | None:
        return None if self.answered is None else self.answered - self.sent


# --- the trust ------------------------------------------------------------------------------


async def _prepare(db_url: str, people: int) -> list[str]:
    from bench.generate import generate_trust
    from bot.app import build_app
    from bot.demo import seed_demo
    from bot.settings import Settings

    app = build_app(Settings(_env_file=None, database_url=db_url))  # type: ignore[call-arg]
    try:
        await app.ensure_schema()
        await seed_demo(app)
        have = len(await app.repos.people.all_people())
        if people > have:
            await generate_trust(app, people - have)
        users = {}
        for n, person in enumerate(await app.repos.people.all_people(), start=1):
            user = f"UT{n:05d}"
            await app.repos.people.link_platform_id(person.id, "slack", user)  # type: ignore[arg-type]
            users[user] = person.email
        return list(users.items())  # type: ignore[return-value]
    finally:
        await app.close()


# --- taps ------------------------------------------------------------------------------------


def message_event(user: str, text: str, n: int) -> bytes:
    return json.dumps({
        "token": "legacy-not-used", "team_id": "TBENCH", "api_app_id": "ABENCH", "type": "event_callback",
        "event_id": f"EvTAP{n:08d}{user}", "event_time": int(time.time()),
        "event": {"type": "message", "channel_type": "im", "user": user, "text": text, "team": "TBENCH",
                  "channel": f"D{user}", "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}"},
    }, separators=(",", ":")).encode()


def choice_click(user: str, button: dict[str, Any], block_id: str, last: dict[str, Any]) -> bytes:
    from urllib.parse import urlencode

    payload = {
        "type": "block_actions", "api_app_id": "ABENCH", "token": "legacy-not-used", "trigger_id": "1.2.tap",
        "user": {"id": user, "team_id": "TBENCH", "username": user}, "team": {"id": "TBENCH", "domain": "bench"},
        "container": {"type": "message", "message_ts": last.get("ts", ""), "channel_id": last.get("channel", ""),
                      "is_ephemeral": False},
        "channel": {"id": last.get("channel", "")},
        "message": {"ts": last.get("ts", ""), "text": "", "blocks": last.get("blocks", [])},
        "actions": [{"type": "button", "action_id": button["action_id"], "block_id": block_id,
                     "value": button.get("value", ""), "text": button.get("text", {}), "action_ts": "1.0"}],
    }
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()


def first_choice(blocks: list[dict[str, Any]]) -> tuple[dict[str, Any], str] | None:
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("type") == "button" and str(element.get("action_id", "")).startswith("cadence_choice"):
                return element, str(block.get("block_id", ""))
    return None


class Client:
    """Each person's place in SCRIPT, and the signed request for their next tap."""

    def __init__(self, standin: str) -> None:
        self.standin = standin
        self.position: Counter[str] = Counter()
        self.sent = 0

    async def request(self, session: aiohttp.ClientSession, user: str, step: str | None = None
                      ) -> tuple[str, bytes, dict[str, str]]:
        if step is None:
            step = SCRIPT[self.position[user] % len(SCRIPT)]
            self.position[user] += 1
        self.sent += 1
        if step in ("status", "checkin", "prep"):
            body = home_click(user, step)
            return ("status" if step == "status" else "start"), body, signed(body)
        if step == "button":
            async with session.get(f"{self.standin}/_last", params={"user": user}) as response:
                last = await response.json()
            found = first_choice(last.get("blocks") or [])
            if found:
                body = choice_click(user, found[0], found[1], last)
                return "button", body, signed(body)
        body = message_event(user, ANSWER if step != "button" else "3", self.sent)
        return "text", body, {**signed(body), "Content-Type": "application/json"}

    async def tap(self, session: aiohttp.ClientSession, url: str, user: str, step: str | None = None) -> Tap:
        kind, body, headers = await self.request(session, user, step)
        tap = Tap(user, kind, time.monotonic())
        try:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                tap.status = response.status
        except (aiohttp.ClientError, TimeoutError):
            return tap
        tap.acked = time.monotonic()
        return tap


async def paced(url: str, standin: str, client: Client, users: list[str], rate: float, seconds: float) -> list[Tap]:
    """Send ``rate`` taps a second for ``seconds``, each on time (an open loop), people in turn."""
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        with client_heap_frozen():
            start, pending = time.monotonic(), []
            for i in range(int(rate * seconds)):
                delay = start + i / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                pending.append(asyncio.create_task(client.tap(session, url, users[i % len(users)])))
            return list(await asyncio.gather(*pending))


# --- answers ---------------------------------------------------------------------------------


def _get(url: str) -> Any:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
        return json.loads(response.read())


def answers_since(standin: str, since: int) -> list[tuple[str, str, float]]:
    return [tuple(a) for a in _get(f"{standin}/_answers?since={since}")["answers"]]  # type: ignore[misc]


def settle(standin: str, expected: int, since: int, quiet: float = 2.0, limit: float = 60.0) -> None:
    """Wait until ``expected`` answers came after ``since``, or none came for ``quiet`` seconds."""
    start, last, last_at = time.monotonic(), -1, time.monotonic()
    while time.monotonic() - start < limit:
        count = _get(f"{standin}/_answers?since={since}")["next"] - since
        if count >= expected:
            return
        if count != last:
            last, last_at = count, time.monotonic()
        elif time.monotonic() - last_at >= quiet:
            return
        time.sleep(0.1)


def match(taps: list[Tap], answers: list[tuple[str, str, float]]) -> None:
    """Each tap's answer: the person's first answer after it, before their next tap."""
    by_user: dict[str, list[float]] = defaultdict(list)
    for user, _, at in answers:
        by_user[user].append(at)
    mine: dict[str, list[Tap]] = defaultdict(list)
    for tap in taps:
        mine[tap.user].append(tap)
    for user, theirs in mine.items():
        theirs.sort(key=lambda t: t.sent)
        times = sorted(by_user.get(user, []))
        for i, tap in enumerate(theirs):
            until = theirs[i + 1].sent if i + 1 < len(theirs) else float("inf")
            tap.answered = next((t for t in times if tap.sent <= t < until), None)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# --- CPU and queries per answer kind ---------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def probe(server: procs.Server, url: str, standin: str, users: list[str], queries: bool) -> dict[str, tuple]:
    """Per kind: (CPU ms, queries) per answer over ``len(users)`` taps of it, one after another."""
    client = Client(standin)
    out: dict[str, tuple] = {}
    async with aiohttp.ClientSession() as session:
        for label, step in (("status", "status"), ("start a check-in", "checkin"), ("check-in button", "button"),
                            ("typed answer", "text"), ("start preparation", "prep"), ("preparation answer", "text")):
            since = _get(f"{standin}/_answers?since=0")["next"]
            cpu0 = cpu_seconds(server.proc.pid)
            q0 = _get(f"{url}/_bench/queries")["queries"] if queries else 0
            kinds = Counter()
            for user in users:
                kinds[(await client.tap(session, f"{url}/slack/events", user, step)).kind] += 1
            await asyncio.to_thread(settle, standin, len(users), since)
            cpu = (cpu_seconds(server.proc.pid) - cpu0) * 1000 / len(users)
            q = ((_get(f"{url}/_bench/queries")["queries"] - q0) / len(users)) if queries else None
            out[label] = (cpu, q, kinds.most_common(1)[0][0])
    return out


# --- the section -----------------------------------------------------------------------------


def run(rate: float = RATE, seconds: float = SECONDS, people: int = PEOPLE, probe_people: int = PROBE) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="cadence-bench-tap-") as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'tap.db'}"
        users_emails = asyncio.run(_prepare(db_url, people))
        users = [u for u, _ in users_emails]
        (work / "users.json").write_text(json.dumps(dict(users_emails)))
        api_port, bare_port, cadence_port = procs.free_port(), procs.free_port(), procs.free_port()
        standin_url = f"http://127.0.0.1:{api_port}"
        standin = procs.start(procs.python_module("bench.standin_slack", str(api_port), "--users",
                                                  str(work / "users.json"), "--per-workspace", "1000000",
                                                  "--per-channel", "1000000"), api_port, work / "standin.log")
        bare = procs.start(procs.python_module("bench.bare_slack_tap", str(bare_port), SECRET, f"{standin_url}/api/",
                                               str(work / "tap.db")), bare_port, work / "bare.log")
        env = procs.clean_env(CADENCE_DATABASE_URL=db_url, CADENCE_SLACK_BOT_TOKEN=TOKEN,
                              CADENCE_SLACK_SIGNING_SECRET=SECRET, CADENCE_SLACK_API_URL=f"{standin_url}/api/")
        cadence = procs.start(procs.python_module("bench.tap_server", str(cadence_port)), cadence_port,
                              work / "cadence.log", env)
        try:
            procs.wait_healthy(bare)
            procs.wait_healthy(cadence)
            taps: dict[str, list[Tap]] = {"base": [], "ours": []}
            clients = {"base": Client(standin_url), "ours": Client(standin_url)}
            servers = {"base": bare, "ours": cadence}
            for which in ("base", "ours", "ours", "base"):  # halves, ABBA (bench/rounds.py)
                since = _get(f"{standin_url}/_answers?since=0")["next"]
                got = asyncio.run(paced(f"{servers[which].url}/slack/events", standin_url, clients[which], users,
                                        rate, seconds / 2))
                settle(standin_url, len(got), since)
                match(got, answers_since(standin_url, since))
                taps[which] += got
            probe_users = users[:probe_people]
            costs = {"ours": asyncio.run(probe(cadence, cadence.url, standin_url, probe_users, True)),
                     "base": asyncio.run(probe(bare, bare.url, standin_url, probe_users, False))}
        finally:
            for server in (cadence, bare, standin):
                server.stop()
    return figures(taps, costs, rate, seconds, people)


def figures(taps: dict[str, list[Tap]], costs: dict[str, dict[str, tuple]], rate: float, seconds: float,
            people: int) -> list[Figure]:
    ours, base = taps["ours"], taps["base"]
    waits = [t.wait * 1000 for t in ours if t.wait is not None]
    base_waits = [t.wait * 1000 for t in base if t.wait is not None]
    if not waits or not base_waits:
        return [not_measured(SECTION, "p99 tap to answer", "ms", f"no answers matched (ours {len(waits)}, "
                             f"baseline {len(base_waits)}); see the server logs", f"<{P99_TARGET_MS:.0f} ms")]
    kinds = Counter(t.kind for t in ours)
    note = (f"{rate:.0f} taps/s for {seconds:.0f} s from {people} people, halves ABBA; answered {len(waits)} of "
            f"{len(ours)} taps ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}), the baseline "
            f"{len(base_waits)} of {len(base)}; acks not 200: {sum(1 for t in ours if t.status != 200)}")
    p99, bp99 = percentile(waits, 99), percentile(base_waits, 99)
    head = Figure(SECTION, "p99 tap to answer", p99, "ms", bp99, "bare Bolt, lazy listener",
                  target=f"<{P99_TARGET_MS:.0f} ms and <={P99_MAX_RATIO:.0f}x", note=note)
    head.met = p99 < P99_TARGET_MS and p99 / bp99 <= P99_MAX_RATIO
    out = [Figure(SECTION, "p50 tap to answer", percentile(waits, 50), "ms", percentile(base_waits, 50),
                  "bare Bolt, lazy listener"), head]
    for kind in sorted(kinds):
        theirs = [t.wait * 1000 for t in ours if t.kind == kind and t.wait is not None]
        if theirs:
            out.append(Figure(SECTION, f"p99 tap to answer, {kind}", percentile(theirs, 99), "ms", bp99,
                              "bare Bolt p99 (all taps)"))
    base_cpu = statistics.median(c[0] for c in costs["base"].values())
    for label, (cpu, queries, kind) in costs["ours"].items():
        out.append(Figure(SECTION, f"CPU per answer, {label}", cpu, "ms", base_cpu, "bare Bolt (median kind)",
                          note=f"{queries:.1f} queries per answer (the ack included); the tap went as {kind}"
                          if queries is not None else ""))
    return out
