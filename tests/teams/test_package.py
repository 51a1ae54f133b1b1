"""`cadence teams-package`: the zip an admin uploads to Teams admin centre."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app as cli
from bot.dialogs.router import Router
from bot.handlers.teams import package

APP_ID = "1b2c3d4e-0000-4000-8000-123456789abc"


def png_facts(data: bytes) -> tuple[int, int, int, list[int]]:
    """Width, height, colour type and the alpha values of a PNG we wrote (RGBA, filter 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4:idat])[0]
    raw = zlib.decompress(data[idat + 4:idat + 4 + length])
    stride = 1 + width * 4
    alphas = [raw[row * stride + 1 + x * 4 + 3] for row in range(height) for x in range(width)]
    return width, height, colour, alphas


def test_an_admin_builds_the_package_with_the_app_id_from_the_environment(tmp_path: Path):
    target = tmp_path / "cadence-teams.zip"
    result = CliRunner().invoke(cli, ["teams-package", "-o", str(target)], env={"CADENCE_TEAMS_APP_ID": APP_ID})
    assert result.exit_code == 0, result.output
    assert "Teams admin centre" in result.output
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color, outline = archive.read("color.png"), archive.read("outline.png")

    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["manifestVersion"] == "1.19" and manifest["$schema"].endswith("/v1.19/MicrosoftTeams.schema.json")
    (bot,) = manifest["bots"]
    assert bot["scopes"] == ["personal"] and bot["supportsFiles"] is True
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    assert all(manifest["developer"][k].startswith("https://") for k in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}

    commands = bot["commandLists"][0]["commands"]
    assert 0 < len(commands) <= 10  # Teams shows at most ten
    assert all(len(c["title"]) <= 32 and 0 < len(c["description"]) <= 128 for c in commands)
    router = Router()
    assert all(router.is_command(c["title"]) for c in commands)  # the menu words are the chat words
    assert {"prep", "checkin", "objectives", "status", "schedule", "appeal", "plan", "export", "help"} <= {
        c["title"] for c in commands}

    width, height, colour, alphas = png_facts(color)
    assert (width, height, colour) == (192, 192, 6) and min(alphas) == 255  # full colour, opaque
    width, height, colour, alphas = png_facts(outline)
    assert (width, height, colour) == (32, 32, 6)
    assert 0 in alphas and 255 in alphas  # white mark on a transparent background


def test_without_an_app_id_it_says_where_to_find_one(tmp_path: Path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["teams-package", "-o", str(tmp_path / "x.zip")], env={"CADENCE_TEAMS_APP_ID": ""})
    assert missing.exit_code == 2 and "CADENCE_TEAMS_APP_ID is not set" in missing.output
    wrong = runner.invoke(cli, ["teams-package", "-o", str(tmp_path / "x.zip")],
                          env={"CADENCE_TEAMS_APP_ID": "cadence-bot"})
    assert wrong.exit_code == 2 and "GUID" in wrong.output
    assert not (tmp_path / "x.zip").exists()


def test_the_files_in_deploy_teams_are_what_the_package_contains():
    """deploy/teams/ is for reading; the CLI builds the same files with the real id filled in."""
    expected = package.package_files(package.APP_ID_PLACEHOLDER)
    for name, data in expected.items():
        assert (package.DEPLOY_DIR / name).read_bytes() == data, (
            f"deploy/teams/{name} is out of date: run python -c "
            "'from bot.handlers.teams.package import write_deploy_dir; write_deploy_dir()'")
