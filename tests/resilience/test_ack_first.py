"""Acks first: in a burst, Slack and Teams get their acknowledgements before anyone's answer is
worked out, no answer waits for ever, and one person's taps are answered in the order they made them."""

from __future__ import annotations

import asyncio
import contextlib

from bot.handlers.ack_first import AckFirst


async def test_answers_wait_while_acks_are_going_back_then_follow() -> None:
    work = AckFirst(quiet=0.01, max_defer=5.0)
    answered: list[str] = []

    async def answer() -> None:
        answered.append("sam")

    async with work.acking():  # Slack is still waiting for this request's ack
        work.after_ack("sam", answer)
        await asyncio.sleep(0.1)
        assert answered == []
    await work.idle(timeout=2)
    assert answered == ["sam"]


async def test_a_long_burst_cannot_hold_an_answer_back_for_ever() -> None:
    work = AckFirst(quiet=0.01, max_defer=0.2)
    answered = asyncio.Event()

    async def answer() -> None:
        answered.set()

    async with work.acking():  # a burst that never ends
        work.after_ack("sam", answer)
        await asyncio.wait_for(answered.wait(), timeout=3)
        assert answered.is_set() and work.acks_waiting == 1


async def test_one_persons_quick_taps_are_answered_in_order() -> None:
    work = AckFirst(quiet=0.0)
    order: list[int] = []

    def tap(n: int, pause: float):  # noqa: ANN202
        async def answer() -> None:
            await asyncio.sleep(pause)
            order.append(n)

        return answer

    work.after_ack("sam", tap(1, 0.05))  # the first takes longer than the second
    work.after_ack("sam", tap(2, 0.0))
    await work.idle(timeout=2)
    assert order == [1, 2]


async def test_only_a_few_answers_are_worked_on_at_once() -> None:
    work = AckFirst(slots=2, quiet=0.0)
    running, most = 0, 0

    async def answer() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.02)
        running -= 1

    for person in ("sam", "lucy", "mark", "priya", "tom"):
        work.after_ack(person, answer)
    await work.idle(timeout=2)
    assert most == 2


async def test_an_answer_that_fails_is_logged_and_does_not_stop_the_next(caplog) -> None:  # noqa: ANN001
    work = AckFirst(quiet=0.0)
    answered: list[str] = []

    async def broken() -> None:
        raise RuntimeError("our bug")

    async def fine() -> None:
        answered.append("lucy")

    work.after_ack("sam", broken)
    work.after_ack("sam", fine)
    await work.idle(timeout=2)
    assert answered == ["lucy"]
    assert any("work after an ack failed" in r.getMessage() for r in caplog.records)


async def test_full_garbage_collections_wait_for_the_burst_to_end(monkeypatch) -> None:  # noqa: ANN001
    import gc

    from bot.handlers import ack_first

    collected: list[int] = []
    monkeypatch.setattr(ack_first.gc, "collect", lambda *a: collected.append(1) or 0)
    monkeypatch.setattr(ack_first.gc, "get_count", lambda: (0, 0, 10))  # a full collection is due
    usual = gc.get_threshold()
    work = AckFirst()
    collector = asyncio.create_task(ack_first.collect_garbage_between_bursts(work, every=0.01, quiet=0.05))
    try:
        async with work.acking():  # a request waiting for its ack: not now
            await asyncio.sleep(0.1)
            assert collected == []
            assert gc.get_threshold()[2] == ack_first.FULL_COLLECTION_BACKSTOP
        await asyncio.sleep(0.2)  # the burst is over: now
        assert collected
    finally:
        collector.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await collector
    assert gc.get_threshold() == usual


async def test_a_hundred_quick_taps_from_one_person_wait_in_one_queue_and_are_answered_in_order() -> None:
    work = AckFirst(quiet=0.01)
    order: list[int] = []

    def tap(n: int):  # noqa: ANN202
        async def answer() -> None:
            order.append(n)

        return answer

    async with work.acking():  # a burst: every tap is acknowledged, none answered yet
        for n in range(100):
            work.after_ack("sam", tap(n))
        work.after_ack("lucy", tap(1000))
        assert len(work._tasks) == 2  # one worker each for Sam and Lucy, not one per tap
    await work.idle(timeout=2)
    assert [n for n in order if n < 1000] == list(range(100)) and 1000 in order
    assert not work._queues  # nothing is kept for people with nothing waiting


async def test_a_stop_in_the_middle_of_a_queue_leaves_nothing_counted_as_in_flight() -> None:
    work = AckFirst(quiet=0.0)
    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.sleep(10)

    async def never() -> None:
        raise AssertionError("cancelled before its turn")

    work.after_ack("sam", slow)
    work.after_ack("sam", never)
    await asyncio.wait_for(started.wait(), 2)
    for task in list(work._tasks):
        task.cancel()
    await asyncio.sleep(0)
    await work.idle(timeout=1)
    assert not work._queues


async def test_people_tapping_at_a_steady_pace_get_each_answer_right_after_its_ack() -> None:
    """25 taps a second is not a burst: no answer waits for a silence that never comes."""
    work = AckFirst(quiet=0.1, max_defer=5.0)
    events: list[str] = []

    for n in range(10):
        async with work.acking():
            async def answer(n: int = n) -> None:
                events.append(f"answer {n}")

            work.after_ack(f"person{n}", answer)
        events.append(f"ack {n}")
        await asyncio.sleep(0.04)  # the next person's tap, 40 ms later
    await work.idle(timeout=2)
    assert events == [e for n in range(10) for e in (f"ack {n}", f"answer {n}")]


async def test_a_dense_burst_still_holds_the_answers_until_it_ends() -> None:
    work = AckFirst(quiet=0.05, max_defer=5.0, burst=10)
    answered: list[int] = []

    async def answer() -> None:
        answered.append(1)

    for n in range(20):  # twenty requests in a few milliseconds
        async with work.acking():
            work.after_ack(f"person{n}", answer)
    await asyncio.sleep(0)
    assert answered == []  # the acks of a burst go first
    await work.idle(timeout=2)
    assert len(answered) == 20
