"""HR imports a roster CSV that is wrong in any way: every problem is listed with its line number and
what to do, nothing is imported, and the trust already on file is untouched.

Rows are built from the real columns with cells drawn from values HR files really contain (blank,
wrong case, DD/MM dates, 31 February, semicolons, quotes, emoji, formulas) and from arbitrary text.
"""

from __future__ import annotations

import csv
import io

from hypothesis import example, given
from hypothesis import strategies as st

from bot.roster import COLUMNS, RosterError, import_roster_text, parse_roster
from tests.badinput.conftest import BOUNDED, Demo

CELLS = {
    "email": st.sampled_from(["new.person@hillside.example", "SAM.PATEL@hillside.example", "not-an-email", "",
                              "a@b", "x@y.example;z@y.example", "jo.brown@hillside.example"]),
    "organisation_kind": st.sampled_from(["academy", "Academy", "trust", "central", "school", "", "ACADEMY "]),
    "organisation": st.sampled_from(["Co-op Academy Hillside", "Co-op Academy Riverside", "", "Nowhere Academy"]),
    "line_manager_email": st.sampled_from(["priya.shah@hillside.example", "", "ghost@hillside.example",
                                           "priya.shah@hillside.example;mark.lee@hillside.example"]),
    "start_date": st.sampled_from(["2020-09-01", "01/09/2020", "31/02/2020", "yesterday", "", "2020-13-01"]),
    "roles": st.sampled_from(["", "headteacher", "hr_admin;governor", "king", "HR_ADMIN"]),
}
ANY_CELL = st.one_of(st.sampled_from(["", "yes", "no", "Y", "maybe", "=HYPERLINK(\"x\")", "\"", "a,b", "🙂",
                                      "2026-09-01", "support", "agency"]), st.text(max_size=20))


@st.composite
def rosters(draw) -> str:  # noqa: ANN001
    header = list(COLUMNS) if draw(st.booleans()) else draw(st.permutations(COLUMNS))[: draw(st.integers(1, 19))]
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(["Email ", "salary", "nickname"])))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for _ in range(draw(st.integers(0, 4))):
        row = [draw(CELLS.get(col.strip().lower(), ANY_CELL)) for col in header]
        if draw(st.integers(0, 9)) == 0:
            row.append("extra")
        writer.writerow(row)
    text = out.getvalue()
    return text if draw(st.integers(0, 9)) else draw(st.text(max_size=200))


@BOUNDED
@given(text=rosters())
@example(text="email,name,organisation,organisation_kind\r\nsam@x.example,Sam\rPatel,Hillside,academy\n")  # old Mac line end
@example(text='email,name,organisation,organisation_kind\n"sam@x.example,Sam Patel,Hillside,academy\n')  # stray quote
def test_a_bad_roster_lists_every_problem_by_line_and_says_what_to_do(text: str) -> None:
    try:
        rows = parse_roster(text)
    except RosterError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line >= 1 and problem.message.strip()
        return
    assert rows and all(r.email and r.name and r.organisation for r in rows)


@BOUNDED
@given(text=rosters())
def test_a_refused_import_changes_nothing_and_an_accepted_one_loses_no_one(demo: Demo, text: str) -> None:
    before = demo.snapshot()
    emails = {p.email for p in demo.run(demo.app.repos.people.all_people())}
    try:
        demo.run(import_roster_text(demo.app, text))
    except RosterError:
        assert demo.snapshot() == before
        return
    assert emails <= {p.email for p in demo.run(demo.app.repos.people.all_people())}
