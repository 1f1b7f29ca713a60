"""Languages and translations: locale tags, gettext catalogs, their plural rules, checking and extraction.

The modules are imported by name (``from docgen.i18n.X import …``); this file imports
nothing, so that a command loads only the modules it runs.
"""
