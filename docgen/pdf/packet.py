"""The signing packet: every PDF of a spec in one file, with its source spec attached.

``packet.pdf`` holds the MOU, the data-sharing agreement and the role chart (and later the family
notices), with a bookmark per document (the documents' own headings beneath it), page labels
that restart for each document, document info naming the school, partner and school year, and
the spec itself as the attachment ``spec.json``, so a signed packet carries its own source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zlib
from pathlib import Path
from typing import Any, Sequence

import pikepdf
from pikepdf import Name

from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

from .. import __version__
from ..errors import PacketError
from ..inputs import InputRefused, read_input, size_words
from ..spec.read import MAX_SPEC_BYTES
from .fields import PageTexts, Signatory, add_fields, find_fields, tag_fields
from .xmp import packet_xmp

SPEC_ATTACHMENT = "spec.json"

#: The largest packet ``spec-from-pdf`` reads; a packet is a few megabytes.
MAX_PACKET_BYTES = 256 * 1024 * 1024


def assemble_packet(parts: list[tuple[str, str, bytes]], *, title: str, subject: str,
                    keywords: str, spec_bytes: bytes, when: dt.datetime,
                    lang: str = "en-US", signatories: Sequence[Signatory] = (),
                    signed_parts: Sequence[str] | None = None) -> bytes:
    """One PDF of ``parts`` (:func:`assemble_packet_and_texts`, without its pages' text)."""
    return assemble_packet_and_texts(
        parts, title=title, subject=subject, keywords=keywords, spec_bytes=spec_bytes,
        when=when, lang=lang, signatories=signatories, signed_parts=signed_parts)[0]


def assemble_packet_and_texts(
        parts: list[tuple[str, str, bytes]], *, title: str, subject: str, keywords: str,
        spec_bytes: bytes, when: dt.datetime, lang: str = "en-US",
        signatories: Sequence[Signatory] = (), signed_parts: Sequence[str] | None = None
) -> tuple[bytes, list[str]]:
    """Return one PDF of ``parts`` (bookmark title, page-label prefix, PDF bytes): PDF/A-3b,
    tagged, the parts' structure trees under one ``/Document`` (each part a ``/Part`` in its
    own language), ``spec_bytes`` attached as ``spec.json`` (an associated file, the packet's
    source), its ``title`` shown in the reader's window title, and an empty signature field
    for each of ``signatories`` on each signature block naming them (:mod:`.fields`) in the
    parts whose bookmarks ``signed_parts`` lists (None: every part); and the text of each of
    its pages (:func:`page_texts`).

    The pages' text is read once, before the signature fields are added, by the same text
    extraction that finds the signature blocks: the fields are annotations, which text
    extraction does not read, and nothing after them changes a page's content stream or a
    font's encoding, so it is the text of the packet returned (tests/test_packet.py checks
    the manifest's hashes against the packet's own)."""
    pdf = pikepdf.new()
    tree = _Tree(pdf, title, lang)
    labels: list[Any] = []
    spans: list[tuple[str, str, int, int]] = []
    marks: list[pikepdf.OutlineItem] = []
    intents: Any = None
    for index, (bookmark, prefix, data) in enumerate(parts):
        src = pikepdf.open(io.BytesIO(data))
        start = len(pdf.pages)
        where = {page.obj.objgen: start + i for i, page in enumerate(src.pages)}
        pdf.pages.extend(src.pages)
        spans.append((bookmark, prefix, start, len(src.pages)))
        tree.add_part(src, pdf.pages[start:], bookmark, index)
        if intents is None and "/OutputIntents" in src.Root:
            intents = _copy(pdf, src, src.Root.OutputIntents)
        labels += [start, pikepdf.Dictionary(S=Name.D, P=pikepdf.String(prefix), St=1)]
        item = pikepdf.OutlineItem(bookmark, start)
        with src.open_outline() as outline:
            item.children.extend(_outline(pdf, outline.root, where))
        marks.append(item)
    tree.finish()
    root = pdf.Root
    with pdf.open_outline() as outline:
        outline.root.extend(marks)
    root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(labels))
    root.Lang = pikepdf.String(lang)
    root.MarkInfo = pikepdf.Dictionary(Marked=True)
    root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    root.PageMode = Name.UseOutlines
    if intents is not None:
        root.OutputIntents = intents
    for page in pdf.pages:
        page.obj.Tabs = Name.S  # PDF/UA-1, 7.18.3: annotations in the structure's order
    when = when.astimezone(dt.timezone.utc)
    stamp = "D:" + when.strftime("%Y%m%d%H%M%S") + "Z"
    _attach(pdf, spec_bytes, stamp)
    texts: list[str] | None = None
    if signatories:
        blob = _save(pdf)
        reader = PageTexts(blob)
        fields = find_fields(reader, list(signatories), [
            span for span in spans if signed_parts is None or span[0] in signed_parts])
        texts = reader.texts()
        pdf = pikepdf.open(io.BytesIO(add_fields(blob, fields)))
        tag_fields(pdf, fields, [(s, c) for _, _, s, c in spans])
        root = pdf.Root
    info = {"/Title": title, "/Subject": subject, "/Keywords": keywords, "/Author": "docgen",
            "/Creator": f"docgen {__version__}", "/Producer": f"docgen {__version__} (pikepdf)",
            "/CreationDate": stamp, "/ModDate": stamp}
    pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(
        {k: pikepdf.String(v) for k, v in info.items()}))
    xmp = packet_xmp(title=title, subject=subject, keywords=keywords, author=info["/Author"],
                     creator=info["/Creator"], producer=info["/Producer"],
                     date=when.strftime("%Y-%m-%dT%H:%M:%SZ"), lang=lang)
    root.Metadata = pdf.make_stream(xmp.encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML)
    blob = _save(pdf)
    return blob, texts if texts is not None else page_texts(PdfReader(io.BytesIO(blob)))


def _save(pdf: pikepdf.Pdf) -> bytes:
    """``pdf``'s bytes, one revision, its identifier derived from its content."""
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True, min_version="1.7", linearize=False,
             object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buf.getvalue()


def _copy(pdf: pikepdf.Pdf, src: pikepdf.Pdf, obj: Any) -> Any:
    """``obj`` of ``src`` copied into ``pdf`` (sharing what ``src``'s pages already brought)."""
    return pdf.copy_foreign(obj if obj.is_indirect else src.make_indirect(obj))


def _attach(pdf: pikepdf.Pdf, spec_bytes: bytes, stamp: str) -> None:
    """Attach ``spec_bytes`` as ``spec.json``: an associated file of the document, its source
    (PDF/A-3, 6.8), also listed among the embedded files so every reader shows it."""
    stream = pdf.make_stream(spec_bytes, Type=Name.EmbeddedFile,
                             Subtype=Name("/application/json"))
    stream.Params = pikepdf.Dictionary(
        Size=len(spec_bytes), ModDate=pikepdf.String(stamp),
        CheckSum=pikepdf.String(hashlib.md5(spec_bytes, usedforsecurity=False).digest()))
    spec = pdf.make_indirect(pikepdf.Dictionary(
        Type=Name.Filespec, F=pikepdf.String(SPEC_ATTACHMENT),
        UF=pikepdf.String(SPEC_ATTACHMENT), AFRelationship=Name.Source,
        Desc=pikepdf.String("The partnership spec this packet was built from"),
        EF=pikepdf.Dictionary(F=stream, UF=stream)))
    pdf.Root.AF = pikepdf.Array([spec])
    pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String(SPEC_ATTACHMENT), spec])))


def _outline(pdf: pikepdf.Pdf, items: list[pikepdf.OutlineItem],
             where: dict[tuple[int, int], int]) -> list[pikepdf.OutlineItem]:
    """A part's bookmarks, pointing at its pages in the packet."""
    out = []
    for item in items:
        dest: Any = item.destination
        if dest is None and item.action is not None and item.action.get("/S") == Name.GoTo:
            dest = item.action.get("/D")
        page = None
        if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0],
                                                                        pikepdf.Dictionary):
            page = where.get(dest[0].objgen)
        copy = pikepdf.OutlineItem(item.title or "", page) if page is not None else \
            pikepdf.OutlineItem(item.title or "")
        if page is not None and isinstance(dest, pikepdf.Array) and len(dest) > 1:
            copy.destination = pikepdf.Array([pdf.pages[page].obj] + list(dest[1:]))
        copy.children.extend(_outline(pdf, item.children, where))
        out.append(copy)
    return out


class _Tree:
    """The packet's one structure tree, a part at a time: each part's elements go under one
    ``/Document``; page ``/StructParents`` and annotation ``/StructParent`` keys are moved past
    the parts before, with the ParentTree; role and class maps are merged (a name two parts
    map differently is renamed in the later one) and element ids kept unique."""

    def __init__(self, pdf: pikepdf.Pdf, title: str, lang: str) -> None:
        self.pdf = pdf
        self.root = pdf.make_indirect(pikepdf.Dictionary(Type=Name.StructTreeRoot))
        self.document = pdf.make_indirect(pikepdf.Dictionary(
            Type=Name.StructElem, S=Name.Document, P=self.root, T=pikepdf.String(title),
            Lang=pikepdf.String(lang), K=pikepdf.Array()))
        self.root.K = pikepdf.Array([self.document])
        self.nums: list[tuple[int, Any]] = []
        self.next_key = 0
        self.roles: dict[str, Any] = {}
        self.classes: dict[str, Any] = {}
        self.ids: dict[bytes, Any] = {}

    def add_part(self, src: pikepdf.Pdf, pages: Any, bookmark: str, index: int) -> None:
        old = src.Root.get("/StructTreeRoot")
        if old is None:
            return
        tree = _copy(self.pdf, src, old)
        offset, last = self.next_key, -1
        if "/ParentTree" in tree:
            for key, value in pikepdf.NumberTree(tree.ParentTree).items():
                self.nums.append((int(key) + offset, value))
                last = max(last, int(key))
        self.next_key = offset + max(last + 1, int(tree.get("/ParentTreeNextKey", 0)))
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", []):
                if isinstance(annot, pikepdf.Dictionary) and "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        roles = self._merge(self.roles, tree.get("/RoleMap"), index)
        classes = self._merge(self.classes, tree.get("/ClassMap"), index)
        kids = tree.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        lang = src.Root.get("/Lang")
        if (len(kids) == 1 and isinstance(kids[0], pikepdf.Dictionary)
                and kids[0].get("/S") == Name.Document):
            part = kids[0]
            part.S = Name.Part
        else:
            part = self.pdf.make_indirect(pikepdf.Dictionary(
                Type=Name.StructElem, S=Name.Part, K=pikepdf.Array(kids)))
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary):
                    kid.P = part
        part.P = self.document
        part.T = pikepdf.String(bookmark)
        if lang is not None and "/Lang" not in part:
            part.Lang = pikepdf.String(str(lang))
        self.document.K.append(part)
        self._walk(part, roles, classes, index)

    def _merge(self, into: dict[str, Any], given: Any, index: int) -> dict[str, str]:
        """Merge a part's role or class map ``given`` into ``into``; return the part's names to
        rename (one another part maps differently)."""
        renames: dict[str, str] = {}
        if not isinstance(given, pikepdf.Dictionary):
            return renames
        for key, value in given.items():
            name = key
            if key in into and repr(into[key]) != repr(value):
                name = f"{key}-{index + 1}"
                renames[key] = name
            into[name] = value
        return renames

    def _walk(self, top: Any, roles: dict[str, str], classes: dict[str, str],
              index: int) -> None:
        """Rename a part's elements' roles and classes, and keep their ids unique."""
        seen: set[tuple[int, int]] = set()
        stack = [top]
        while stack:
            elem = stack.pop()
            if not isinstance(elem, pikepdf.Dictionary) or elem.get("/Type") in (
                    Name.MCR, Name.OBJR):
                continue
            if elem.is_indirect:
                if elem.objgen in seen:
                    continue
                seen.add(elem.objgen)
            if "/S" not in elem:
                continue
            role = str(elem.S)
            if role in roles:
                elem.S = Name(roles[role])
            c = elem.get("/C")
            if isinstance(c, pikepdf.Name) and str(c) in classes:
                elem.C = Name(classes[str(c)])
            elif isinstance(c, pikepdf.Array):
                elem.C = pikepdf.Array([Name(classes[str(x)]) if isinstance(x, pikepdf.Name)
                                        and str(x) in classes else x for x in c])
            ident = elem.get("/ID")
            if isinstance(ident, pikepdf.String):
                raw = bytes(ident)
                if raw in self.ids:
                    raw = raw + b"-" + str(index + 1).encode()
                    elem.ID = pikepdf.String(raw)
                self.ids[raw] = elem
            kids = elem.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(reversed(list(kids)))
            elif kids is not None:
                stack.append(kids)

    def finish(self) -> None:
        """Write the merged ParentTree, role map, class map and id tree; put the tree in the
        catalog."""
        nums: list[Any] = []
        for key, value in sorted(self.nums, key=lambda kv: kv[0]):
            nums += [key, value]
        self.root.ParentTree = self.pdf.make_indirect(pikepdf.Dictionary(
            Nums=pikepdf.Array(nums)))
        self.root.ParentTreeNextKey = self.next_key
        if self.roles:
            self.root.RoleMap = pikepdf.Dictionary({k: self.roles[k] for k in sorted(self.roles)})
        if self.classes:
            self.root.ClassMap = pikepdf.Dictionary(
                {k: self.classes[k] for k in sorted(self.classes)})
        if self.ids:
            names: list[Any] = []
            for raw in sorted(self.ids):
                names += [pikepdf.String(raw), self.ids[raw]]
            self.root.IDTree = pikepdf.Dictionary(Names=pikepdf.Array(names))
        self.pdf.Root.StructTreeRoot = self.root


#: The most attachments a packet docgen reads holds (docgen's has one)
MAX_ATTACHMENTS = 64


def page_texts(reader: PdfReader) -> list[str]:
    """The text of each page of ``reader``, its white space made single spaces (the text a
    signer reads, not how the PDF lays it out)."""
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def text_hashes(texts: list[str]) -> list[str]:
    """The SHA-256 of each page's text ``texts`` (:func:`page_texts`)."""
    return [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in texts]


def page_text_hashes(data: bytes) -> list[str]:
    """The SHA-256 of each page's text (:func:`page_texts`) of the PDF ``data``."""
    return text_hashes(page_texts(PdfReader(io.BytesIO(data))))


def _refusal(e: BaseException) -> str | None:
    """What a pypdf failure means for the user, or None if it is not one of pypdf's."""
    if isinstance(e, LimitReachedError):
        return ("holds a stream that inflates to more than docgen reads (a compression bomb, "
                "or not a packet docgen built); docgen will not read it")
    if isinstance(e, (PdfReadError, PyPdfError, OSError, ValueError, KeyError, TypeError,
                      AttributeError, IndexError, RecursionError, MemoryError, AssertionError,
                      ZeroDivisionError)):
        return "is not a PDF docgen can read, or it is damaged"
    return None


class PacketFile:
    """A signing packet read under docgen's bounds: its bytes, and, when asked, its pages'
    text, its page labels and its attached spec (pypdf's failures become
    :class:`PacketError`)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data = name, data
        self.reader = self._guard(lambda: PdfReader(io.BytesIO(data)))
        if self._guard(lambda: self.reader.is_encrypted):
            raise PacketError.at(name, "is encrypted; a packet docgen built is not, and docgen "
                                 "does not open encrypted files (ask for the copy as signed, "
                                 "unencrypted)")
        self._texts: list[str] | None = None
        self._spec: tuple[bytes | None] | None = None

    def _guard(self, fn: Any) -> Any:
        try:
            return fn()
        except PacketError:
            raise
        except Exception as e:  # noqa: BLE001 - only pypdf's own failures are translated
            reason = _refusal(e)
            if reason is None:
                raise
            raise PacketError.at(self.name, reason) from None

    @property
    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = self._guard(lambda: page_texts(self.reader))
        return self._texts

    @property
    def labels(self) -> list[str]:
        return list(self._guard(lambda: list(self.reader.page_labels)))

    @property
    def spec(self) -> bytes | None:
        """The attached ``spec.json``, or None; refused (PacketError) if there are more
        attachments than a packet holds, or it inflates past a spec's size."""
        if self._spec is None:
            self._spec = (self._guard(self._read_spec),)
        return self._spec[0]

    def _read_spec(self) -> bytes | None:
        root = self.reader.trailer["/Root"]
        names = root.get("/Names")
        tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
        if tree is None:
            return None
        found: list[Any] = []
        stack, seen, visited = [tree], 0, set()
        while stack:
            ref = getattr(stack[-1], "indirect_reference", None) or stack[-1]
            node = stack.pop().get_object()
            at = (ref.idnum, ref.generation) if hasattr(ref, "idnum") else None
            if at is not None and at in visited:
                raise PacketError.at(self.name, "is damaged: its list of attachments refers to "
                                     "itself; docgen will not read it")
            if at is not None:
                visited.add(at)
            seen += 1
            if seen > MAX_ATTACHMENTS:
                raise PacketError.at(self.name, f"has more than {MAX_ATTACHMENTS} attachments, "
                                     "more than a packet docgen built; docgen will not read it")
            flat = node.get("/Names") or []
            found += list(zip(flat[0::2], flat[1::2]))
            if len(found) > MAX_ATTACHMENTS:
                raise PacketError.at(self.name, f"has more than {MAX_ATTACHMENTS} attachments, "
                                     "more than a packet docgen built; docgen will not read it")
            stack += list(node.raw_get("/Kids") if "/Kids" in node else [])
        for key, spec in found:
            if str(key) != SPEC_ATTACHMENT:
                continue
            stream = spec.get_object()["/EF"].get_object()["/F"].get_object()
            return self._inflate(stream)
        return None

    def _inflate(self, stream: Any) -> bytes:
        """The attachment's bytes, inflated no further than a spec's size."""
        raw = stream._data
        filters = stream.get("/Filter")
        filters = [filters] if not isinstance(filters, list) else list(filters)
        filters = [str(f) for f in filters if f is not None]
        if len(raw) > MAX_SPEC_BYTES:
            raise PacketError.at(self.name, f"its {SPEC_ATTACHMENT} attachment is larger than "
                                 f"{size_words(MAX_SPEC_BYTES)}, more than a spec docgen "
                                 "reads; docgen will not read it")
        if not filters:
            return bytes(raw)
        if filters != ["/FlateDecode"]:
            raise PacketError.at(self.name, f"its {SPEC_ATTACHMENT} attachment is encoded in "
                                 "a way docgen does not read (not a packet docgen built)")
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(raw, MAX_SPEC_BYTES + 1)
        except zlib.error:
            raise PacketError.at(self.name, f"its {SPEC_ATTACHMENT} attachment is damaged"
                                 ) from None
        if len(out) > MAX_SPEC_BYTES or inflater.unconsumed_tail:
            raise PacketError.at(self.name, f"its {SPEC_ATTACHMENT} attachment inflates to "
                                 "more than docgen reads (a compression bomb, or not a packet "
                                 "docgen built); docgen will not read it")
        return out


def packet_from_bytes(data: bytes, name: str) -> PacketFile:
    return PacketFile(name, data)


def page_text_hashes_of(packet: PacketFile) -> list[str]:
    """The SHA-256 of each page's text of ``packet``."""
    return text_hashes(packet.texts)


def read_packet(path: Path) -> PacketFile:
    """The packet at ``path``, read within docgen's bounds; raise :class:`PacketError`."""
    try:
        data = read_input(path, MAX_PACKET_BYTES, "signing packet")
    except InputRefused as e:
        raise PacketError.at(str(path), e.reason) from None
    except FileNotFoundError:
        raise PacketError.at(str(path), "no such file") from None
    except OSError as e:
        raise PacketError.at(str(path), f"cannot be read ({e.strerror or e})") from None
    return PacketFile(str(path), data)


def spec_from_packet(path: Path) -> bytes:
    """Return the spec attached to the packet at ``path``."""
    spec = read_packet(path).spec
    if spec is None:
        raise PacketError.at(str(path), f"has no {SPEC_ATTACHMENT} attached; only a packet.pdf "
                             "built by docgen carries its spec")
    return spec
