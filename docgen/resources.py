"""Where docgen finds its templates, schema and catalogs: one :class:`Resources` value.

The value is made once (by the CLI, from its options, or by a caller of the library) and passed
down to everything that reads a template, the schema or a catalog; no module looks them up in a
global of its own. ``Resources.shipped()`` is what docgen ships: in an installed wheel the
files live inside the package (``docgen/schemas``, ``docgen/templates``, ``docgen/locales``); in
a source checkout at the top of the repository, where their authors edit them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

SCHEMA_NAME = "partnership.schema.json"


@functools.lru_cache(maxsize=8)
def resource_dir(name: str) -> Path:
    """Return the folder of shipped resources called ``name`` (``schemas``, ``templates`` or
    ``locales``); looked up once per process (the schema is read through it for every node
    of every spec a build shapes)."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def installed() -> bool:
    """Whether docgen runs from an installed wheel (its resources inside the package), rather
    than from a source checkout whose resources its authors edit."""
    return (_PACKAGE / "templates").is_dir()


@dataclass(frozen=True)
class Resources:
    """The templates, schema and catalogs one run of docgen uses.

    ``own_templates`` is a user's folder of templates (``--templates``): a template found there
    is used instead of the shipped one of the same name. ``locales`` is the catalog folder,
    read by builds and written by ``docgen i18n``.
    """

    templates: Path
    schema: Path
    locales: Path
    own_templates: Path | None = None

    @classmethod
    def shipped(cls) -> Resources:
        """Return the resources docgen ships."""
        return cls(templates=resource_dir("templates"),
                   schema=resource_dir("schemas") / SCHEMA_NAME,
                   locales=resource_dir("locales"))

    def using(self, *, own_templates: Path | None = None,
              locales: Path | None = None) -> Resources:
        """Return these resources with a user's templates and/or catalog folder instead."""
        return replace(self, own_templates=own_templates or self.own_templates,
                       locales=locales or self.locales)

    def template(self, name: str) -> Path:
        """Return the template called ``name``: the user's if they have one, else the shipped."""
        if self.own_templates is not None and (self.own_templates / name).is_file():
            return self.own_templates / name
        return self.templates / name


def template_dir() -> Path:
    """Return the folder of the shipped DOCX templates."""
    return Resources.shipped().templates
