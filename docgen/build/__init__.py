"""What a spec yields, written out: documents, the manifest, the batch run.

The modules are imported by name (``from docgen.build.X import …``); this file imports
nothing, so that a command loads only the modules it runs.
"""
