"""CA certificates uploaded for one connection test (PEM text, never a file path).

A linked service may name a CA file (Spark 1.0 ``trustedCertPath``) that lives on the
self-hosted integration runtime's machine. The portal never opens such a path; a user
may instead upload the CA certificate with a test, and this module checks that text.
"""

from __future__ import annotations

MAX_PEM_CHARS = 64 * 1024
"""The most an uploaded CA bundle may hold (a few dozen certificates)."""


class CaCertificateError(ValueError):
    """The uploaded text is not a usable CA certificate; the message says why."""


def parse_ca_pem(text: str) -> str:
    """The certificates of ``text`` re-encoded as PEM (anything else in it dropped).

    Raises :class:`CaCertificateError` when ``text`` is too long, holds no PEM
    certificate, or a certificate block does not parse.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    if len(text) > MAX_PEM_CHARS:
        raise CaCertificateError(
            f"The CA certificate is {len(text)} characters long; at most {MAX_PEM_CHARS} "
            "are accepted."
        )
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise CaCertificateError(
            "The CA certificate must be PEM text starting with "
            "'-----BEGIN CERTIFICATE-----' (convert a DER file with "
            "'openssl x509 -inform der -in ca.cer -out ca.pem')."
        )
    try:
        certificates = x509.load_pem_x509_certificates(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CaCertificateError(f"The CA certificate could not be read as PEM: {exc}") from None
    return "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in certificates)


def subjects(pem: str) -> str:
    """The subjects of the certificates in ``pem`` (already parsed), for a report line."""
    from cryptography import x509

    certificates = x509.load_pem_x509_certificates(pem.encode("ascii"))
    return "; ".join(c.subject.rfc4514_string() for c in certificates)
