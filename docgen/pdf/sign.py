"""``docgen sign``: the district's certification signature on a signing packet.

A certification signature (DocMDP, ISO 32000-1, 12.8.2.2) is the first signature of a file;
docgen's allows what comes after it to be form filling and signing only (MDPPerm.FILL_FORMS), so
each signatory can still sign their field, and any other change breaks the certification. The
signature goes in a field of its own, invisible (not on any page), named ``Certification``.
"""

from __future__ import annotations

import io

from ..errors import PacketError

CERTIFICATION_FIELD = "Certification"


def certify(path: str, data: bytes, pkcs12: bytes, password: bytes | None, pkcs12_name: str,
            reason: str = "Certified by the district as the packet docgen built") -> bytes:
    """Return the packet ``data`` (read from ``path`` by docgen's bounded reader) with a certification signature by the
    key and certificate in ``pkcs12``; raise :class:`PacketError` with one line for a packet
    already signed, a PKCS#12 file that cannot be opened, or one that holds no key."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.fields import MDPPerm

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
    try:
        signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(data), strict=False),
            signers.PdfSignatureMetadata(field_name=CERTIFICATION_FIELD, certify=True,
                                         docmdp_permissions=MDPPerm.FILL_FORMS,
                                         reason=reason),
            signer=signer, output=out)
    except Exception as e:  # noqa: BLE001 - pyHanko's refusal, in one line
        raise PacketError.at(path, f"cannot be signed ({type(e).__name__}: {e})") from None
    return out.getvalue()

