"""The signing packet: every PDF of a spec in one file, with its source spec attached.

``packet.pdf`` holds the MOU, the data-sharing agreement and the role chart (and later the family
notices), with a bookmark per document (the documents' own headings beneath it), page labels
that restart for each document, document info naming the school, partner and school year, and
the spec itself as the attachment ``spec.json``, so a signed packet carries its own source.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

from .. import __version__
from ..errors import PacketError
from ..inputs import InputRefused, read_input
from .pin import pin_pdf

SPEC_ATTACHMENT = "spec.json"

#: The largest packet ``spec-from-pdf`` reads; a packet is a few megabytes.
MAX_PACKET_BYTES = 256 * 1024 * 1024


def assemble_packet(parts: list[tuple[str, str, bytes]], *, title: str, subject: str,
                    keywords: str, spec_bytes: bytes, when: dt.datetime) -> bytes:
    """Return one PDF of ``parts`` (bookmark title, page-label prefix, PDF bytes)."""
    writer = PdfWriter()
    start = 0
    for bookmark, prefix, data in parts:
        reader = PdfReader(io.BytesIO(data))
        writer.append(reader, outline_item=bookmark)
        count = len(reader.pages)
        writer.set_page_label(start, start + count - 1, style=PageLabelStyle.DECIMAL,
                              prefix=prefix, start=1)
        start += count
    stamp = "D:" + when.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S") + "Z"
    writer.add_metadata({
        "/Title": title, "/Subject": subject, "/Keywords": keywords, "/Author": "docgen",
        "/Creator": f"docgen {__version__}", "/Producer": f"docgen {__version__} (pypdf)",
        "/CreationDate": stamp, "/ModDate": stamp,
    })
    writer.add_attachment(SPEC_ATTACHMENT, spec_bytes)
    writer.page_mode = "/UseOutlines"
    buf = io.BytesIO()
    writer.write(buf)
    return pin_pdf(buf.getvalue(), when)


def spec_from_packet(path: Path) -> bytes:
    """Return the spec attached to the packet at ``path``."""
    try:
        reader = PdfReader(io.BytesIO(read_input(path, MAX_PACKET_BYTES, "signing packet")))
        attached = reader.attachments.get(SPEC_ATTACHMENT)
    except InputRefused as e:
        raise PacketError.at(str(path), e.reason) from None
    except FileNotFoundError:
        raise PacketError.at(str(path), "no such file") from None
    except LimitReachedError:
        raise PacketError.at(str(path), f"its {SPEC_ATTACHMENT} attachment inflates to more "
                          "than docgen reads (a compression bomb, or not a packet docgen "
                          "built); docgen will not read it") from None
    except (PdfReadError, PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError,
            RecursionError, MemoryError):
        raise PacketError.at(str(path), "is not a PDF docgen can read, or it is damaged") from None
    if not attached:
        raise PacketError.at(str(path), f"has no {SPEC_ATTACHMENT} attached; only a packet.pdf "
                          "built by docgen carries its spec")
    return attached[0]
