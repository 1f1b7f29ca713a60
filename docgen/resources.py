"""Find the files docgen ships: schemas and templates.

In an installed wheel they live inside the package (``docgen/schemas``, ``docgen/templates``); in
a source checkout they live at the top of the repository, where their authors edit them.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder of shipped resources called ``name`` (``schemas`` or ``templates``)."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def schema_path() -> Path:
    """Return the path of the current partnership schema."""
    return resource_dir("schemas") / "partnership.schema.json"


def template_dir() -> Path:
    """Return the folder of the shipped DOCX templates."""
    return resource_dir("templates")
