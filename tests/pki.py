"""Throw-away certificates for TLS tests, made with ``cryptography``.

A test CA, server certificates signed by it, a self-signed certificate and an
expired one; each written as PEM (certificate, key) and PKCS12 (for Java).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.fixture_secrets import KEYSTORE_PASSWORD


@dataclass(frozen=True)
class IssuedCert:
    cert_pem: Path
    key_pem: Path
    pkcs12: Path
    subject: str


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Linkwright tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _san(dns: list[str], ips: list[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    entries += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    return x509.SubjectAlternativeName(entries)


class TestPki:
    """Creates all test certificates under ``directory`` on construction."""

    __test__ = False

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        self._ca_key = ec.generate_private_key(ec.SECP256R1())
        self._ca_name = _name("Linkwright Test CA")
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(self._ca_name)
            .issuer_name(self._ca_name)
            .public_key(self._ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self._ca_key.public_key()),
                critical=False,
            )
            .sign(self._ca_key, hashes.SHA256())
        )
        self._ca_cert = ca_cert
        self.ca_pem = directory / "ca.pem"
        self.ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        # SAN DNS:localhost, IP:127.0.0.1 as the server certificates in the facts.
        self.server = self._issue("server", "localhost", ["localhost"], ["127.0.0.1"])
        self.self_signed = self._issue(
            "selfsigned", "localhost", ["localhost"], ["127.0.0.1"], self_signed=True
        )
        self.expired = self._issue(
            "expired",
            "localhost",
            ["localhost"],
            ["127.0.0.1"],
            not_after=now - dt.timedelta(days=1),
        )

    def _issue(
        self,
        stem: str,
        common_name: str,
        dns: list[str],
        ips: list[str],
        *,
        self_signed: bool = False,
        not_after: dt.datetime | None = None,
    ) -> IssuedCert:
        now = dt.datetime.now(dt.UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _name(common_name if not self_signed else f"{common_name} (self-signed)")
        issuer_key = key if self_signed else self._ca_key
        issuer_name = subject if self_signed else self._ca_name
        not_after = not_after or now + dt.timedelta(days=30)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(min(now, not_after) - dt.timedelta(days=2))
            .not_valid_after(not_after)
            .add_extension(_san(dns, ips), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        )
        if not self_signed:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._ca_key.public_key()),
                critical=False,
            )
        cert = builder.sign(issuer_key, hashes.SHA256())
        cert_pem = self.directory / f"{stem}.pem"
        key_pem = self.directory / f"{stem}.key"
        p12 = self.directory / f"{stem}.p12"
        cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_pem.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        # Legacy PBE/SHA1 encryption: readable by every Java 17 build.
        encryption = (
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(50000)
            .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
            .hmac_hash(hashes.SHA1())
            .build(KEYSTORE_PASSWORD.encode())
        )
        chain = None if self_signed else [self._ca_cert]
        p12.write_bytes(
            pkcs12.serialize_key_and_certificates(stem.encode(), key, cert, chain, encryption)
        )
        return IssuedCert(cert_pem, key_pem, p12, subject.rfc4514_string())
