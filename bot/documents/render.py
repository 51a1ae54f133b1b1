"""Render a :class:`~bot.documents.layout.Doc` as DOCX (python-docx), PDF (fpdf2) or Markdown.

The PDF embeds DejaVu Sans (shipped with matplotlib) so every name and answer prints as typed,
accents and curly quotes included, and the text stays extractable (screen readers, pypdf).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from bot.documents.branding import DEFAULT as DEFAULT_BRANDING
from bot.documents.branding import Branding
from bot.documents.layout import Doc, Fields, Heading, Image, PageBreak, Para, Table

FORMATS = ("docx", "pdf", "md")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "zip": "application/zip",
    "ics": "text/calendar; charset=utf-8",
}


LONG_FIELD = 1200  # characters: a longer value is printed under its label, not in a table row
LONG_CELL = 2400  # characters shared by a table row's cells before the row is printed cell by cell


class UnknownFormat(ValueError):
    pass


def render(doc: Doc, fmt: str, branding: Branding | None = None) -> bytes:
    """``branding``: the trust's Word template and logo (CADENCE_FORM_TEMPLATE_DIR); DOCX only."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "docx":
        return to_docx(doc, branding)
    if fmt == "pdf":
        return to_pdf(doc)
    if fmt in ("md", "markdown"):
        return to_markdown(doc).encode("utf-8")
    raise UnknownFormat(f"I can write docx, pdf or md, not {fmt!r}.")


# --- Markdown -------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return (text or "").replace("|", "\\|").replace("\n", "<br>")


def to_markdown(doc: Doc) -> str:
    lines: list[str] = [f"# {doc.title}", ""]
    if doc.confidential:
        lines += ["**IN CONFIDENCE**", ""]
    for block in doc.blocks:
        match block:
            case Heading(text=text, level=level):
                lines += [f"{'#' * min(max(level, 0) + 1, 6)} {text}", ""]
            case Para(text=text, italic=italic, bold=bold):
                shown = f"**{text}**" if bold else f"*{text}*" if italic else text
                lines += [shown, ""]
            case Fields(rows=rows):
                lines += ["| | |", "|---|---|"]
                lines += [f"| **{_md_cell(k)}** | {_md_cell(v)} |" for k, v in rows]
                lines.append("")
            case Table(header=header, rows=rows):
                lines.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
                lines.append("|" + "---|" * len(header))
                lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
                lines.append("")
            case Image(caption=caption):
                lines += [f"*[Chart: {caption}]*", ""]
            case PageBreak():
                lines += ["---", ""]
    if doc.footer:
        lines += ["---", f"*{doc.footer}*", ""]
    return "\n".join(lines)


# --- DOCX -----------------------------------------------------------------------------------

def to_docx(doc: Doc, branding: Branding | None = None) -> bytes:
    """The document rendered into the trust's Word template (docxtpl): A4, its name and logo in the
    header, "Page N of M" in the footer; every table kept on one page where it fits (rows never
    split, each row kept with the next) and a heading or "Sign here" line kept with what follows."""
    from docx.shared import Mm, Pt
    from docxtpl import DocxTemplate, InlineImage

    branding = branding or DEFAULT_BRANDING
    tpl = DocxTemplate(str(branding.template))
    sub = tpl.new_subdoc()
    styles = {s.name for s in tpl.get_docx().styles}

    def style(name: str) -> str | None:
        return name if name in styles else None

    def keep(paragraph) -> None:  # noqa: ANN001
        paragraph.paragraph_format.keep_with_next = True

    sub.add_paragraph(doc.title, style=style("Title"))
    if doc.confidential:
        sub.add_paragraph().add_run("IN CONFIDENCE").bold = True
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        before_table = i + 1 < len(blocks) and isinstance(blocks[i + 1], Fields | Table)
        match block:
            case Heading(text=text, level=level):
                p = sub.add_paragraph(text, style=style(f"Heading {min(max(level, 1), 3)}"))
                keep(p)
            case Para(text=text, italic=italic, bold=bold):
                p = sub.add_paragraph()
                run = p.add_run(text)
                run.italic, run.bold = italic, bold
                if bold or before_table:
                    keep(p)
            case Fields(rows=rows):
                table = sub.add_table(rows=0, cols=2)
                table.style = style("Table Grid")
                for label, value in rows:
                    cells = table.add_row().cells
                    cells[0].paragraphs[0].add_run(label).bold = True
                    cells[1].paragraphs[0].add_run(value)
                _keep_together(table)
                sub.add_paragraph()
            case Table(header=header, rows=rows):
                table = sub.add_table(rows=1, cols=len(header))
                table.style = style("Table Grid")
                for cell, text in zip(table.rows[0].cells, header, strict=True):
                    cell.paragraphs[0].add_run(text).bold = True
                for row in rows:
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.paragraphs[0].add_run(text)
                _keep_together(table, repeat_header=True)
                sub.add_paragraph()
            case Image(png=png, caption=caption, width_mm=width):
                sub.add_picture(io.BytesIO(png), width=Mm(min(width, 160)))
                if caption:
                    sub.add_paragraph().add_run(caption).italic = True
            case PageBreak():
                sub.add_page_break()
    logo = InlineImage(tpl, str(branding.logo), height=Mm(12)) if branding.logo else ""
    tpl.render({"body": sub, "title": doc.title, "organisation": doc.organisation, "footer": doc.footer,
                "logo": logo}, autoescape=True)
    rendered = tpl.docx  # not get_docx(): after render() that reloads the template
    props = rendered.core_properties
    props.title, props.author, props.last_modified_by = doc.title, doc.organisation or "Cadence", "Cadence"
    for section in rendered.sections:
        for paragraph in section.footer.paragraphs:
            for run in paragraph.runs:
                run.font.size = run.font.size or Pt(7)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _keep_together(table, *, repeat_header: bool = False) -> None:  # noqa: ANN001 - a python-docx table
    """Word keeps a table on one page when no row may split and every row keeps with the next."""
    from docx.oxml import OxmlElement

    rows = table.rows
    for n, row in enumerate(rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if repeat_header and n == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        if n < len(rows) - 1:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


# --- PDF ------------------------------------------------------------------------------------

@cache
def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def to_pdf(doc: Doc) -> bytes:
    """A4, the organisation's name in the header, "Page N of M" in the footer, label cells and text
    left-aligned (no justified gaps), and a heading, its lines and the table after them kept on one
    page whenever they fit on one (a signature block never sits apart from its section)."""
    from fpdf import FPDF

    font_dir = _font_dir()

    class _PDF(FPDF):
        def header(self) -> None:  # noqa: D401 - fpdf hook
            if doc.organisation:
                self.set_y(6)
                self.set_font("DejaVu", "", 7.5)
                self.cell(0, 4, doc.organisation, align="R")
                self.set_y(self.t_margin)

        def footer(self) -> None:  # noqa: D401 - fpdf hook
            self.set_y(-12)
            self.set_font("DejaVu", "", 7)
            left = (doc.footer + "  ·  ") if doc.footer else ""
            self.cell(0, 5, f"{left}{'IN CONFIDENCE  ·  ' if doc.confidential else ''}"
                            f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = _PDF(format="A4")
    pdf.set_title(doc.title)
    pdf.set_author(doc.organisation or "Cadence")
    pdf.add_font("DejaVu", "", str(font_dir / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(font_dir / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(font_dir / "DejaVuSans-Oblique.ttf"))
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    _line(pdf, doc.title, 16, "B", 2)
    if doc.confidential:
        _line(pdf, "IN CONFIDENCE", 9, "B", 3)
    for unit in _units(doc.blocks):
        if isinstance(unit[0], PageBreak):
            pdf.add_page()
            continue
        start, page = pdf.y, pdf.page
        with pdf.offset_rendering() as probe:
            for block in unit:
                _draw(probe, block)
            height = probe.y - start + (probe.page - page) * pdf.eph
        if start + height > pdf.page_break_trigger and height <= pdf.eph and start > pdf.t_margin + 1:
            pdf.add_page()  # it fits on a page of its own, not in what is left of this one
        for block in unit:
            _draw(pdf, block)
    return bytes(pdf.output())


def _units(blocks: list) -> list[list]:  # noqa: ANN001 - layout blocks
    """Blocks grouped so that a heading stays with what follows it, and the lines just before a table
    (a signature block's "Sign here") stay with the table."""
    units: list[list] = []
    pending: list = []
    for block in blocks:
        if isinstance(block, PageBreak):
            units += [pending] if pending else []
            units.append([block])
            pending = []
        elif isinstance(block, Heading):
            units += [pending] if pending else []
            pending = [block]
        elif isinstance(block, Para):
            pending.append(block)
        else:
            units.append([*pending, block])
            pending = []
    units += [pending] if pending else []
    merged: list[list] = []  # a unit of headings and lines only goes with the unit after it
    for unit in units:
        if merged and not isinstance(unit[0], PageBreak) and all(isinstance(b, Heading | Para) for b in merged[-1]) \
                and not isinstance(merged[-1][0], PageBreak):
            merged[-1] = merged[-1] + unit
        else:
            merged.append(unit)
    return merged


def _line(pdf, text: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:  # noqa: ANN001
    from fpdf.enums import XPos, YPos

    pdf.set_font("DejaVu", style, size)
    pdf.multi_cell(pdf.epw, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _draw(pdf, block) -> None:  # noqa: ANN001 - an FPDF or the recorder of a trial rendering
    width = pdf.epw
    match block:
        case Heading(text=text, level=level):
            pdf.ln(2)
            _line(pdf, text, {0: 16, 1: 13, 2: 11}.get(level, 10), "B", 1.5)
        case Para(text=text, italic=italic, bold=bold):
            _line(pdf, text, 10, "B" if bold else "I" if italic else "")
        case Fields(rows=rows):
            for chunk, is_long in _chunks(rows, lambda r: len(r[1]) > LONG_FIELD):
                if is_long:  # too tall for one table row on a page: label, then the text
                    for label, value in chunk:
                        _line(pdf, label, 9.5, "B", 0.5)
                        _line(pdf, value, 9.5, "", 2)
                    continue
                pdf.set_font("DejaVu", "", 9.5)
                with pdf.table(col_widths=(35, 65), first_row_as_headings=False, line_height=5.5,
                               text_align="LEFT") as table:
                    for label, value in chunk:
                        row = table.row()
                        pdf.set_font("DejaVu", "B", 9.5)
                        row.cell(label)
                        pdf.set_font("DejaVu", "", 9.5)
                        row.cell(value)
            pdf.ln(3)
        case Table(header=header, rows=rows) if any(len(c) > LONG_CELL // len(header) for r in rows for c in r):
            for r in rows:  # a row too tall for a page: each cell under its heading instead
                for h, c in zip(header, r, strict=True):
                    _line(pdf, h, 9, "B", 0.5)
                    _line(pdf, c, 9.5, "", 1.5)
                pdf.ln(2)
        case Table(header=header, rows=rows):
            pdf.set_font("DejaVu", "", 8.5 if len(header) > 4 else 9.5)
            with pdf.table(line_height=5, headings_style=_bold_style(), text_align="LEFT",
                           col_widths=_col_widths(header, rows)) as table:
                head = table.row()
                for h in header:
                    head.cell(h)
                for r in rows:
                    row = table.row()
                    for c in r:
                        row.cell(c)
            pdf.ln(3)
        case Image(png=png, caption=caption, width_mm=w):
            pdf.image(io.BytesIO(png), w=min(w, width))
            if caption:
                _line(pdf, caption, 8.5, "I", 3)


def _col_widths(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> tuple[float, ...]:
    """Columns as wide as their longest word-run suggests, none narrower than a short word."""
    weights = []
    for i, h in enumerate(header):
        longest = max([len(h), *(len(r[i]) for r in rows)]) if rows else len(h)
        word = max([len(w) for w in h.split()] + [len(w) for r in rows for w in r[i].split()] or [1])
        weights.append(max(min(max(longest, 8), 60), min(word, 24) + 3))
    return tuple(weights)


def _chunks(rows, is_long):  # noqa: ANN001, ANN202 - consecutive rows grouped by ``is_long``
    out: list[tuple[list, bool]] = []
    for row in rows:
        flag = bool(is_long(row))
        if out and out[-1][1] == flag:
            out[-1][0].append(row)
        else:
            out.append(([row], flag))
    return out


def _bold_style():  # noqa: ANN202
    from fpdf.fonts import FontFace

    return FontFace(family="DejaVu", emphasis="BOLD")
