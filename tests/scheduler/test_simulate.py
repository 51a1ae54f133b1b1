"""`cadence simulate` over the whole 2026-27 academic year of the demo trust, and `cadence reminders`.

Every reminder kind is printed, each at the date its clause gives (times are 08:00 Europe/London,
the opening of working hours; something due on a weekend goes out on the Monday).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.scheduler.rules import KINDS

runner = CliRunner()


@pytest.fixture
async def with_appeal(demo_app):
    """The demo trust, plus Omar Aziz's written appeal against last year's report (received Thu 19 Nov)."""
    from bot.scheduler.demo_state import add_reminder_scenarios

    await add_reminder_scenarios(demo_app, appeal=True)
    return demo_app


@pytest.fixture
def year_json(with_appeal, db_url) -> list[dict[str, str]]:
    result = runner.invoke(cli, ["simulate", "--from", "2026-09-01", "--to", "2027-08-31", "--json"],
                           env={"CADENCE_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


def sent(lines, kind: str, to: str) -> list[str]:
    """Local 'YYYY-MM-DD HH:MM' of each reminder of ``kind`` to ``to``."""
    return [f"{x['due'][:10]} {x['due'][11:16]}" for x in lines if x["kind"] == kind and x["to"] == to]


def test_the_whole_year_prints_every_kind_as_json_lines(year_json):
    assert all(set(x) == {"kind", "to", "due", "clause", "subject"} for x in year_json)
    assert {x["kind"] for x in year_json} == set(KINDS)
    assert [x["due"] for x in year_json] == sorted(x["due"] for x in year_json)
    assert all("2026-09-01" <= x["due"][:10] <= "2027-08-31" for x in year_json)


def test_sams_planning_meeting_on_tue_1_december(year_json):
    sam, priya, helen = "sam.patel@hillside.example", "priya.shah@hillside.example", "helen.hart@hillside.example"
    # Booked on Sat 21 Nov: the notice waits for Monday's working hours (3.4).
    assert sent(year_json, "meeting_notice", sam) == ["2026-11-23 08:00"]
    assert sent(year_json, "meeting_notice", priya) == ["2026-11-23 08:00"]
    assert sent(year_json, "prep_nudge", sam) == ["2026-11-26 08:00", "2026-11-30 08:00"]  # 3 and 1 working days
    assert sent(year_json, "reviewer_prep", priya) == ["2026-11-27 08:00"]  # 2 working days
    assert sent(year_json, "form_completion", priya) == ["2026-12-02 08:00", "2026-12-08 08:00"]
    assert sent(year_json, "form_completion", helen) == ["2026-12-15 08:00"]  # 10 working days: escalated


def test_cycle_windows_joiner_and_leaver(year_json):
    priya, helen = "priya.shah@hillside.example", "helen.hart@hillside.example"
    mark, ravi = "mark.lee@hillside.example", "ravi.singh@riverside.example"
    midyear_priya = sent(year_json, "midyear_due", priya)
    assert midyear_priya and set(midyear_priya) == {"2027-01-04 08:00"}  # start of the Spring term
    assert "2027-02-15 08:00" in sent(year_json, "midyear_due", helen)  # Spring half term: escalated
    assert "2026-10-23 08:00" in sent(year_json, "annual_review_due", helen)  # Meeting 1 window ends, Chris unbooked
    assert "2027-06-07 08:00" in sent(year_json, "annual_review_due", mark)  # the 2027 window opens
    assert sent(year_json, "new_joiner_planning", priya) == ["2026-11-16 08:00", "2026-12-14 08:00"]  # Dana: 6, 10 weeks
    assert sent(year_json, "new_joiner_planning", helen) == ["2027-01-05 08:00"]  # 3 months: escalated
    assert sent(year_json, "leaver_review", ravi) == ["2027-01-11 08:00"]  # 15 working days before 1 Feb


def test_disagreement_appeal_plans_and_records(year_json):
    helen, ravi, rita = "helen.hart@hillside.example", "ravi.singh@riverside.example", "rita.cole@riverside.example"
    assert sent(year_json, "informal_resolution", "jo.brown@hillside.example") == ["2026-10-01 08:00"]
    # Omar has appealed in writing since (9.2): the 9.1 step is done, so its nudge is no longer planned
    assert sent(year_json, "informal_resolution", "omar.aziz@riverside.example") == []
    # Omar's written appeal arrived Thu 19 Nov: hearing by Thu 10 Dec (15 working days); reminders
    # 5 and 2 working days before; the chair hears of it the working day after.
    assert sent(year_json, "appeal_hearing_deadline", ravi) == ["2026-11-19 08:00", "2026-12-03 08:00",
                                                                "2026-12-08 08:00"]
    assert sent(year_json, "appeal_hearing_deadline", rita) == ["2026-12-11 08:00"]
    assert sent(year_json, "support_plan_review", "lucy.moss@riverside.example") == ["2027-01-18 08:00",
                                                                                     "2027-03-08 08:00"]
    assert sent(year_json, "retention_expiry", "harriet.ward@central.example") == ["2027-08-02 08:00"]
    assert sent(year_json, "moderation_sample", "ravi.singh@riverside.example") == ["2026-10-26 08:00"]
    assert sent(year_json, "governors_report_due", helen) == ["2027-04-12 08:00"]
    assert sent(year_json, "policy_review_due", "sarah.moore@trust.example") == [
        "2026-09-03 08:00", "2027-01-04 08:00", "2027-04-12 08:00"]
    checkins = sent(year_json, "one_to_one_checkin", "priya.shah@hillside.example")
    assert 20 <= len(checkins) <= 27  # fortnightly for a leadership role (3.3)
    assert not sent(year_json, "one_to_one_checkin", "sam.patel@hillside.example")  # opt-in for others


def test_simulate_prints_a_table_and_writes_nothing(demo_app, db_url):
    result = runner.invoke(cli, ["simulate", "--from", "2026-11-23", "--to", "2026-11-30"],
                           env={"CADENCE_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    assert "prep_nudge" in result.output and "reminder(s)." in result.output
    listed = runner.invoke(cli, ["reminders", "--json"], env={"CADENCE_DATABASE_URL": db_url})
    assert listed.exit_code == 0 and listed.output.strip() == ""


def test_bad_dates_get_a_clear_message(demo_app, db_url):
    bad = runner.invoke(cli, ["simulate", "--from", "2026-13-01", "--to", "2027-08-31"],
                        env={"CADENCE_DATABASE_URL": db_url})
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    backwards = runner.invoke(cli, ["simulate", "--from", "2027-08-31", "--to", "2026-09-01"],
                              env={"CADENCE_DATABASE_URL": db_url})
    assert backwards.exit_code == 2 and "swap them" in backwards.output


async def test_reminders_lists_what_the_planner_queued(demo_app):
    from bot.cli.reminders import pending_lines
    from bot.scheduler.planner import Planner

    await Planner(demo_app).run()
    lines = await pending_lines(demo_app, 1000)
    assert any(x.kind == "prep_nudge" and x.to == "sam.patel@hillside.example" for x in lines)
    assert json.loads(lines[0].as_json()).keys() == {"kind", "to", "due", "clause", "subject"}


def test_a_weekend_booking_before_the_span_is_shown_when_it_goes_out(with_appeal, db_url):
    # Sam's meeting was booked on Sat 21 Nov; the notice goes out on Mon 23 Nov at 08:00.
    result = runner.invoke(cli, ["simulate", "--from", "2026-11-23", "--to", "2026-11-23", "--json"],
                           env={"CADENCE_DATABASE_URL": db_url})
    lines = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert sent(lines, "meeting_notice", "sam.patel@hillside.example") == ["2026-11-23 08:00"]
    assert all(x["due"][:10] == "2026-11-23" for x in lines)
