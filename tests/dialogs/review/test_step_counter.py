"""The “(3/15)” counter counts only the steps that apply to this run: the numbers go 1, 2, 3 without
gaps, and a question that turns out not to apply (the SMART check of a good objective, Policy 6.2)
never made the total look longer than it is."""

from __future__ import annotations

import re

from bot.app import App
from tests.dialogs.review.conftest import PRIYA, SAM, Say, held_meeting, text_of

COUNTER = re.compile(r"\((\d+)/(\d+)\)")


def counter(text: str) -> tuple[int, int]:
    found = COUNTER.search(text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


async def test_priya_records_a_smart_objective_and_the_count_never_jumps(demo_app: App, say: Say) -> None:
    await held_meeting(demo_app, SAM)
    seen = [counter(text_of(await say(PRIYA, "objectives sam")))]
    for answer in ("Run the Year 3 reading group four mornings a week",
                   "8 of the 10 pupils improve their reading age by 6 months", "17/07/2027",
                   "skip", "skip", "skip"):
        seen.append(counter(text_of(await say(PRIYA, answer))))
    assert [p for p, _ in seen] == list(range(1, 8)), seen  # 1, 2, 3 ... 7 without gaps
    assert len({t for _, t in seen}) == 1, seen  # the SMART check never applied, so it was never counted


async def test_a_vague_objective_adds_its_smart_check_when_it_applies(demo_app: App, say: Say) -> None:
    await held_meeting(demo_app, SAM)
    first = counter(text_of(await say(PRIYA, "objectives sam")))
    await say(PRIYA, "Be better")
    await say(PRIYA, "skip")  # criteria are needed, so it asks again
    criteria = counter(text_of(await say(PRIYA, "Better")))
    smart = text_of(await say(PRIYA, "17/07/2027"))
    assert "SMART check for objective 1" in smart
    # the check is step 4, counted from the moment it applies: one more than first promised
    assert counter(smart) == (4, first[1] + 1) and criteria == (3, first[1])
