"""PDFs: the pool of LibreOffice workers, the script their Python runs, pinning, the signing packet.

The modules are imported by name (``from docgen.pdf.X import …``); this file imports
nothing, so that a command loads only the modules it runs.
"""
