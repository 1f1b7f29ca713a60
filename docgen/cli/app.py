"""The ``docgen`` command: a thin click layer, and the only module that prints.

``run(argv, stdout, stderr)`` runs one command and returns its exit code, as jsonschema's CLI
does; ``main()`` is the console script, ``sys.exit(run())``. A command returns its exit code
(None for 0) or raises a :class:`~docgen.errors.DocgenError`, whose lines are shown on stderr
and whose ``exit_code`` is returned; click's own usage errors return 2."""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import signal
import sys
import threading
from typing import IO, Any, Iterator, Sequence

import click

# Only click and light modules here: each command imports what it runs, so that --help,
# --version and redline start without docxtpl, jsonschema, Babel or pypdf; and the module
# that defines a command is imported only when that command runs (or --help lists them all).
from .. import __version__
from ..errors import DocgenError, OutputError
from . import loading, say_out_of_memory
from . import out_of_memory as is_out_of_memory
from .options import emit_error

#: every command, by name: the module of docgen.cli that defines it, and its name there
COMMANDS = {
    "validate": ("specs", "validate"), "build": ("specs", "build_command"),
    "context": ("specs", "context"), "explain": ("specs", "explain"),
    "schema": ("specs", "schema_command"), "spec-from-pdf": ("specs", "spec_from_pdf"),
    "verify": ("specs", "verify"), "sign": ("specs", "sign_command"),
    "doctor": ("specs", "doctor"), "renew": ("annual", "renew"),
    "review": ("annual", "review"), "redline": ("redline", "redline_command"),
    "i18n": ("translators", "i18n"), "serve": ("serve", "serve"),
}


class _Group(click.Group):
    """The top command: loads a command's module only when the command is asked for (click's
    lazy group), and turns what a command returns, or the DocgenError it raises, into the
    exit code (shown, for an error, as its lines on stderr)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, name = COMMANDS[cmd_name]
        with loading():
            command: click.Command = getattr(importlib.import_module(f".{module}", __package__),
                                             name)
        self.add_command(command, cmd_name)
        return command

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as e:
            # click suggests from the commands loaded: suggest from them all ("Did you mean")
            raise click.exceptions.NoSuchCommand(
                e.command_name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except DocgenError as e:
            emit_error(e)
            code = e.exit_code
        if isinstance(code, int) and code:
            ctx.exit(code)
        return None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgen")
def cli() -> None:
    """Build community-school partnership documents from a JSON spec.

    \b
    Example:
      docgen validate samples/*.json
      docgen build samples/*.json -o out
    """


class _Stdout:
    """Standard output, whose failure to write (a full disk, a closed pipe) is an
    :class:`~docgen.errors.OutputError` of one line, not a traceback."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _failed(self, error: OSError) -> OutputError:
        from ..output import describe

        return OutputError(f"cannot write to standard output: {describe(error)}")

    def write(self, data: Any) -> Any:
        try:
            return self._stream.write(data)
        except OSError as e:
            raise self._failed(e) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as e:
            raise self._failed(e) from None

    @property
    def buffer(self) -> _Stdout:
        return _Stdout(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def run(argv: Sequence[str] | None = None, stdout: IO[str] | None = None,
        stderr: IO[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: the process's arguments), writing to ``stdout`` and
    ``stderr`` (default: the process's), and return its exit code."""
    with contextlib.redirect_stdout(_Stdout(stdout or sys.stdout)), \
            contextlib.redirect_stderr(stderr or sys.stderr):
        code = _run(argv)
        try:
            sys.stdout.flush()
        except OutputError as e:
            emit_error(e)
            code = code or e.exit_code
        return code


class Terminated(BaseException):
    """SIGTERM, turned into an exception so that every ``finally`` runs: the PDF pool kills
    its LibreOffice workers and removes their profiles, and staged files are removed."""


def _terminated(signum: int, frame: Any) -> None:
    raise Terminated()


@contextlib.contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """While a command runs in the main thread, SIGTERM raises :class:`Terminated`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(argv: Sequence[str] | None) -> int:
    out_of_memory = False
    try:
        with _stopped_by_sigterm():
            return _run_command(argv)
    except Terminated:
        click.echo("Stopped: docgen was asked to stop (SIGTERM); what it finished is kept, "
                   "run the command again to complete it", err=True)
        return 143
    except (MemoryError, ImportError) as e:
        if not is_out_of_memory(e):
            raise
        # said below, once the frames that hold the documents are let go with the traceback
        out_of_memory = True
    if out_of_memory:
        say_out_of_memory()
    return 1


def _run_command(argv: Sequence[str] | None) -> int:
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="docgen",
                        standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    return code if isinstance(code, int) else 0


def main() -> None:
    """Entry point of the ``docgen`` console script: ``sys.exit(run())``."""
    code = run()
    try:
        sys.stdout.flush()
    except OSError:
        # said already; what could not be written must not fail again as Python exits
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    # The command's garbage is collected now, as Python's exit would collect it (so every
    # finaliser it has still runs), and what is left, the modules and what they hold, is
    # frozen: Python's exit then tears them down without tracing them again and again for
    # cycles, which was most of the time a redline took to exit (atexit handlers still run).
    gc.collect()
    gc.freeze()
    sys.exit(code)
