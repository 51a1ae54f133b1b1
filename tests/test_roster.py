"""HR imports the roster: every bad row is reported with its line number and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.roster import RosterError, import_roster_text, parse_roster

EXAMPLE = (Path(__file__).resolve().parents[1] / "examples" / "roster.csv").read_text()
HEADER = EXAMPLE.splitlines()[0]


def roster(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


GOOD_HEAD = "head@a.example,Hana Head,Headteacher,Academy A,academy,,,2015-09-01,,support,no,no,no,yes,headteacher,,,,"
GOOD_TA = "ta@a.example,Tia Assistant,Teaching Assistant,Academy A,academy,head@a.example,,2020-09-01,,support,no,no,no,no,,,,,"


async def test_the_sample_roster_imports_and_enrols_only_eligible_colleagues(app: App) -> None:
    result = await import_roster_text(app, EXAMPLE)
    assert result.created == 23 and result.updated == 0
    evan = await app.repos.people.person_by_email("evan.black@hillside.example")  # agency (1.2)
    fran = await app.repos.people.person_by_email("fran.gray@hillside.example")  # induction (1.1)
    kay = await app.repos.people.person_by_email("kay.dale@central.example")  # capability (1.1)
    sam = await app.repos.people.person_by_email("sam.patel@hillside.example")
    for excluded in (evan, fran, kay):
        assert await app.repos.reviews.current_review(excluded.id) is None
    review = await app.repos.reviews.current_review(sam.id)
    priya = await app.repos.people.person_by_email("priya.shah@hillside.example")
    assert review is not None and review.reviewer_id == priya.id


async def test_reimporting_the_same_file_changes_nothing(app: App) -> None:
    await import_roster_text(app, EXAMPLE)
    again = await import_roster_text(app, EXAMPLE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 23)


async def test_an_edited_file_updates_people_in_place(app: App) -> None:
    await import_roster_text(app, EXAMPLE)
    edited = EXAMPLE.replace("Sam Patel,Teaching Assistant,", "Sam Patel,Higher Level Teaching Assistant,")
    result = await import_roster_text(app, edited)
    assert (result.created, result.updated) == (0, 1)
    sam = await app.repos.people.person_by_email("sam.patel@hillside.example")
    assert sam.job_title == "Higher Level Teaching Assistant"


async def test_jo_has_two_line_managers_with_priya_as_lead(app: App) -> None:
    await import_roster_text(app, EXAMPLE)
    jo = await app.repos.people.person_by_email("jo.brown@hillside.example")
    ctx = await app.repos.people.context(jo.id)
    priya = await app.repos.people.person_by_email("priya.shah@hillside.example")
    assert len(ctx.manager_ids) == 2 and ctx.lead_manager_id == priya.id


def test_every_bad_row_is_listed_with_its_line_and_reason() -> None:
    bad = roster(
        GOOD_HEAD,
        "ta@a.example,Tia,TA,Academy A,academy,nobody@a.example,,2020-09-01,,support,no,no,no,no,,,,,",
        "ta@a.example,Tia again,TA,Academy A,academy,head@a.example,,01-09-2020,,support,no,no,no,no,,,,,",
        "x@a.example,Xan,TA,Academy A,school,head@a.example,,2020-09-01,,contractor,maybe,no,no,no,janitor,,,,",
    )
    with pytest.raises(RosterError) as caught:
        parse_roster(bad)
    messages = [(p.line, p.message) for p in caught.value.problems]
    text = "\n".join(f"{line}: {m}" for line, m in messages)
    assert "3: line manager nobody@a.example isn't in this file" in text
    assert "4: ta@a.example appears twice (first on line 3)" in text
    assert "4: start_date “01-09-2020” isn't a date" in text
    assert "5: organisation_kind “school” must be trust, academy or central" in text
    assert "5: employment_type “contractor”" in text and "5: extended_agency is “maybe”" in text
    assert "5: role “janitor” is unknown" in text


def test_a_reporting_line_that_loops_is_refused() -> None:
    looped = roster(
        "a@a.example,Ann,Manager,Academy A,academy,b@a.example,,2020-09-01,,support,no,no,no,no,,,,,",
        "b@a.example,Ben,Manager,Academy A,academy,a@a.example,,2020-09-01,,support,no,no,no,no,,,,,",
    )
    with pytest.raises(RosterError) as caught:
        parse_roster(looped)
    assert any("loops" in p.message for p in caught.value.problems)


def test_import_roster_command_refuses_a_bad_file_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    from bot.cli import app as cli

    monkeypatch.setenv("CADENCE_DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(roster(GOOD_HEAD, GOOD_TA.replace("2020-09-01", "someday")))
    result = CliRunner().invoke(cli, ["import-roster", str(bad)])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output and "line 3" in result.output

    good = tmp_path / "good.csv"
    good.write_text(roster(GOOD_HEAD, GOOD_TA))
    result = CliRunner().invoke(cli, ["import-roster", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output


def test_a_date_in_a_platform_id_column_is_caught_before_anything_is_written() -> None:
    shifted = roster(GOOD_HEAD, GOOD_TA.replace("no,,,,,", "no,,,2027-03-31,,"))  # a last day one column early
    with pytest.raises(RosterError) as caught:
        parse_roster(shifted)
    assert any("teams_user_id “2027-03-31” should be the person's Microsoft Entra object ID" in p.message
               for p in caught.value.problems)


def test_real_looking_platform_ids_are_accepted() -> None:
    row = GOOD_TA.replace("no,,,,,", "no,,U024BE7LH,3f2504e0-4f89-11d3-9a0c-0305e82c3301,,")
    [_, ta] = parse_roster(roster(GOOD_HEAD, row))
    assert (ta.slack_user_id, ta.teams_user_id) == ("U024BE7LH", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")


async def test_the_sample_puts_nina_on_leave_and_omar_leaving(app: App) -> None:
    await import_roster_text(app, EXAMPLE)
    nina = await app.repos.people.person_by_email("nina.ross@riverside.example")
    omar = await app.repos.people.person_by_email("omar.aziz@riverside.example")
    assert (str(nina.leave_start), nina.last_day, nina.teams_user_id) == ("2027-02-01", None, None)
    assert (str(omar.last_day), omar.teams_user_id) == ("2027-03-31", None)
