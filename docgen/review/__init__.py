"""The annual review: compare two years' specs, report the changes, write the redlines.

The modules are imported by name (``from docgen.review.X import …``); this file imports
nothing, so that a command loads only the modules it runs.
"""
