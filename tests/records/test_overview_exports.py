"""HR takes the overview into a spreadsheet (--csv, --xlsx) or a script (--json, one object a line), and
no cell of it ever shows that a colleague has a support plan or an appeal (progress only, Policy 10.1)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from bot.documents.overview import COLUMNS, overview_rows
from store.models import Reminder
from tests.records.builders import EMAILS

HELEN, ORG = EMAILS["helen"], "Co-op Academy Hillside"



def test_json_is_one_object_a_line_and_csv_and_xlsx_hold_the_same_rows(terminal, tmp_path):
    result = terminal("overview", "--org", ORG, "--as", HELEN, "--json")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    objects = [json.loads(line) for line in lines]  # every line is a whole object
    assert len(objects) == len(lines) > 3 and {"name", "stage_label", "next_deadline", "overdue"} <= set(objects[0])
    names = [o["name"] for o in objects]
    assert "Sam Patel" in names

    result = terminal("overview", "--org", ORG, "--as", HELEN, "--csv")
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(table[0]) == COLUMNS and [r[0] for r in table[1:]] == names

    result = terminal("overview", "--org", ORG, "--as", HELEN, "--xlsx", "-o", "overview.xlsx")
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "overview.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and [r[0] for r in rows[1:]] == names
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    sam = next(r for r in rows if r[0] == "Sam Patel")
    sam_json = next(o for o in objects if o["name"] == "Sam Patel")
    assert (sam[3].date() if sam[3] else None) == (date.fromisoformat(sam_json["next_deadline"])
                                                   if sam_json["next_deadline"] else None)
    assert terminal("overview", "--org", ORG, "--as", HELEN, "--xlsx").exit_code == 1  # a workbook needs -o
    assert terminal("overview", "--org", ORG, "--as", EMAILS["priya"], "--csv").exit_code == 1  # refused


async def test_a_plans_review_date_never_shows_as_anyones_next_deadline(trust):
    """Jo has a support plan whose review is due tomorrow, sooner than anything else of hers."""
    repos = trust.app.repos
    sam_review = trust.reviews["sam"]
    for kind, subject in (("support_plan_review", "Review of Sam's support plan"),
                          ("appeal_hearing_deadline", "Hear Sam's appeal"),
                          ("one_to_one_checkin", "Check in with Sam")):
        await repos.outbox.enqueue(Reminder(dedupe_key=f"t:{kind}", kind=kind, recipient_id=trust.ids["priya"],
                                    subject_person_id=trust.ids["sam"], review_id=sam_review,
                                    due_at=datetime(2026, 11, 23, 9, tzinfo=UTC), deadline=date(2026, 11, 24),
                                    clause="7.4", subject=subject))
        await repos.outbox.enqueue(Reminder(dedupe_key=f"t:{kind}:late", kind=kind, recipient_id=trust.ids["priya"],
                                    subject_person_id=trust.ids["sam"], review_id=sam_review,
                                    due_at=datetime(2026, 11, 2, 9, tzinfo=UTC), deadline=date(2026, 11, 3),
                                    clause="7.4", subject=subject))
    rows = await overview_rows(trust.app.services, trust.orgs["hillside"])
    sam = next(r for r in rows if r.name == "Sam Patel")
    shown = " ".join([*sam.cells(), sam.next_deadline_label, json.dumps(sam.as_dict())]).lower()
    for word in ("plan", "appeal", "check in", "7.4"):
        assert word not in shown, word
    assert sam.next_deadline != date(2026, 11, 24)
