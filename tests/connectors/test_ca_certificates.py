"""CA certificates uploaded for one connection test: PEM text, bounded, parsed."""

from __future__ import annotations

import pytest

from connectors.ca_certificates import MAX_PEM_CHARS, CaCertificateError, parse_ca_pem, subjects
from tests.pki import TestPki


def test_a_pem_ca_certificate_is_accepted_and_named(pki: TestPki) -> None:
    pem = parse_ca_pem(pki.ca_pem.read_text())
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    assert "CN=Linkwright Test CA" in subjects(pem)


def test_a_bundle_keeps_every_certificate_and_drops_anything_else(pki: TestPki) -> None:
    text = (
        "comment line\n"
        + pki.ca_pem.read_text()
        + pki.self_signed.key_pem.read_text()
        + pki.self_signed.cert_pem.read_text()
    )
    pem = parse_ca_pem(text)
    assert pem.count("BEGIN CERTIFICATE") == 2
    assert "PRIVATE KEY" not in pem and "comment" not in pem


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "must be PEM text"),
        ("root:x:0:0:root:/root:/bin/bash\n", "must be PEM text"),
        (
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
            "could not be read as PEM",
        ),
        ("x" * (MAX_PEM_CHARS + 1), f"at most {MAX_PEM_CHARS}"),
    ],
)
def test_anything_but_pem_certificates_is_refused_clearly(text: str, why: str) -> None:
    with pytest.raises(CaCertificateError, match=why):
        parse_ca_pem(text)
