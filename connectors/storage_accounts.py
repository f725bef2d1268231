"""Where an Azure Storage linked service (Blob, Data Lake Storage Gen2) sends its secrets.

Shared by the ``azureblobstorage`` and ``azureblobfs`` connectors: the storage account each
property that names one gives (an endpoint URL, a SAS URI), as one comparable value, and
the secret target built from them (see :mod:`connectors.secret_targets`).

A secret that carries its own address (a SAS URI held as a secure string) cannot be read
here once stored: its address is then the constant "held in <property>", the same when it
is typed and when it is kept, so an untouched one is reused while nothing else of the
target changes, and a new address means typing it again anyway. The schemas refuse what
would make that unsafe: a second stored secret beside such a one (a secure SAS token
beside a secure SAS URI). One in Azure Key Vault counts as its reference (vault and secret
name), which is no secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from connectors.base import ConnectorVersion
from connectors.expressions import is_expression

SECURE_STRING = "SecureString"
KEY_VAULT = "AzureKeyVaultSecret"
VERSION = "current"
"""The one version of each storage connector: ADF writes none, the shape is one."""
UNTESTED_BECAUSE = (
    "No connection test here: a storage account is not reachable from this portal, and "
    "Data Factory checks the account and its credentials when the copy runs."
)


def only_version(connector_type: str, package: Path) -> dict[str, ConnectorVersion]:
    """The connector's one version: ``linkedservice-current.schema.json`` and
    ``ui-current.json`` in its package."""
    version = ConnectorVersion(
        connector_type=connector_type,
        version=VERSION,
        schema_path=package / f"linkedservice-{VERSION}.schema.json",
        ui_path=package / f"ui-{VERSION}.json",
        explicit=False,
    )
    return {VERSION: version}


def url_address(text: str) -> str:
    """``scheme://host[:port]`` of a URL, lower case, the default port left out; the text
    itself when it is no URL."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return text
    if not parts.scheme or not parts.hostname:
        return text
    scheme = parts.scheme.lower()
    default = {"https": 443, "http": 80}.get(scheme)
    shown = f":{port}" if port is not None and port != default else ""
    return f"{scheme}://{parts.hostname.lower()}{shown}"


def address_of(name: str, value: Any) -> Any:
    """The account the property ``name`` names, as one comparable value: a URL's scheme and
    host, an expression or a Key Vault reference as written, and for a secure string the
    constant ``held in <name>``."""
    if value is None or is_expression(value):
        return value
    if isinstance(value, dict) and value.get("type") == KEY_VAULT:
        return value  # the reference itself: which vault and secret
    if isinstance(value, dict) and value.get("type") == SECURE_STRING:
        return f"held in {name}"
    return url_address(value) if isinstance(value, str) else value


def storage_secret_target(
    properties: Mapping[str, Any], sources: tuple[str, ...]
) -> dict[str, Any]:
    """The account each of ``sources`` names (None where it is not set), the tenant and
    cloud a service principal's key goes to, and the integration runtime."""
    tp = properties.get("typeProperties")
    tp = tp if isinstance(tp, dict) else {}
    target = {name: address_of(name, tp.get(name)) for name in sources}
    target.update(
        tenant=tp.get("tenant"),
        azureCloudType=tp.get("azureCloudType"),
        connectVia=properties.get("connectVia"),
    )
    return target
