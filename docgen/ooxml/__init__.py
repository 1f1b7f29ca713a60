"""The one Office Open XML layer: reading packages safely, element order, direction, table layout.

The modules are imported by name (``from docgen.ooxml.X import …``); this file imports
nothing, so that a command loads only the modules it runs.
"""
