"""``docgen verify``: is the signing packet that came back the one docgen built, and was nothing
changed after it was signed?

Three checks, one verdict line each: the attached ``spec.json`` parses and is the spec the
build recorded; the text of every page is the text docgen built (the manifest records each
page's text SHA-256, see :func:`~docgen.pdf.packet.page_text_hashes`); every signature is
intact, cryptographically valid, and nothing but later signatures and form filling came after
it (pyHanko's validation and difference analysis; a page whose text changed is named). A
packet printed, wet-signed and scanned has no text layer: that is said, and the page count is
compared instead.

A signer's certificate is not checked against a trust list (docgen has none, and fetches
nothing): the verdict says who signed, and that the signature is intact.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..build.manifest import Manifest, read_manifest
from ..errors import PacketError
from .packet import PacketFile, page_text_hashes_of, read_packet

PACKET = "packet.pdf"


@dataclass(frozen=True)
class Verdict:
    """One check's outcome, as one line: ``spec: ok: …`` or ``text: DIFFERS: …``."""

    check: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{self.check}: {'ok' if self.ok else 'DIFFERS'}: {self.detail}"


def _record(path: Path, against: Path | None) -> Manifest | None:
    """The manifest of the build to compare with: ``against``'s, or the one beside ``path``."""
    if against is not None:
        manifest = read_manifest(against)
        if manifest is None or manifest.entry(PACKET) is None:
            raise PacketError.at(str(against), "has no manifest.json naming a packet.pdf; give "
                                 "the folder docgen built the packet in (OUT/<id>)")
        return manifest
    beside = read_manifest(path.resolve().parent)
    return beside if beside is not None and beside.entry(PACKET) is not None else None


def _page_name(packet: PacketFile, index: int) -> str:
    label = packet.labels[index] if index < len(packet.labels) else ""
    return f"page {index + 1}" + (f" ({label})" if label and label != str(index + 1) else "")


def verify_packet(path: Path, against: Path | None = None) -> list[Verdict]:
    """The verdicts on the packet at ``path``, compared with the build in ``against`` (or the
    folder the packet is in, if docgen built it there); raise :class:`PacketError` for a file
    that is not a PDF docgen can read."""
    manifest = _record(path, against)
    packet = read_packet(path)
    texts = page_text_hashes_of(packet)
    entry = manifest.entry(PACKET) if manifest is not None else None
    checks: dict[str, Any] = (entry.checks or {}) if entry is not None else {}
    built = checks.get("page_text_sha256")
    built = built if isinstance(built, list) else None
    scanned = all(not t for t in packet.texts)
    out = [_spec_verdict(packet, manifest, scanned)]
    out.append(_text_verdict(packet, texts, built, scanned, entry is not None))
    with _quiet("pyhanko", "pyhanko_certvalidator"):
        out.append(_signature_verdict(packet))
    return out


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """pyHanko logs what it finds (with tracebacks) to stderr; the library is silent."""
    loggers = [logging.getLogger(n) for n in names]
    was = [lg.level for lg in loggers]
    for lg in loggers:  # their modules' loggers inherit the level
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, before in zip(loggers, was):
            lg.setLevel(before)


def _spec_verdict(packet: PacketFile, manifest: Manifest | None, scanned: bool) -> Verdict:
    spec = packet.spec
    if spec is None:
        if scanned:
            return Verdict("spec", True, "no spec.json attached (a scanned copy has none); "
                           "not compared")
        return Verdict("spec", False, "no spec.json attached: not a packet docgen built, or "
                       "its attachment was removed")
    try:
        json.loads(spec.decode("utf-8"))
    except ValueError as e:
        return Verdict("spec", False, f"the attached spec.json is not JSON ({e})")
    digest = hashlib.sha256(spec).hexdigest()
    if manifest is None or manifest.spec.sha256 is None:
        return Verdict("spec", True, "spec.json parses; not compared with a build (give "
                       "--against OUT/<id>)")
    if digest != manifest.spec.sha256:
        return Verdict("spec", False, f"the attached spec.json is not the spec the build "
                       f"recorded ({manifest.spec.file or 'its spec'})")
    return Verdict("spec", True, f"spec.json is the spec the build recorded "
                   f"({manifest.spec.file or manifest.spec.id or 'its spec'})")


def _text_verdict(packet: PacketFile, texts: list[str], built: list[Any] | None,
                  scanned: bool, recorded: bool) -> Verdict:
    count = len(texts)
    if scanned:
        if built is None:
            return Verdict("text", True, f"no text layer (printed and scanned?): {count} pages; "
                           "no build to compare the page count with")
        ok = count == len(built)
        return Verdict("text", ok, f"no text layer (printed and scanned?): compared the page "
                       f"count only: {count} pages, docgen built {len(built)}")
    if built is None:
        return Verdict("text", True, f"{count} pages; not compared with a build (give "
                       "--against OUT/<id>)" if not recorded else f"{count} pages; not "
                       "compared: its build recorded no page text (built by an older docgen; "
                       "build it again to compare)")
    if count != len(built):
        return Verdict("text", False, f"{count} pages; docgen built {len(built)}")
    changed = [_page_name(packet, i) for i, (a, b) in enumerate(zip(texts, built)) if a != b]
    if changed:
        return Verdict("text", False, f"the text of {', '.join(changed)} is not the text "
                       "docgen built")
    return Verdict("text", True, f"the text of all {count} pages is the text docgen built")


def _signature_verdict(packet: PacketFile) -> Verdict:
    """Every signature intact and valid, and nothing but signing and form filling after it."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(packet.data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - a damaged file: say so, never a traceback
        return Verdict("signatures", False, "the signatures cannot be read (the file is "
                       "damaged)")
    if not signatures:
        return Verdict("signatures", True, "none yet")
    problems: list[str] = []
    signed: list[str] = []
    for sig in signatures:
        name = sig.field_name or "a signature"
        try:
            status = validate_pdf_signature(sig, ValidationContext(
                trust_roots=[], allow_fetching=False))
        except Exception as e:  # noqa: BLE001 - pyHanko's own refusal, named
            problems.append(f"{name}: cannot be validated ({type(e).__name__})")
            continue
        if not (status.intact and status.valid):
            problems.append(f"{name}: not intact: the signed bytes changed")
            continue
        later = status.modification_level
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        allowed = later is not None and later <= ModificationLevel.FORM_FILLING
        if not (whole or (status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and allowed
                          and status.docmdp_ok is not False)):
            pages = _changed_pages(packet, sig)
            problems.append(f"{name}: changed after signing" + (
                f" ({', '.join(pages)})" if pages else " (not only signing or form filling)"))
            continue
        subject = sig.signer_cert.subject
        who = str(subject.native.get("common_name") or subject.human_friendly)
        signed.append(f"{name} by {who}")
    if problems:
        return Verdict("signatures", False, "; ".join(problems))
    return Verdict("signatures", True, f"{len(signed)} intact, nothing changed after signing: "
                   f"{'; '.join(signed)} (certificates not checked against a trust list)")


def _changed_pages(packet: PacketFile, sig: Any) -> list[str]:
    """The pages whose text differs between the revision ``sig`` signed and the file now."""
    try:
        a, b, c, d = (int(x) for x in sig.sig_object["/ByteRange"])
        signed = read_packet_bytes(packet.data[:c + d])
    except Exception:  # noqa: BLE001 - the signed revision cannot be read: name no page
        return []
    before = page_text_hashes_of(signed)
    now = page_text_hashes_of(packet)
    names = [_page_name(packet, i) for i in range(max(len(before), len(now)))
             if i >= len(before) or i >= len(now) or before[i] != now[i]]
    return [f"{n}: its text changed" for n in names]


def read_packet_bytes(data: bytes) -> PacketFile:
    from .packet import packet_from_bytes

    return packet_from_bytes(data, "the signed revision")
