"""``encryptedCredential``: a credential Data Factory holds encrypted.

ADF Studio writes a linked service's credential encrypted (by ADF, or by the self-hosted
integration runtime that will use it) and then omits the secret it stands for. Only ADF
can read it: here it is kept verbatim, never shown as a secret to type, and a connection
test needs the secret typed for that test only. The schema marks such a property with
``"encryptedCredentialOf": "<the secret property it holds>"``.

When ADF encrypted the secret itself, ADF Studio may also write the secret beside the
encrypted credential as the mask, ``{"type": "SecureString", "value": "**********"}``
(ODBC and other linked services, Azure-SSIS integration runtimes): that mask stands for a
secret ADF holds (:func:`held_by_adf`). It is kept as written and counts as absent: a
connection test asks for it as for an omitted one.
"""

from __future__ import annotations

from typing import Any

from connectors.base import ConnectorVersion
from connectors.secrets import MASK, is_secure_string

KEYWORD = "encryptedCredentialOf"
ENCRYPTED_CREDENTIAL = "encryptedCredential"


def is_mask(value: Any) -> bool:
    """A secure string holding the mask, not a value."""
    return is_secure_string(value) and value.get("value") == MASK


def _holds_encrypted_credential(node: Any) -> bool:
    return isinstance(node, dict) and node.get(ENCRYPTED_CREDENTIAL) not in (None, "")


def held_by_adf(properties: Any, path: tuple[str | int, ...]) -> bool:
    """Whether the secure string at ``path`` (from ``properties``) sits in an object, or
    under one, that holds an ``encryptedCredential``: then its mask stands for a secret
    ADF holds, not a value to type."""
    node = properties
    for key in path[:-1]:
        if _holds_encrypted_credential(node):
            return True
        if isinstance(node, dict) and isinstance(key, str):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return False
    return _holds_encrypted_credential(node)


def held_credentials(version: ConnectorVersion) -> dict[str, str]:
    """encrypted-credential property -> the secret property it holds, from the schema."""
    return {
        name: str(schema[KEYWORD])
        for name, schema in version.type_properties_schema.get("properties", {}).items()
        if KEYWORD in schema
    }


def held_secrets(version: ConnectorVersion, type_properties: Any) -> list[tuple[str, str]]:
    """(encrypted credential, secret) pairs whose secret only the encrypted one holds:
    the secret omitted, or written as the mask beside it."""
    if not isinstance(type_properties, dict):
        return []
    return [
        (held, secret)
        for held, secret in held_credentials(version).items()
        if type_properties.get(held) not in (None, "")
        and (type_properties.get(secret) in (None, False) or is_mask(type_properties.get(secret)))
    ]


def with_one_off_secret(
    version: ConnectorVersion, properties: dict[str, Any], value: str | None
) -> dict[str, Any]:
    """A copy of ``properties`` (secrets in clear) with ``value`` standing in, for one
    connection test, for each secret only an encrypted credential holds."""
    type_properties = properties.get("typeProperties")
    pairs = held_secrets(version, type_properties)
    if not pairs:
        return properties
    assert isinstance(type_properties, dict)
    filled = dict(type_properties)
    for _, secret in pairs:
        if value:
            filled[secret] = {"type": "SecureString", "value": value}
        elif is_mask(filled.get(secret)):
            del filled[secret]  # the mask is no value: as if omitted
    return {**properties, "typeProperties": filled}


def one_off_needed(version: ConnectorVersion, type_properties: Any) -> str | None:
    """What a connection test needs typed, or None."""
    pairs = held_secrets(version, type_properties)
    if not pairs:
        return None
    held, secret = pairs[0]
    return (
        f"The {secret} is held encrypted by Data Factory ({held}), which only ADF and its "
        f"integration runtime can read. Type the {secret} for this test: it is used for "
        f"this test only and never stored."
    )
