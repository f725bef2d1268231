"""Where and how an Azure Data Lake Storage Gen2 linked service's secrets are sent.

A stored secret (an account key, a SAS token or URI, an application's key) may only be
reused while every property here keeps the value it had when the secret was typed (see
:mod:`connectors.secret_targets`): the account the url and the SAS URI name (scheme and
host; see :mod:`connectors.storage_accounts`), the tenant and cloud of a service principal,
and the integration runtime.
"""

from __future__ import annotations

from typing import Any

from connectors.storage_accounts import storage_secret_target

SOURCES = ("url", "sasUri")
"""The properties that name the account, each its own entry of the target."""
SECRET_TARGET: tuple[str, ...] = (*SOURCES, "tenant", "azureCloudType", "connectVia")


def azureblobfs_secret_target(properties: dict[str, Any]) -> dict[str, Any]:
    return storage_secret_target(properties, SOURCES)
