"""Progress that only moves forward and means something to the person: “question 4 of 23” in the
preparation (as status counts them), “objective 2 of 3, success criteria” while setting objectives,
and never a count that jumps about as conditional steps come and go."""

from __future__ import annotations

import re

from bot.app import App
from tests.dialogs.review.conftest import PRIYA, SAM, Say, held_meeting, text_of

QUESTION = re.compile(r"question (\d+) of (\d+)")
OBJECTIVE = re.compile(r"objective (\d+) of (\d+), ([a-zA-Z ?]+)")
PARTS = ["the objective", "success criteria", "completion date", "SMART check", "support needed", "kind",
         "milestones", "agreement", "another?"]


def objective_place(text: str) -> tuple[int, int]:
    found = OBJECTIVE.search(text)
    assert found, text
    return int(found.group(1)), PARTS.index(found.group(3).strip())


async def test_sams_preparation_counts_the_23_questions_status_talks_about(say: Say) -> None:
    seen = []
    replies = await say(SAM, "prep")
    for answer in ("one", "skip", "three"):
        found = QUESTION.search(text_of(replies))
        assert found, text_of(replies)
        seen.append((int(found.group(1)), int(found.group(2))))
        replies = await say(SAM, answer)
    assert seen == [(1, 23), (2, 23), (3, 23)]
    status = text_of(await say(SAM, "status"))  # answered at once, then back to question 4
    assert "2 of 23 questions answered" in status and "question 4 of 23" in status


async def test_priya_records_a_smart_objective_and_the_place_only_moves_forward(demo_app: App, say: Say) -> None:
    await held_meeting(demo_app, SAM)  # objectives follow the planning meeting (lifecycle)
    seen = [objective_place(text_of(await say(PRIYA, "objectives sam")))]
    for answer in ("Run the Year 3 reading group four mornings a week",
                   "8 of the 10 pupils improve their reading age by 6 months", "17/07/2027",
                   "skip", "skip", "skip", "agreed", "yes"):
        seen.append(objective_place(text_of(await say(PRIYA, answer))))
    assert seen == sorted(seen), seen  # never backwards
    assert seen[0] == (1, 0) and seen[1] == (1, 1) and seen[-1] == (2, 0), seen


async def test_a_vague_objective_adds_its_smart_check_in_place(demo_app: App, say: Say) -> None:
    await held_meeting(demo_app, SAM)
    await say(PRIYA, "objectives sam")
    await say(PRIYA, "Be better")
    await say(PRIYA, "Better")
    smart = text_of(await say(PRIYA, "17/07/2027"))
    assert "SMART check for objective 1" in smart and "objective 1 of 3, SMART check" in smart
