"""Word documents come from a template the trust can brand (issue 20): A4, its name and logo in the
header, "Page N of M", tables kept together; the trust's own template by CADENCE_FORM_TEMPLATE_DIR;
and a blank Annex 1 for a meeting (``cadence export blank-form``)."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from bot.documents.templates import make_default_template
from tests.records.builders import EMAILS
from tests.records.readers import docx_fields, pdf_text

SAM = EMAILS["sam"]



def test_sams_form_in_word_is_a4_numbered_page_n_of_m_and_keeps_each_table_on_one_page(terminal, tmp_path):
    assert terminal("export", "form", SAM, "--format", "docx", "-o", "sam.docx").exit_code == 0
    content = (tmp_path / "sam.docx").read_bytes()
    d = Document(io.BytesIO(content))
    (section,) = d.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer = section.footer._element.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer and "Page " in footer and " of " in footer
    assert "Co-op Academies Trust" in section.header.paragraphs[0].text
    assert d.core_properties.author == "Co-op Academies Trust" and "python-docx" not in d.core_properties.author
    signatures = [t for t in d.tables if t.rows[0].cells[0].text == "Reviewee signature:"]
    assert signatures
    for table in signatures:  # no row splits, and every row but the last keeps with the next
        rows = table.rows
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
        assert all(p.paragraph_format.keep_with_next for r in rows[:-1] for c in r.cells for p in c.paragraphs)
    assert ("Colleague name:", "Sam Patel") in docx_fields(content)


def test_the_trusts_own_template_and_logo_are_used(terminal, tmp_path, monkeypatch):
    brand = tmp_path / "brand"
    brand.mkdir()
    template = Document(str(make_default_template(brand / "form.docx")))
    template.sections[0].header.add_paragraph("Riverside Learning Trust · People Services")
    template.sections[0].left_margin = Mm(25)
    template.save(str(brand / "form.docx"))
    from PIL import Image

    Image.new("RGB", (120, 40), (0, 90, 160)).save(brand / "logo.png")  # the trust's logo, a blue bar
    monkeypatch.setenv("CADENCE_FORM_TEMPLATE_DIR", str(brand))
    result = terminal("export", "form", SAM, "--format", "docx", "-o", "sam.docx")
    assert result.exit_code == 0, result.output
    content = (tmp_path / "sam.docx").read_bytes()
    d = Document(io.BytesIO(content))
    header_text = " ".join(p.text for p in d.sections[0].header.paragraphs)
    assert "Riverside Learning Trust · People Services" in header_text
    assert round(d.sections[0].left_margin.mm) == 25
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(io.BytesIO(content)).namelist())  # the logo
    assert ("Colleague name:", "Sam Patel") in docx_fields(content)


def test_a_template_folder_that_does_not_exist_or_a_broken_logo_is_said_plainly(terminal, tmp_path, monkeypatch):
    monkeypatch.setenv("CADENCE_FORM_TEMPLATE_DIR", str(tmp_path / "nowhere"))
    result = terminal("export", "form", SAM, "--format", "docx", "-o", "sam.docx")
    assert result.exit_code != 0 and "is not a folder" in " ".join(result.output.split())
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.png").write_bytes(b"not a picture")
    monkeypatch.setenv("CADENCE_FORM_TEMPLATE_DIR", str(tmp_path / "brand"))
    result = terminal("export", "form", SAM, "--format", "docx", "-o", "sam.docx")
    assert result.exit_code != 0 and "is not a picture" in " ".join(result.output.split())
    assert not (tmp_path / "sam.docx").exists()


def test_a_blank_annex_1_has_three_objective_blocks_and_nothing_filled_in(terminal, tmp_path):
    for fmt in ("pdf", "docx"):
        result = terminal("export", "blank-form", "--org", "Co-op Academy Hillside", "--format", fmt,
                          "-o", f"blank.{fmt}")
        assert result.exit_code == 0, result.output
    text = pdf_text((tmp_path / "blank.pdf").read_bytes())
    assert [f"Objective {n}" in text for n in (1, 2, 3, 4)] == [True, True, True, False]
    assert "Co-op Academies Trust" in text and "Sam Patel" not in text and "—" not in text
    assert "Not yet signed" not in text and "YES / NO" in text
    fields = docx_fields((tmp_path / "blank.docx").read_bytes())
    assert ("Colleague name:", "") in fields and ("Reviewee signature:", "") in fields
