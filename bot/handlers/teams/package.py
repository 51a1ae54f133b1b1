"""The Teams app package an admin uploads: manifest.json, color.png (192x192), outline.png (32x32).

The manifest is built here from the command catalogue, so the Teams command menu always offers the
same words as Slack and the console; ``deploy/teams/`` holds the same files with the app id left as
a placeholder (a test keeps them in step). The icons are drawn with plain zlib: no image library.

No botbuilder import here: ``cadence teams-package`` must work on a machine that only packages.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

MANIFEST_SCHEMA = "https://developer.microsoft.com/json-schemas/teams/v1.19/MicrosoftTeams.schema.json"
MANIFEST_VERSION = "1.19"
APP_ID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ACCENT = (0x1F, 0x5C, 0x99)  # Cadence blue
# The Teams command menu holds at most 10 commands: DESIGN.md's words first, then the most used others.
MENU_WORDS = ("prep", "checkin", "objectives", "status", "schedule", "appeal", "plan", "export", "help", "agenda")
DEPLOY_DIR = Path(__file__).resolve().parents[3] / "deploy" / "teams"

Pixel = Callable[[int, int], tuple[int, int, int, int]]


def is_guid(value: str) -> bool:
    return bool(GUID.match(value or ""))


def menu_commands() -> list[dict[str, str]]:
    from bot.dialogs.catalogue import COMMANDS

    by_word = {c.word: c for c in COMMANDS}
    commands = []
    for word in MENU_WORDS:
        if word in by_word:
            summary = by_word[word].summary
            commands.append({"title": word, "description": (summary[0].upper() + summary[1:])[:128]})
    return commands[:10]


def build_manifest(app_id: str = APP_ID_PLACEHOLDER, *, version: str = "1.0.0",
                   developer: str = "Cadence for schools", website: str = "https://cadence.example.org/",
                   privacy: str = "https://cadence.example.org/privacy",
                   terms: str = "https://cadence.example.org/terms") -> dict[str, Any]:
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {"name": developer, "websiteUrl": website, "privacyUrl": privacy, "termsOfUseUrl": terms},
        "name": {"short": "Cadence", "full": "Cadence: performance reviews and check-ins"},
        "description": {
            "short": "Your performance review, preparation and check-ins, in a chat.",
            "full": ("Cadence runs the support-staff performance management cycle of your school trust in a "
                     "personal chat: prepare for your review meeting, agree objectives, book meetings with the "
                     "right notice, do a 30-second wellbeing check-in, sign the agreed form and get it as a "
                     "document. Reviewers and headteachers get reminders with the deadline and the policy "
                     "clause behind it. Everything you tell Cadence is confidential to you, your reviewer and "
                     "those the policy allows."),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [{
            "botId": app_id,
            "scopes": ["personal"],
            "supportsFiles": True,
            "isNotificationOnly": False,
            "commandLists": [{"scopes": ["personal"], "commands": menu_commands()}],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


# --- icons -------------------------------------------------------------------------------------


def png(width: int, height: int, pixel: Pixel) -> bytes:
    """An RGBA PNG, written with zlib (one filter byte per row, then the pixels)."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def _mark(x: float, y: float, size: int) -> bool:
    """A "C" (an open ring) with a tick through it: the Cadence mark, scaled to ``size``."""
    cx = cy = size / 2
    dx, dy = x + 0.5 - cx, y + 0.5 - cy
    r = (dx * dx + dy * dy) ** 0.5
    ring = size * 0.26 <= r <= size * 0.38 and not (dx > 0 and abs(dy) < size * 0.12)
    # the tick: two strokes meeting low in the middle
    u, v = (x + 0.5) / size, (y + 0.5) / size
    stroke = 0.045
    tick = (0.40 <= u <= 0.52 and abs((v - 0.50) - (u - 0.40)) < stroke) or (
        0.50 <= u <= 0.74 and abs((v - 0.62) + (u - 0.52) * 1.25) < stroke)
    return ring or tick


def color_icon(size: int = 192) -> bytes:
    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        return (255, 255, 255, 255) if _mark(x, y, size) else (*ACCENT, 255)

    return png(size, size, pixel)


def outline_icon(size: int = 32) -> bytes:
    """White on transparent, as Teams requires for the outline icon."""
    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        return (255, 255, 255, 255) if _mark(x, y, size) else (0, 0, 0, 0)

    return png(size, size, pixel)


def package_files(app_id: str, **manifest_options: str) -> dict[str, bytes]:
    manifest = build_manifest(app_id, **manifest_options)
    return {"manifest.json": (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
            "color.png": color_icon(), "outline.png": outline_icon()}


def write_package(target: Path, app_id: str, **manifest_options: str) -> Path:
    """The zip Teams admin centre accepts: the three files at the root of the archive."""
    if not is_guid(app_id) or app_id == APP_ID_PLACEHOLDER:
        raise ValueError("CADENCE_TEAMS_APP_ID must be the bot's Microsoft App ID, a GUID like "
                         "1b2c3d4e-0000-4000-8000-123456789abc (Azure portal > your Azure Bot > Configuration).")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in package_files(app_id, **manifest_options).items():
            archive.writestr(name, data)
    return target


def write_deploy_dir(directory: Path = DEPLOY_DIR) -> None:
    """Refresh deploy/teams/ (the placeholder manifest and the icons) from this module."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in package_files(APP_ID_PLACEHOLDER).items():
        (directory / name).write_bytes(data)
