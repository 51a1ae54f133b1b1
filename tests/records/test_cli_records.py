"""The records commands as HR, a headteacher and colleagues run them from a terminal."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.records.builders import EMAILS
from tests.records.readers import docx_fields, pdf_text

SAM, HANA, HELEN, PRIYA = EMAILS["sam"], EMAILS["hana"], EMAILS["helen"], EMAILS["priya"]



def _audit(terminal, email: str) -> list[dict]:
    result = terminal("audit", email, "--as", HANA, "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_sam_exports_his_own_form_in_each_format(terminal, tmp_path):
    for fmt in ("docx", "pdf", "md"):
        result = terminal("export", "form", SAM, "--format", fmt, "-o", f"sam.{fmt}")
        assert result.exit_code == 0, result.output
    assert ("Colleague name:", "Sam Patel") in docx_fields((tmp_path / "sam.docx").read_bytes())
    assert "Run daily phonics catch-up sessions" in pdf_text((tmp_path / "sam.pdf").read_bytes())
    assert "| **Reviewer name:** | Priya Shah |" in (tmp_path / "sam.md").read_text()
    result = terminal("export", "form", SAM, "--cycle", "2025", "-o", "old.md")
    assert result.exit_code == 0 and "Well done, Sam." in (tmp_path / "old.md").read_text()


def test_a_colleague_is_refused_someone_elses_form_and_hr_sees_the_attempt(terminal, tmp_path):
    result = terminal("export", "form", SAM, "--as", EMAILS["jo"], "--format", "pdf", "-o", "x.pdf")
    assert result.exit_code == 1 and "Refused" in result.output and "Policy 10.2" in result.output
    assert not (tmp_path / "x.pdf").exists()
    assert terminal("export", "plan", EMAILS["alex"], "--as", EMAILS["mark"], "-o", "alex.pdf").exit_code == 0
    assert "Improvement Action Plan Review" in pdf_text((tmp_path / "alex.pdf").read_bytes())
    rows = _audit(terminal, SAM)
    assert [(r["who"], r["action"], r["channel"]) for r in rows] == [
        ("Jo Brown <jo.brown@hillside.example>", "was refused", "cli")]
    assert rows[0]["identity"].startswith("cli:")


@pytest.mark.parametrize("who", ["helen", "priya", "sam", "gill"])
def test_only_hr_may_read_the_audit_log_place_holds_or_purge(terminal, who):
    email = EMAILS[who]
    for args in (("audit", SAM, "--as", email), ("hold", SAM, "--reason", "claim", "--as", email),
                 ("purge", "--dry-run", "--as", email)):
        result = terminal(*args)
        assert result.exit_code == 1, args
        assert "Refused" in result.output and "HR admin" in result.output


def test_commands_that_need_an_identity_say_so(terminal):
    for args in (("purge",), ("audit", SAM), ("hold", SAM, "--reason", "x"),
                 ("overview", "--org", "Co-op Academy Hillside")):
        result = terminal(*args)
        assert result.exit_code == 1 and "--as EMAIL" in result.output, args
    result = terminal("export", "form", "nobody@hillside.example", "-o", "x.docx")
    assert result.exit_code == 1 and "I don't know nobody@hillside.example" in result.output
    result = terminal("report", "governors", "--org", "Nowhere Academy", "--year", "2026", "-o", "r.pdf")
    assert result.exit_code == 1 and "Known organisations: Co-op Academies Trust" in result.output


def test_hr_places_and_releases_a_hold_and_runs_the_purge(terminal):
    result = terminal("hold", SAM, "--reason", "Tribunal claim ET/123", "--as", HANA)
    assert result.exit_code == 0 and "Legal hold placed on Sam Patel" in result.output
    result = terminal("hold", SAM, "--release", "--as", HANA)
    assert result.exit_code == 0 and "Released" in result.output
    holds = [r for r in _audit(terminal, SAM) if r["action"] == "legal hold"]
    assert [r["who"] for r in holds] == ["Hana Webb <hana.webb@hillside.example>"] * 2
    result = terminal("purge", "--dry-run", "--as", HANA)
    assert result.exit_code == 0 and "would delete 0 review(s)" in result.output


def test_helen_sees_the_overview_and_governors_get_the_report(terminal, tmp_path):
    result = terminal("overview", "--org", "Co-op Academy Hillside", "--as", HELEN)
    assert result.exit_code == 0, result.output
    assert "Sam Patel" in result.output and "Objectives agreed and signed" in result.output
    result = terminal("overview", "--org", "Co-op Academy Hillside", "--as", PRIYA)
    assert result.exit_code == 1 and "Refused" in result.output
    (tmp_path / "words.txt").write_text("Appraisals ran on time this year.\n\nNext year: more training in phonics.")
    result = terminal("report", "governors", "--org", "Co-op Academy Hillside", "--year", "2026", "-o", "lgb.pdf",
                      "--commentary", "words.txt", "--as", EMAILS["gill"])
    assert result.exit_code == 0, result.output
    text = pdf_text((tmp_path / "lgb.pdf").read_bytes())
    assert "Sam" not in text and "<5" in text
    assert "The headteacher's commentary Appraisals ran on time this year. Next year: more training" in text
    from docx import Document

    word = Document(str(tmp_path / "lgb.docx"))  # the Word version, written beside the PDF
    assert any("Next year: more training in phonics." in p.text for p in word.paragraphs)
    result = terminal("report", "governors", "--org", "Co-op Academy Hillside", "--year", "2026", "-o", "x.pdf",
                      "--commentary", "missing.txt")
    assert result.exit_code == 1 and "couldn't read the commentary" in result.output
    result = terminal("report", "governors", "--org", "Co-op Academy Hillside", "--year", "2026", "-o", "lgb.md",
                      "--as", EMAILS["tom"])
    assert result.exit_code == 1 and "Policy 11.3" in result.output


def test_a_format_that_clashes_with_the_file_name_is_refused_before_anything_is_written(terminal, tmp_path):
    result = terminal("export", "form", SAM, "--format", "pdf", "-o", "sam.docx")
    assert result.exit_code == 1 and "-o sam.pdf" in result.output
    assert not (tmp_path / "sam.docx").exists()
    result = terminal("export", "form", SAM, "-o", "sam.pdf")  # the name alone decides
    assert result.exit_code == 0 and (tmp_path / "sam.pdf").read_bytes().startswith(b"%PDF")
    result = terminal("export", "invite", SAM, "-o", "next.ics")
    assert result.exit_code == 1 and "no upcoming meeting booked" in result.output


def test_subject_access_from_the_terminal(terminal, tmp_path):
    result = terminal("export", "subject", SAM, "-o", "sam.zip")
    assert result.exit_code == 0, result.output
    assert "cover-note.pdf" in zipfile.ZipFile(tmp_path / "sam.zip").namelist()
    result = terminal("export", "subject", SAM, "--as", PRIYA, "-o", "stolen.zip")
    assert result.exit_code == 1 and not (tmp_path / "stolen.zip").exists()

