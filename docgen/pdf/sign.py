"""``docgen sign``: the district's certification signature on a signing packet.

A certification signature (DocMDP, ISO 32000-1, 12.8.2.2) is the first signature of a file;
docgen's allows what comes after it to be form filling and signing only (MDPPerm.FILL_FORMS), so
each signatory can still sign their field, and any other change breaks the certification. The
signature goes in a field of its own, invisible (a widget of no size on the first page),
named ``Certification``, described by who certified, and tagged as a ``/Form`` element of the
packet's ``/Document`` (PDF/A forbids hiding it, so PDF/UA wants it tagged).
"""

from __future__ import annotations

import io
from typing import Any

from ..errors import PacketError

CERTIFICATION_FIELD = "Certification"


def _writer_class() -> type[Any]:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class KeepMetadata(IncrementalPdfFileWriter):
        """pyHanko's incremental writer, leaving the document info and XMP as docgen wrote
        them: pyHanko would stamp both with the time of signing and rewrite the XMP without
        the PDF/UA schema declaration PDF/A needs (the signature has its own time)."""

        def _update_meta(self) -> None:
            return None

    return KeepMetadata


def certify(path: str, data: bytes, pkcs12: bytes, password: bytes | None, pkcs12_name: str,
            reason: str = "Certified by the district as the packet docgen built") -> bytes:
    """Return the packet ``data`` (read from ``path`` by docgen's bounded reader) with a certification signature by the
    key and certificate in ``pkcs12``; raise :class:`PacketError` with one line for a packet
    already signed, a PKCS#12 file that cannot be opened, or one that holds no key."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.fields import MDPPerm, SigFieldSpec, append_signature_field

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, (), passphrase=password)
    except Exception:  # noqa: BLE001 - pyHanko's errors for a bad file or password vary
        signer = None
    if signer is None or signer.signing_cert is None:
        raise PacketError.at(pkcs12_name, "cannot be opened as a PKCS#12 key and certificate "
                             "with that password (check the password, or export the key "
                             "again as .p12/.pfx)")
    try:
        already = list(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures)
    except Exception:  # noqa: BLE001 - pyHanko's reader refuses it: one line, no traceback
        raise PacketError.at(path, "is not a PDF docgen can read, or it is damaged") from None
    if already:
        raise PacketError.at(path, f"is already signed ({already[0].field_name}); a "
                             "certification signature must come first: certify the packet "
                             "docgen built, before anyone signs it")
    out = io.BytesIO()
    subject = signer.signing_cert.subject
    who = str(subject.native.get("common_name") or subject.human_friendly)
    try:
        writer = _writer_class()(io.BytesIO(data), strict=False)
        description = f"Certification signature of {who}"
        append_signature_field(writer, SigFieldSpec(CERTIFICATION_FIELD,
                                                    readable_field_name=description))
        _tag(writer, description)
        signers.sign_pdf(
            writer, signers.PdfSignatureMetadata(field_name=CERTIFICATION_FIELD, certify=True,
                                                 docmdp_permissions=MDPPerm.FILL_FORMS,
                                                 reason=reason),
            signer=signer, output=out)
    except Exception as e:  # noqa: BLE001 - pyHanko's refusal, in one line
        raise PacketError.at(path, f"cannot be signed ({type(e).__name__}: {e})") from None
    return out.getvalue()



def _tag(writer: Any, description: str) -> None:
    """Tag the certification field's widget in the structure tree, as docgen's other fields
    are (:func:`docgen.pdf.fields.tag_fields`), within the signature's own revision."""
    from pyhanko.pdf_utils import generic

    root = writer.root
    if "/StructTreeRoot" not in root:
        return
    tree = root["/StructTreeRoot"]

    def number(n: int) -> Any:
        return generic.NumberObject(n)  # type: ignore[no-untyped-call]

    def dictionary(items: dict[Any, Any]) -> Any:
        return generic.DictionaryObject(items)  # type: ignore[no-untyped-call]
    widget_ref = next(ref for ref in root["/AcroForm"]["/Fields"]
                      if ref.get_object().get("/T") == CERTIFICATION_FIELD)
    widget = widget_ref.get_object()
    page_ref = widget.raw_get("/P") if "/P" in widget else root["/Pages"]["/Kids"].raw_get(0)
    document_ref = tree["/K"].raw_get(0) if isinstance(tree["/K"], generic.ArrayObject) \
        else tree.raw_get("/K")
    document = document_ref.get_object()
    key = int(tree.get("/ParentTreeNextKey", 0))
    form = writer.add_object(dictionary({
        generic.NameObject("/Type"): generic.NameObject("/StructElem"),
        generic.NameObject("/S"): generic.NameObject("/Form"),
        generic.NameObject("/P"): document_ref,
        generic.NameObject("/Pg"): page_ref,
        generic.NameObject("/Alt"): generic.TextStringObject(description),
        generic.NameObject("/K"): dictionary({
            generic.NameObject("/Type"): generic.NameObject("/OBJR"),
            generic.NameObject("/Obj"): widget_ref,
            generic.NameObject("/Pg"): page_ref}),
    }))
    document["/K"].append(form)
    writer.update_container(document)
    widget[generic.NameObject("/StructParent")] = number(key)
    writer.update_container(widget)
    parents = tree["/ParentTree"]
    parents["/Nums"].append(number(key))
    parents["/Nums"].append(form)
    writer.update_container(parents)
    tree[generic.NameObject("/ParentTreeNextKey")] = number(key + 1)
    writer.update_container(tree)
    page = page_ref.get_object()
    page[generic.NameObject("/Tabs")] = generic.NameObject("/S")
    writer.update_container(page)
