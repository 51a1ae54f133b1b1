"""The default Word template (``form.docx``) every DOCX is rendered into, and how it is made.

A trust brands its documents by putting its own ``form.docx`` (and/or a ``logo.png``) in the
folder named by ``CADENCE_FORM_TEMPLATE_DIR``. The template is a docxtpl (Jinja) Word file; it may
use ``{{ organisation }}``, ``{{ title }}``, ``{{ footer }}``, ``{{ logo }}`` (an image, when a
logo is given) anywhere, and must hold ``{{p body }}`` in a paragraph of its own where the
document goes. Headings use the styles "Title" and "Heading 1".."Heading 3", tables "Table Grid"
when the template has them. ``python -m bot.documents.templates`` rewrites the default one.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_TEMPLATE = HERE / "form.docx"
TEMPLATE_NAME = "form.docx"
LOGO_NAMES = ("logo.png", "logo.jpg", "logo.jpeg")


def make_default_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    """Write the shipped template: A4, 20 mm margins, the organisation (and logo) in the header,
    "IN CONFIDENCE · Page N of M" in the footer, authored by Cadence."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)
    normal = d.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    d.core_properties.author = "Cadence"
    d.core_properties.comments = "Cadence default template: replace with the trust's own (CADENCE_FORM_TEMPLATE_DIR)"

    header = section.header.paragraphs[0]
    header.text = "{% if logo %}{{ logo }}  {% endif %}{{ organisation }}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in header.runs:
        run.font.size = Pt(8)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("{{ footer }}  ·  IN CONFIDENCE  ·  Page ")
    for instruction in ("PAGE", "NUMPAGES"):
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), instruction)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        footer._p.append(field)
        if instruction == "PAGE":
            footer._p.append(footer.add_run(" of ")._r)
    for run in footer.runs:
        run.font.size = Pt(7)

    body = d.paragraphs[0] if d.paragraphs else d.add_paragraph()
    body.text = "{{p body }}"
    d.save(path)
    return path


if __name__ == "__main__":
    print(make_default_template())
