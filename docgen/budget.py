"""What one render may cost: bounded ``*`` and ``**`` in the sandbox, a time and an output budget.

Jinja's sandbox already refuses a ``range()`` of more than 100,000 numbers; loops inside loops,
text repeated a billion times or a power with a million digits still could run for ever or fill
the memory. :class:`BoundedSandbox` refuses the last two as they are asked for; a render is given
:data:`RENDER_SECONDS` (:func:`time_budget`) and :data:`RENDER_BYTES` of output per part,
checked as it is written. The time is checked by the template itself, in any thread or process:
every ``{% for %}`` loop of a template compiled in the sandbox counts its items
(:class:`BudgetedCodeGenerator`) and every call the template makes goes through
:meth:`BoundedSandbox.call`, and both look at the deadline of the render under way (a
:mod:`contextvars` variable, so each thread has its own). In the main thread a timer signal is
a second bound. The caller (:mod:`docgen.render`) names the template and paragraph that ran
over.
"""

from __future__ import annotations

import contextlib
import contextvars
import signal
import threading
import time
from typing import Any, Iterable, Iterator

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .ooxml.limits import MAX_PART_BYTES

#: The most a template may repeat text or a list with ``*``, in characters or items.
MAX_REPEAT = 1_000_000
#: The largest whole number ``**`` may make, in bits (a number of some 30,000 digits).
MAX_POWER_BITS = 100_000


#: The deadline (``time.monotonic()``) of the render under way in this thread, if any.
#: and the seconds it was given.
_deadline: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "docgen_render_deadline", default=None)
#: How many items a loop runs between two looks at the clock.
_CHECK_EVERY = 256


def check_deadline() -> None:
    """Raise :class:`BudgetExceeded` if the render under way in this thread is past its time."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline[0]:
        raise BudgetExceeded(f"it ran for more than {deadline[1]:g} seconds")


class _Budgeted:
    """An iterable a template loops over, that looks at the deadline as it goes (and keeps
    its length, for ``loop.length``)."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)  # type: ignore[arg-type]  # TypeError: LoopContext counts

    def __iter__(self) -> Iterator[Any]:
        check_deadline()
        count = 0
        for item in self._items:
            count += 1
            if count == _CHECK_EVERY:
                count = 0
                check_deadline()
            yield item


class BudgetedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with what every ``{% for %}`` loops over wrapped in
    ``environment.budgeted(...)``: a loop inside a loop that writes nothing and calls nothing
    still looks at the clock."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:  # noqa: N802 - Jinja's name
        iterable = node.iter
        visit = self.visit

        def visiting(inner: nodes.Node, *args: Any, **kwargs: Any) -> Any:
            if inner is iterable:
                self.write("environment.budgeted(")
                visit(inner, *args, **kwargs)
                self.write(")")
                return None
            return visit(inner, *args, **kwargs)

        outer = self.__dict__.get("visit")  # the wrapper of the loop this one is inside
        self.visit = visiting  # type: ignore[method-assign, assignment]
        try:
            super().visit_For(node, frame)
        finally:
            if outer is None:
                del self.visit
            else:
                self.visit = outer  # type: ignore[method-assign]

    # A value written with ``{{ … }}`` is ``escape(finalize(context, value))``, two calls and
    # a Markup string each; an environment with a ``write_value(context, value)`` method that
    # returns the same text is called once instead (render.py's, which has a fast way through
    # for the plain text most values are). Jinja's own code stays where autoescaping can be
    # switched in the template (``{% autoescape %}``), and where there is no finalize.

    def _writes_values(self, frame: Frame, finalize: Any) -> bool:
        return (not frame.eval_ctx.volatile and bool(frame.eval_ctx.autoescape)
                and finalize.src is not None
                and callable(getattr(self.environment, "write_value", None)))

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._writes_values(frame, finalize):
            self.write("environment.write_value(context, ")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._writes_values(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with ``*`` and ``**`` bounded: ``"x" * 10**9`` or ``9**9**9`` would fill
    the memory, or compute for ever, before any time budget could stop them; and with the time
    budget looked at in every loop and call (see :func:`check_deadline`)."""

    intercepted_binops = frozenset({"*", "**"})
    code_generator_class = BudgetedCodeGenerator

    @staticmethod
    def budgeted(items: Iterable[Any]) -> _Budgeted:
        """What a template's ``{% for %}`` loops over, counted against the time budget."""
        return _Budgeted(items)

    def call(__self, __context: Any, __obj: Any,  # noqa: N805 - Jinja's signature
             *args: Any, **kwargs: Any) -> Any:
        check_deadline()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if (isinstance(seq, (str, list, tuple)) and isinstance(n, int)
                        and len(seq) * n > MAX_REPEAT):
                    raise SecurityError(f"repeating {type(seq).__name__} {n} times makes more "
                                        f"than {MAX_REPEAT:,} characters or items")
        elif (operator == "**" and isinstance(left, int) and isinstance(right, int)
              and right > 0 and abs(left) > 1
              and abs(left).bit_length() * right > MAX_POWER_BITS):
            raise SecurityError(f"{left} ** {right} is a number too large to write")
        return super().call_binop(context, operator, left, right)


#: How long one document may take to render, in seconds, and how much one part may write.
RENDER_SECONDS = 30.0
RENDER_BYTES = MAX_PART_BYTES


class BudgetExceeded(Exception):
    """A template ran past :data:`RENDER_SECONDS` or wrote past :data:`RENDER_BYTES`."""


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` in the template rendered inside after ``seconds``: from its
    loops and calls (:func:`check_deadline`) in any thread, and in the main thread also from a
    timer signal."""
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        # later than the template's own checks, which say where the template is
        with _alarm(seconds, seconds + max(1.0, seconds / 10)):
            yield
    finally:
        _deadline.reset(token)


@contextlib.contextmanager
def _alarm(seconds: float, after: float) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` (a render of ``seconds``) ``after`` seconds from a timer
    signal (main thread only)."""
    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "setitimer")):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise BudgetExceeded(f"it ran for more than {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, after)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


