"""Where and how an Azure Blob Storage linked service's secrets are sent.

A stored secret may only be reused while every property here keeps the value it had when
the secret was typed (see :mod:`connectors.secret_targets`): the service endpoint (its
scheme and host, see :mod:`connectors.storage_accounts`), the tenant and cloud of a
service principal, and the integration runtime.

The secrets a valid definition can store are a secure connection string, a secure SAS URI
(each holding its own account, so only the integration runtime can redirect it) and a
service principal's key (sent to the tenant, its token then used at the service endpoint).
Key Vault references are no stored secrets; the schema refuses the mixes (a key beside a
connection string) that would let one authentication's secret follow another's address.
"""

from __future__ import annotations

from typing import Any

from connectors.storage_accounts import storage_secret_target

SOURCES = ("serviceEndpoint",)
"""The property that names the account a service principal's token is used at."""
SECRET_TARGET: tuple[str, ...] = (*SOURCES, "tenant", "azureCloudType", "connectVia")


def azureblobstorage_secret_target(properties: dict[str, Any]) -> dict[str, Any]:
    return storage_secret_target(properties, SOURCES)
