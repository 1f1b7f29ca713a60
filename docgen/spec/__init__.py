"""Read a spec with the position of every value, check it against the schema and the domain rules.

The modules are imported by name (``from docgen.spec.X import …``); this file imports
nothing, so that a command loads only the modules it runs.
"""
