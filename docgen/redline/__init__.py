"""Compare two Word documents into native tracked changes.

The modules are imported by name (``from docgen.redline.X import …``); this file imports
nothing, so that a command loads only the modules it runs.
"""
