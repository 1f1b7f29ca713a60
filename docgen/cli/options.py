"""What the commands share: how an error is shown, the option types and checks, the clock and
the resources a command runs with. Click and light modules only."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import arguments
from ..errors import DocgenError, Problem, UsageError

if TYPE_CHECKING:
    from ..resources import Resources


def emit_error(error: DocgenError) -> None:
    """Show ``error`` on stderr, a line per problem (a single failure marked Error:)."""
    for line in error.lines():
        click.echo(line, err=True)


def source_date() -> dt.datetime | None:
    """Read SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/)."""
    return arguments.source_date(os.environ)


class When(click.ParamType):  # type: ignore[type-arg]  # generic only since click 8.2
    """An ISO date or date-time for tracked changes; a date means midnight UTC."""

    name = "ISO-DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        return arguments.tracked_change_date(str(value), param.opts[-1] if param is not None
                                             else "--date")


def author(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """The name on tracked changes: not empty, and no control characters (Word refuses them)."""
    return arguments.author(value, param.opts[-1])


def named(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An output name must name something: an empty -o is a mistake, not the current folder."""
    if value is not None and not value.strip():
        raise UsageError(f"{param.opts[0]} must name a file or folder, not be empty")
    return value


def resources_from(templates: str | None, locales: str | None) -> Resources:
    """Return docgen's resources with the user's templates and catalog folder, if given."""
    from ..resources import Resources

    return Resources.shipped().using(own_templates=Path(templates) if templates else None,
                                     locales=Path(locales) if locales else None)


def pdf_line(problem: Problem) -> str:
    """A PDF problem as shown: located in its file, or the converter's own as an error."""
    return str(problem) if problem.file else f"Error: {problem.message}"


iso_date = arguments.iso_date
