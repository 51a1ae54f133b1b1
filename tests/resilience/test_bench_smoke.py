"""The benchmark harness itself, at tiny sizes, in seconds: the same code ``make bench`` runs."""

from __future__ import annotations

import time
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from bench import __main__ as bench_main
from bench.bare_slack import build as bare_slack
from bench.delivery import paced_client
from bench.generate import generate_trust, pending_reminders
from bench.load import drive
from bench.report import Figure, Results, markdown, text_table
from bench.slack_path import SECRET, _maker
from bench.standin_slack import SlackStandIn, start_standin
from bot.app import App
from store.models import Reminder


def test_a_figure_is_a_ratio_against_its_baseline_and_the_table_names_the_machine() -> None:
    results = Results()
    results.add(Figure("1", "p99", 120.0, "ms", 80.0, "bare", target="<100 ms", met=False, note="slow: why"),
                Figure("2", "skipped", None, "ms", note="not measured: because"))
    assert results.figures[0].ratio == 1.5
    table = text_table(results)
    assert "1.50x" in table and "NO" in table and "n/m" in table
    md = markdown(results)
    assert "nproc" in md and "Python" in md and "## Targets missed" in md and "slow: why" in md


async def test_the_generator_writes_a_trust_and_an_outbox_in_bulk(app: App) -> None:
    made = await generate_trust(app, 120)
    assert made["people"] == 120 and made["reviews"] == 120 - made["academies"]
    assert await pending_reminders(app, 500) == 500
    due = [r for r in await app.repos.outbox.reminders(limit=1000) if r.due_at <= app.clock.now()]
    assert 0 < len(due) < 500 and all(isinstance(r, Reminder) for r in due)


async def test_the_stand_in_slack_enforces_both_limits_with_retry_after() -> None:
    standin = SlackStandIn()
    runner, api = await start_standin(standin)
    try:
        async with aiohttp.ClientSession() as session:
            async def post(channel: str) -> aiohttp.ClientResponse:
                async with session.post(api + "chat.postMessage", json={"channel": channel, "text": "hi"}) as r:
                    await r.read()
                    return r

            assert (await post("D1")).status == 200
            second = await post("D1")
            assert second.status == 429 and int(second.headers["Retry-After"]) >= 1
            statuses = [(await post(f"D{i}")).status for i in range(2, 60)]
            assert statuses.count(200) == 49 and statuses[-1] == 429  # 50 a second in the workspace
    finally:
        await runner.cleanup()


async def test_the_paced_baseline_client_delivers_everything_without_going_over_the_limit() -> None:
    """How close it gets to the limit is the benchmark's to measure (this machine may be busy)."""
    standin = SlackStandIn()
    runner, api = await start_standin(standin)
    try:
        t0 = time.monotonic()
        await paced_client(api, [(f"D{i}", f"m{i}") for i in range(60)], 50)
        rate = len(standin.posted) / (max(t for _, _, t in standin.posted) - t0)
        assert len(standin.posted) == 60 and standin.answered_429 <= 2 and rate <= 52
    finally:
        await runner.cleanup()


async def test_the_load_generator_measures_a_bare_bolt_app_with_signed_clicks() -> None:
    standin = SlackStandIn()
    runner, api = await start_standin(standin)
    server = TestServer(bare_slack(SECRET, api), host="127.0.0.1")
    await server.start_server()
    try:
        result = await drive(f"http://127.0.0.1:{server.port}/slack/events", _maker(["U1", "U2"]), 30, 5, warmup=2)
        assert result.statuses[200] == 30 and result.errors == 0
        assert 0 < result.p50_ms <= result.p99_ms and result.rps > 0
    finally:
        await server.close()
        await runner.cleanup()


def test_make_bench_runs_end_to_end_and_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    assert bench_main.main(["--quick", "--only", "planning", "--max-colleagues", "100", "--out", str(out)]) == 0
    text = out.read_text()
    assert "| 3 planning at scale |" in text and "machine: nproc" in text


def test_the_slack_and_teams_paths_are_measured_with_every_answer_counted() -> None:
    from bench import slack_path, teams_path

    for run in (slack_path.run, teams_path.run):
        figures = {f.name: f for f in run({1: 5, 5: 20}, rounds=2)}
        assert figures["p99 latency, concurrency 5"].value is not None, figures
        caught = figures["every answer sent, after the last ack, concurrency 5"]
        answered, sent = caught.note.split(" ")[0:3:2]
        # two rounds of 10, each after a warm-up of 20: every one of the 60 is answered
        assert caught.value is not None and answered == sent == "60", caught.note


def test_tap_to_answer_times_each_tap_to_its_answer_against_a_bare_bolt_app_with_a_lazy_listener() -> None:
    from bench import tap

    figures = {f.name: f for f in tap.run(rate=10, seconds=2, people=26, probe_people=2)}
    head = figures["p99 tap to answer"]
    assert head.value is not None and head.baseline is not None, head.note
    assert "answered" in head.note and head.target
    costs = [f for name, f in figures.items() if name.startswith("CPU per answer, ")]
    assert {f.name.removeprefix("CPU per answer, ") for f in costs} >= {"status", "check-in button", "typed answer"}
    assert all("queries per answer" in f.note for f in costs)


def test_an_answer_is_matched_to_the_tap_before_it_and_never_to_an_earlier_one() -> None:
    from bench.tap import Tap, match

    taps = [Tap("U1", "status", 1.0), Tap("U1", "button", 5.0), Tap("U2", "text", 2.0)]
    match(taps, [("U1", "chat.postMessage", 1.2), ("U1", "chat.update", 1.3), ("U2", "chat.postMessage", 9.0)])
    assert [t.answered for t in taps] == [1.2, None, 9.0]
