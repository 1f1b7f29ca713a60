"""What one render may cost: bounded ``*`` and ``**`` in the sandbox, a time and an output budget.

Jinja's sandbox already refuses a ``range()`` of more than 100,000 numbers; loops inside loops,
text repeated a billion times or a power with a million digits still could run for ever or fill
the memory. :class:`BoundedSandbox` refuses the last two as they are asked for; a render is given
:data:`RENDER_SECONDS` (:func:`time_budget`, which interrupts a loop that writes nothing) and
:data:`RENDER_BYTES` of output per part, checked as it is written. The caller
(:mod:`docgen.render`) names the template and paragraph that ran over.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Any, Iterator

from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .ooxml.limits import MAX_PART_BYTES

#: The most a template may repeat text or a list with ``*``, in characters or items.
MAX_REPEAT = 1_000_000
#: The largest whole number ``**`` may make, in bits (a number of some 30,000 digits).
MAX_POWER_BITS = 100_000


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with ``*`` and ``**`` bounded: ``"x" * 10**9`` or ``9**9**9`` would fill
    the memory, or compute for ever, before any time budget could stop them."""

    intercepted_binops = frozenset({"*", "**"})

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
    """Raise :class:`BudgetExceeded` in the code run inside after ``seconds`` (in the main
    thread, where a timer signal can interrupt a loop; elsewhere the output checks of
    :func:`docgen.render._generate` are the only bound)."""
    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "setitimer")):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise BudgetExceeded(f"it ran for more than {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


