"""What docgen accepts in a Word package it opens: one set of limits and one DOCTYPE rule.

Templates, redline inputs and anything else docgen reads as a DOCX go through
:func:`docgen.ooxml.archive.read_members` and :func:`docgen.ooxml.archive.parse_part`, which
apply these rules; a safety fix made here reaches every reader.

- Size: at most :data:`MAX_PARTS` members, :data:`MAX_PART_BYTES` in one part and
  :data:`MAX_TOTAL_BYTES` in all, counted on the bytes actually inflated (a zip's own sizes can
  lie), so a zip bomb is refused before it fills the memory.
- Entities: a part that declares a DOCTYPE or an entity anywhere is refused (Word never writes
  one), and the parser resolves nothing, loads no DTD and reaches no network even so.
"""

from __future__ import annotations

from typing import Any, Iterable

from lxml import etree

#: The most members (parts and folders) a package may have.
MAX_PARTS = 5000
#: The most bytes one part may inflate to.
MAX_PART_BYTES = 32 * 1024 * 1024
#: The most bytes all the parts together may inflate to.
MAX_TOTAL_BYTES = 128 * 1024 * 1024

#: The largest DOCX file docgen reads (its zip, before inflating).
MAX_FILE_BYTES = 64 * 1024 * 1024

#: How an OLE compound file starts: a password-protected DOCX or an old binary .doc.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def declares_entities(data: bytes) -> bool:
    """Tell whether an XML part declares a DOCTYPE or an entity, anywhere in it.

    >>> declares_entities(b'<?xml version="1.0"?><w:document/>')
    False
    >>> declares_entities(b'<?xml version="1.0"?>' + b' ' * 4096 + b'<!DOCTYPE d>')
    True
    >>> declares_entities(b'<d>Hello!</d><!-- a comment --><!ENTITY e "x">')
    True
    """
    if b"!" not in data:  # one memchr: most parts have no "!" at all (each search is 60x that)
        return False
    return b"<!DOCTYPE" in data or b"<!ENTITY" in data


def safe_parser() -> etree.XMLParser:
    """Return a new parser that resolves no entities, loads no DTD and reaches no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_blank_text=False)


def out_of_memory(error: etree.XMLSyntaxError) -> MemoryError | None:
    """Return a :class:`MemoryError` when the parser failed for want of memory (libxml2's
    ``XML_ERR_NO_MEMORY``, shown as "line 0: unknown error"), not for the XML it read: such a
    part is well formed, and saying otherwise would send the user to repair a sound file."""
    no_memory = etree.ErrorTypes.ERR_NO_MEMORY
    entries: Iterable[Any] = getattr(error, "error_log", None) or ()  # the stubs lack both
    if getattr(error, "code", None) == no_memory or any(e.type == no_memory for e in entries):
        return MemoryError("the XML parser ran out of memory")
    return None
