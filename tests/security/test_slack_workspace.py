"""Must fix 5: only the trust's Slack workspace gets in.

Slack signs every installation's requests with the app's one signing secret. Someone in another
workspace (T0OTHER) where the app is installed, whose Slack profile carries Sam's email, must not be
linked to Sam, see his review, or lock Sam out.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

from tests.security.conftest import changed, snapshot
from tests.slack.conftest import SAM, Slack, fixture

IMPOSTOR = "U0IMPOSTOR"


def from_other_workspace(text: str, event_id: str = "EvOTHER1") -> dict:
    payload = fixture("message_im.json")
    payload.update(team_id="T0OTHER", event_id=event_id)
    payload["authorizations"][0]["team_id"] = "T0OTHER"
    payload["event"].update(user=IMPOSTOR, team="T0OTHER", channel="D0IMPOSTOR", text=text)
    return payload


async def test_a_message_from_another_workspace_is_refused_and_sam_is_not_linked(slack: Slack) -> None:
    slack.api.users[IMPOSTOR] = "sam.patel@hillside.example"  # the other workspace's profile says so
    before = await snapshot(slack.app)
    status, _ = await slack.event(from_other_workspace("status"))
    assert status == 200  # a polite acknowledgement: Slack neither retries nor counts a failure
    assert slack.api.called("users.info") == [] and slack.api.messages() == []
    assert changed(before, await snapshot(slack.app)) == []

    # Sam, in the trust's workspace, is then served as himself
    assert await slack.say(SAM, "status") == 200
    sam = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    assert sam.slack_user_id == SAM
    assert "Sam" in slack.api.text_of("D0SAM") or slack.api.messages("D0SAM")
    (link,) = [e for e in await slack.app.repos.audit.audit_events(sam.id) if e.action == "link"]
    assert link.detail == {"by": "email", "team": "T0CADENCE"}  # the workspace is on the audit row


async def test_a_slash_command_from_another_workspace_gets_a_polite_refusal(slack: Slack) -> None:
    slack.api.users[IMPOSTOR] = "sam.patel@hillside.example"
    fields = dict(parse_qsl(fixture("slash_command.txt")))
    fields.update(team_id="T0OTHER", user_id=IMPOSTOR, text="export md")
    before = await snapshot(slack.app)
    status, text = await slack.post(urlencode(fields), "application/x-www-form-urlencoded")
    assert status == 200 and "only in the trust's own Slack workspace" in json.loads(text)["text"]
    assert slack.api.calls == [c for c in slack.api.calls if c.method == "auth.test"]
    assert changed(before, await snapshot(slack.app)) == []


async def test_a_button_from_another_workspace_does_nothing(slack: Slack) -> None:
    payload = fixture("block_actions.json")
    payload["team"]["id"] = payload["user"]["team_id"] = "T0OTHER"
    payload["user"]["id"] = IMPOSTOR
    before = await snapshot(slack.app)
    status, _ = await slack.post("payload=" + json.dumps(payload), "application/x-www-form-urlencoded")
    assert status == 200
    assert slack.api.messages() == []
    assert changed(before, await snapshot(slack.app)) == []


async def test_the_allow_list_setting_pins_to_the_named_workspaces(slack: Slack) -> None:
    slack.app.settings.slack_team_ids = "T0OTHER"  # e.g. the trust moved workspace
    before = await snapshot(slack.app)
    assert await slack.say(SAM, "status") == 200  # T0CADENCE is now the other one
    assert slack.api.messages() == [] and changed(before, await snapshot(slack.app)) == []


async def test_a_workspace_of_the_trusts_grid_org_is_taken_when_the_org_is_allowed(slack: Slack) -> None:
    slack.app.settings.slack_team_ids = "E0TRUST"
    payload = fixture("message_im.json")
    payload.update(team_id="T0SCHOOL2", enterprise_id="E0TRUST", event_id="EvGRID1")
    payload["event"].update(team="T0SCHOOL2", text="status")
    status, _ = await slack.event(payload)
    assert status == 200 and slack.api.messages("D0SAM")


async def test_the_link_audit_row_names_sam_the_same_way_as_his_other_slack_rows(slack: Slack) -> None:
    """HR filters the audit log by one identity (``slack:USER@TEAM``, what every other Slack row says);
    the row that linked the account on first contact must not be the one written differently."""
    from bot.handlers.slack.translate import identity

    assert await slack.say(SAM, "status") == 200
    sam = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    (link,) = [e for e in await slack.app.repos.audit.audit_events(sam.id) if e.action == "link"]
    assert link.actor_identity == identity(SAM, "T0CADENCE") == "slack:U0SAM@T0CADENCE"
