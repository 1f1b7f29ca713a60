"""A throwaway signing identity for tests: a self-signed certificate and its key, made on the
spot (nothing is read from disk or the network), and a pyHanko signer for it."""

from __future__ import annotations

import datetime as dt
import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore


def identity(name: str = "Test Superintendent") -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, True, False, False,
                                         False), critical=True)
            .sign(key, hashes.SHA256()))
    return cert, key


def signer(cert: x509.Certificate, key: rsa.RSAPrivateKey) -> signers.SimpleSigner:
    der_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    der_key = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=der_cert, signing_key=der_key,
                                cert_registry=SimpleCertificateStore.from_certs([der_cert]))


def pkcs12_bytes(cert: x509.Certificate, key: rsa.RSAPrivateKey, password: bytes) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"test", key, cert, None, serialization.BestAvailableEncryption(password))


def sign(data: bytes, field: str, who: signers.SimpleSigner) -> bytes:
    """``data`` with its empty signature field ``field`` signed by ``who``."""
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)),
                     signers.PdfSignatureMetadata(field_name=field), signer=who, output=out)
    return out.getvalue()


def edit_page_text(data: bytes, index: int) -> bytes:
    """``data`` with one glyph of page ``index``'s text changed, as a later revision (an edit
    made after signing, as a PDF editor saves it)."""
    import re

    from pyhanko.pdf_utils import generic

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][index]
    stream = page["/Contents"]
    if isinstance(stream, generic.ArrayObject):
        stream = stream[0]
    content = stream.data
    m = re.search(rb"<([0-9A-Fa-f]{4})", content)
    assert m, "no glyph string on the page"
    glyph = b"%04X" % (int(m.group(1), 16) + 1)
    stream._data = content[:m.start(1)] + glyph + content[m.end(1):]
    stream._encoded_data = None
    writer.update_container(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
