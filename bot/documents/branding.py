"""The trust's own look for Word documents: its template and logo (``CADENCE_FORM_TEMPLATE_DIR``).

The folder may hold ``form.docx`` (a docxtpl template, see bot/documents/templates) and a
``logo.png``; whatever it lacks comes from the template shipped in the package. A folder that
does not exist is a setting's mistake and is said so, not ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.documents.templates import DEFAULT_TEMPLATE, LOGO_NAMES, TEMPLATE_NAME


class BrandingProblem(ValueError):
    pass


@dataclass(frozen=True)
class Branding:
    template: Path = DEFAULT_TEMPLATE
    logo: Path | None = None

    @classmethod
    def from_dir(cls, folder: str | Path | None) -> Branding:
        if not folder:
            return cls()
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise BrandingProblem(f"CADENCE_FORM_TEMPLATE_DIR={folder} is not a folder. Put the trust's form.docx "
                                  "and/or logo.png in one, or leave the setting empty for Cadence's own template.")
        template = path / TEMPLATE_NAME
        logo = next((path / n for n in LOGO_NAMES if (path / n).is_file()), None)
        if logo is not None:
            _check_picture(logo)
        return cls(template if template.is_file() else DEFAULT_TEMPLATE, logo)

    @classmethod
    def from_settings(cls, settings: Any) -> Branding:
        return cls.from_dir(getattr(settings, "form_template_dir", "") or None)


DEFAULT = Branding()


def _check_picture(path: Path) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
    except (OSError, UnidentifiedImageError):
        raise BrandingProblem(f"{path} is not a picture Word can show (PNG or JPEG). Replace it, or remove it "
                              "to print the trust's name without a logo.") from None
