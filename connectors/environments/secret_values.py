"""Which overridden values are secrets, and the one rule for them: in an override file a
secret is a Key Vault reference or an environment token, never a clear value.

A value is a secret when the property it replaces holds a secure string or a Key Vault
reference, when its connector's JSON Schema declares the property a secret, when the new
value is a secure string, when the property's name is one ADF keeps secrets under
(``password``, ``accountKey``...), or when it is a connection string that carries a
credential (``Password=...``, ``AccountKey=...``). The messages never repeat the value.
"""

from __future__ import annotations

import json
import re
from typing import Any

from connectors.environments.lenient_json import loads_lenient
from connectors.environments.tokens import expand
from connectors.registry import get_connector, has_form
from connectors.schema_store import resolve
from connectors.secrets import MASK, SECURE_STRING, map_secure_strings

KEY_VAULT_SECRET = "AzureKeyVaultSecret"
SECRET_NAMES = frozenset(
    name.casefold()
    for name in (
        "password", "pwd", "accountKey", "sasToken", "sasUri", "servicePrincipalKey",
        "clientSecret", "accessToken", "functionKey", "secretAccessKey", "apiKey",
        "catalogAdminPassword", "privateKey", "passPhrase",
        "servicePrincipalCredential", "tenantSecret", "secret",
    )
)  # fmt: skip
"""Property names under which ADF's linked services keep secrets (any connector)."""
_CREDENTIAL_KEYS = re.compile(
    r"(?:^|;)\s*(password|pwd|accountkey|sharedaccesskey|sharedaccesssignature|sig|"
    r"client\s*secret|clientsecret)\s*=\s*([^;]*)",
    re.IGNORECASE,
)
REFUSED = (
    "A secret in an override file is a Key Vault reference or an environment token "
    "($($Env:NAME)), never a clear value: the file is kept in git, and so would the secret."
)
REFUSED_IN_PARAMETERS = (
    "A secret in an ARM parameter file is a Key Vault reference "
    '({"reference": {"keyVault": ...}}) or a token the release pipeline replaces ($(NAME), '
    "#{NAME}#), never a clear value: the file is kept in git, and so would the secret."
)
MASKED = (
    "The value is the mask (**********), not a secret: give a Key Vault reference or an "
    "environment token ($($Env:NAME))."
)


def is_secret_object(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") in (SECURE_STRING, KEY_VAULT_SECRET)


def _schema_says_secret(kind: str, properties: Any, keys: tuple[str | int, ...]) -> bool:
    """Whether the connector's schema declares the property at ``keys`` a secret."""
    if not isinstance(properties, dict) or not has_form(kind, properties.get("type")):
        return False
    connector = get_connector(str(properties.get("type")))
    version_id = connector.version_of(properties)
    if version_id is None:
        return False
    node: Any = connector.version(version_id).schema
    for key in keys:
        node = resolve(node) if isinstance(node, dict) else None
        children = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(children, dict) or not isinstance(key, str) or key not in children:
            return False
        node = children[key]
    ref = str(node.get("$ref", "")) if isinstance(node, dict) else ""
    return ref.endswith(("/secret", "/secureString", "/azureKeyVaultSecret"))


def is_secret_target(
    kind: str, properties: Any, keys: tuple[str | int, ...], replaced: Any, value: Any
) -> bool:
    """Whether an override at ``keys`` (relative to ``properties``) sets a secret."""
    if is_secret_object(replaced) or is_secret_object(value):
        return True
    if len(keys) >= 2 and keys[-1] == "value":
        parent: Any = properties
        for key in keys[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
            if parent is None:
                break
        if is_secret_object(parent):
            return True
    last = keys[-1] if keys else ""
    if isinstance(last, str) and last.casefold() in SECRET_NAMES:
        return True
    return _schema_says_secret(kind, properties, keys)


def refusal(text: str | None, value: Any) -> str | None:
    """Why a secret's override is refused (None: a Key Vault reference or tokens only).

    ``text`` is the value as the file writes it (a config file's text, where tokens are),
    ``value`` the value it gives (parsed JSON where it is JSON)."""
    if isinstance(value, dict):
        if value.get("type") == KEY_VAULT_SECRET:
            return None
        if value.get("type") == SECURE_STRING:
            inner = value.get("value")
            return refusal(inner if isinstance(inner, str) else None, inner)
        return REFUSED
    if not isinstance(value, str):
        return None if value is None else REFUSED
    source = text if text is not None else value
    if source == MASK:
        return MASKED
    if not source.strip() or expand(source).only_tokens:
        return None
    return REFUSED


def credential_tokens(text: str) -> set[str]:
    """The names of the tokens that stand for a connection string's credentials."""
    return {
        token.name.casefold()
        for match in _CREDENTIAL_KEYS.finditer(text)
        for token in expand(match.group(2)).tokens
    }


def clear_credential(text: str) -> str | None:
    """The credential a connection string holds in clear (its key, never its value), or
    None: each credential part must be an environment token or absent."""
    for match in _CREDENTIAL_KEYS.finditer(text):
        part = match.group(2).strip()
        if part and not expand(part).only_tokens:
            return match.group(1)
    return None


def masked_text(text: str) -> str:
    """A value with its clear secret replaced by the mask: a connection string keeps its
    other parts, JSON its other members (a secure string's value masked), else the mask."""
    if _CREDENTIAL_KEYS.search(text):
        return _CREDENTIAL_KEYS.sub(lambda m: m.group(0)[: m.start(2) - m.start(0)] + MASK, text)
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            value = loads_lenient(stripped)
        except ValueError:
            return MASK
        return json.dumps(map_secure_strings(value, lambda s: {**s, "value": MASK}))
    return MASK


__all__ = [
    "KEY_VAULT_SECRET",
    "MASKED",
    "REFUSED",
    "REFUSED_IN_PARAMETERS",
    "SECRET_NAMES",
    "clear_credential",
    "credential_tokens",
    "is_secret_object",
    "is_secret_target",
    "masked_text",
    "refusal",
]
