"""What an operator reads when `cadence serve` starts: which chat platforms will answer, and how to turn one on."""

from __future__ import annotations

from bot.cli import platforms_configured
from tests.conftest import make_settings


def test_a_fresh_server_says_neither_platform_answers_and_which_settings_turn_them_on() -> None:
    lines = "\n".join(platforms_configured(make_settings("sqlite://")))
    assert "Slack: off" in lines and "CADENCE_SLACK_BOT_TOKEN and CADENCE_SLACK_SIGNING_SECRET" in lines
    assert "Teams: off" in lines and "CADENCE_TEAMS_APP_ID and CADENCE_TEAMS_APP_PASSWORD" in lines


def test_a_configured_server_says_so_and_the_emulator_mode_is_named_for_what_it_is() -> None:
    on = "\n".join(platforms_configured(make_settings(
        "sqlite://", slack_bot_token="xoxb-test-not-a-token", slack_signing_secret="not-a-secret",
        teams_app_id="00000000-0000-0000-0000-00000000b0b0", teams_app_password="not-a-password")))
    assert "Slack: on" in on and "Teams: on" in on
    emulator = "\n".join(platforms_configured(make_settings("sqlite://", teams_emulator=True)))
    assert "Emulator mode, unauthenticated, requests from this machine only" in emulator
