"""A factory with environments, as a team keeps it in git: a parameterised Spark linked
service whose password is in Azure Key Vault, a ``dev`` environment (the repository's own
values, pointing at one real Spark Thrift Server) and a ``prod`` one whose
azure.datafactory.tools config points it at a second; a ``test`` one has a row with a
wrong path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from portal.imports import import_repository
from portal.models import Factory
from portal.roles import Role, grant


@pytest.fixture
def _loopback_allowed(settings: Any) -> None:
    """Tests reach the Spark Thrift Servers on 127.0.0.1, within a loaded machine's time."""
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 20.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 5.0


KEY_VAULT_REFERENCE = {
    "type": "AzureKeyVaultSecret",
    "store": {"referenceName": "LS_KeyVault", "type": "LinkedServiceReference"},
    "secretName": "spark-password",
}
WRONG_PATH_LINE = 2
"""The line of ``config-test.csv`` whose path names no property."""


def spark_service(port: int, name: str = "LS_Spark") -> dict[str, Any]:
    """A Spark 1.0 SASL linked service: host parameterised, the password in Key Vault."""
    return {
        "name": name,
        "properties": {
            "type": "Spark",
            "parameters": {"host": {"type": "String", "defaultValue": "127.0.0.1"}},
            "typeProperties": {
                "host": "@{linkedService().host}",
                "port": port,
                "thriftTransportProtocol": "SASL",
                "authenticationType": "UsernameAndPassword",
                "username": "etl",
                "password": KEY_VAULT_REFERENCE,
            },
        },
    }


def key_vault() -> dict[str, Any]:
    return {
        "name": "LS_KeyVault",
        "properties": {
            "type": "AzureKeyVault",
            "typeProperties": {"baseUrl": "https://kv-shop-dev.vault.azure.net/"},
        },
    }


def repository(root: Path, dev_port: int, prod_port: int, services: int = 1) -> Path:
    """The factory's git folder: ``services`` Spark linked services (``LS_Spark``,
    ``LS_Spark2``...) on ``dev_port``, prod's config moving each to ``prod_port``."""
    (root / "linkedService").mkdir(parents=True)
    (root / "deployment").mkdir()
    names = ["LS_Spark", *(f"LS_Spark{n}" for n in range(2, services + 1))]
    for name in names:
        document = json.dumps(spark_service(dev_port, name), indent=2)
        (root / "linkedService" / f"{name}.json").write_text(document)
    (root / "linkedService" / "LS_KeyVault.json").write_text(json.dumps(key_vault(), indent=2))
    prod = "type,name,path,value\n" + "".join(
        f"linkedService,{name},typeProperties.port,{prod_port}\n" for name in names
    )
    prod += "linkedService,LS_KeyVault,typeProperties.baseUrl,https://kv-shop.vault.azure.net/\n"
    (root / "deployment" / "config-prod.csv").write_text(prod)
    (root / "deployment" / "config-test.csv").write_text(
        "type,name,path,value\nlinkedService,LS_Spark,typeProperties.prot,10000\n"
    )
    return root


def shop(
    root: Path, user: Any, dev_port: int, prod_port: int, services: int = 1, readers: Any = ()
) -> Factory:
    """The factory ``shop`` imported from :func:`repository` (``user`` its Editor,
    ``readers`` its Readers)."""
    factory = Factory.objects.create(name="shop")
    grant(user, factory, Role.EDITOR)
    for reader in readers:
        grant(reader, factory, Role.READER)
    result = import_repository(
        repository(root, dev_port, prod_port, services), user=user, factory=factory
    )
    assert result.ok, [str(line) for line in result.report]
    return factory
