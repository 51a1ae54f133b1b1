"""Settings read from the environment (prefix ``CADENCE_``) and ``.env``.

Constructed once in the CLI and passed down; nothing reads settings at import.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.policy.workdays import DEFAULT_TIMEZONE


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///cadence.db"
    timezone: str = DEFAULT_TIMEZONE
    # the trust's own Word template (form.docx) and/or logo.png for every DOCX; empty: Cadence's own
    form_template_dir: str = ""

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_api_url: str = ""
    # the Slack workspaces (team ids, or an Enterprise Grid org id) whose requests are taken, comma-separated.
    # Empty: the workspace (and org) that auth.test reports for the bot token. Anything else is refused.
    slack_team_ids: str = ""
    # reminders are paced to Slack's limits for chat.postMessage: one message a second per channel and
    # a workspace-wide cap (https://api.slack.com/docs/rate-limits). The cap is per process: with
    # several workers on one workspace a 429 still slows each down (bot/handlers/slack/pacing.py).
    slack_per_channel_per_second: float = Field(1.0, gt=0)
    slack_per_workspace_per_second: int = Field(50, ge=1)

    teams_app_id: str = ""
    teams_app_password: str = ""
    teams_tenant_id: str = ""
    # /api/messages without authentication, for the Bot Framework Emulator on this machine: taken only
    # when the app id is empty, and only from 127.0.0.1 / ::1. Off: no app id means no Teams endpoint.
    teams_emulator: bool = False
    # where a file consent's uploadUrl may point (host names or their parent domains, comma-separated):
    # the person's OneDrive / SharePoint. Anything else is refused, so a forged invoke cannot collect a form.
    teams_upload_hosts: str = ("sharepoint.com,sharepoint-df.com,sharepoint.us,sharepoint-mil.us,"
                               "sharepoint.cn,sharepoint.de,onedrive.com,1drv.com")
    # Bot Framework signing keys: the OpenID metadata document (empty: Microsoft's public cloud). Tests
    # point it at a local stand-in; a sovereign cloud would point it at its own.
    teams_openid_metadata_url: str = ""

    smtp_url: str = ""
    mail_from: str = "cadence@localhost"

    calendar_file: str = ""
    # where the console chat saves documents asked for in chat ("export pdf"); "" means ./exports/ of the
    # current directory. Never inside the installed package (bot.handlers.console.chat.export_folder).
    export_dir: str = ""

    working_hours_start: int = Field(8, ge=0, le=23)
    working_hours_end: int = Field(17, ge=1, le=24)
    dispatch_interval_seconds: int = 30
    # a planning pass costs what changed (bot/scheduler/planner.py), so it also runs every few minutes:
    # a moved meeting or a submitted form changes its reminders within this many minutes (0: nightly only)
    replan_interval_minutes: int = Field(10, ge=0)
    access_log: bool = False  # one log line per HTTP request; off by default: it cost ~7% of an ack's CPU

    @property
    def async_database_url(self) -> str:
        """The same URL with an async driver (aiosqlite / psycopg 3)."""
        return to_async_url(self.database_url)


def to_async_url(url: str) -> str:
    if url.startswith("sqlite:///") or url == "sqlite://":
        return url.replace("sqlite://", "sqlite+aiosqlite://", 1)
    if url.startswith("postgresql://"):
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return url


def to_sync_url(url: str) -> str:
    return url.replace("sqlite+aiosqlite://", "sqlite://", 1)
