"""Reading exported documents back, as a colleague's word processor or PDF viewer would."""

from __future__ import annotations

import io
import re

import docx
import pypdf


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def docx_doc(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def docx_fields(content: bytes) -> list[tuple[str, str]]:
    """Every (label, value) row of the two-column tables, in document order."""
    rows: list[tuple[str, str]] = []
    for table in docx_doc(content).tables:
        if len(table.columns) == 2:
            rows.extend((r.cells[0].text, r.cells[1].text) for r in table.rows)
    return rows


def docx_tables(content: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in r.cells] for r in t.rows] for t in docx_doc(content).tables]


def docx_headings(content: bytes) -> list[str]:
    return [p.text for p in docx_doc(content).paragraphs if p.style.name.startswith(("Heading", "Title"))]


def docx_text(content: bytes) -> str:
    d = docx_doc(content)
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts.extend(c.text for r in t.rows for c in r.cells)
    return squash("\n".join(parts))


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return squash(" ".join(page.extract_text() or "" for page in reader.pages))
