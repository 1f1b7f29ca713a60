"""The examples in docgen's docstrings run, and say what the code does (Babel's habit)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["docgen.errors", "docgen.formatting", "docgen.i18n.plurals", "docgen.ooxml.limits",
           "docgen.markdown", "docgen.ooxml.sequence", "docgen.build.pdfs",
           "docgen.i18n.catalogs", "docgen.i18n.locales"]


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
