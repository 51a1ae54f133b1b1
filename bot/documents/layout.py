"""A tiny, format-neutral document model.

Each document (the Annex 1 form, the Annex 4 support plan, the Improvement Action Plan, the
governors' report) is built once as a :class:`Doc` and rendered to DOCX, PDF or Markdown by
``bot.documents.render``, so the three formats cannot drift apart field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0 = document title


@dataclass(frozen=True)
class Para:
    text: str
    italic: bool = False
    bold: bool = False


@dataclass(frozen=True)
class Fields:
    """Label / value pairs, shown as a two-column table ("Colleague name:" | "Sam Patel")."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Image:
    png: bytes
    caption: str = ""
    width_mm: float = 160


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Para | Fields | Table | Image | PageBreak


@dataclass
class Doc:
    title: str
    blocks: list[Block] = field(default_factory=list)
    confidential: bool = True
    footer: str = ""
    organisation: str = ""  # the trust's or academy's name, printed in every page's header

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Heading(text, level))

    def para(self, text: str, *, italic: bool = False, bold: bool = False) -> None:
        self.blocks.append(Para(text, italic=italic, bold=bold))

    def fields(self, *rows: tuple[str, str]) -> None:
        self.blocks.append(Fields(tuple(rows)))

    def table(self, header: tuple[str, ...], rows: list[tuple[str, ...]] | tuple[tuple[str, ...], ...]) -> None:
        self.blocks.append(Table(header, tuple(rows)))

    def image(self, png: bytes, caption: str = "") -> None:
        self.blocks.append(Image(png, caption))

    def page_break(self) -> None:
        self.blocks.append(PageBreak())

    def text(self) -> str:
        """Every word of the document as plain text (tests and search use it)."""
        out: list[str] = [self.title]
        for b in self.blocks:
            match b:
                case Heading(text=t) | Para(text=t):
                    out.append(t)
                case Fields(rows=rows):
                    out.extend(f"{k} {v}" for k, v in rows)
                case Table(header=h, rows=rows):
                    out.append(" ".join(h))
                    out.extend(" ".join(r) for r in rows)
                case Image(caption=c):
                    out.append(c)
        return "\n".join(out)


EMPTY = "—"  # shown where the form has no entry yet


def value(text: str | None) -> str:
    """A stored value as the form shows it: the text, or a dash where nothing was written."""
    text = (text or "").strip()
    return text if text else EMPTY


def yes_no(flag: bool | None) -> str:
    """Annex 1 asks YES / NO; an unanswered question stays visibly unanswered."""
    if flag is None:
        return "Not yet answered"
    return "YES" if flag else "NO"


def policy_version_label(version: str) -> str:
    """The policy version a record was made under, as people read it: "version of 25 July 2019"."""
    from datetime import date

    try:
        d = date.fromisoformat(version)
    except ValueError:
        return f"version {version}"
    return f"version of {d.day} {d:%B %Y}"
