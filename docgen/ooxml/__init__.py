"""The one Office Open XML layer: reading and writing packages, element order, direction, layout.

``limits`` (the one set of limits and DOCTYPE rule), ``archive`` (the one reader, XML parse and
reproducible writer), ``package`` (a Word package to edit: parts, relationships, content types),
``sequence`` (children in schema order), ``direction`` (language and direction marks) and
``layout`` (fitting column-loop tables). The modules are imported by name
(``from docgen.ooxml.X import …``); this file imports nothing, so that a command loads only the
modules it runs.
"""
