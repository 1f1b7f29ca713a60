"""The ``docgen`` command: a thin click layer, and the only code that prints.

``app`` holds the top command, ``run(argv, stdout, stderr)`` and ``main()``; the commands are in
``specs`` (validate, build, context, schema, spec-from-pdf, doctor), ``annual`` (renew, review,
redline) and ``translators`` (i18n); ``options`` is what they share.
"""

from .app import cli, main, run

__all__ = ["cli", "main", "run"]
