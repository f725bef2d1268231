"""The Azure Blob Storage and Data Lake Storage Gen2 schemas, per authentication type: real
ADF files and the documented shapes are valid and read as their authentication; what ADF
would not take (a key in plain text, a certificate as a secure string, two
authentications at once, nothing at all) is refused at the property concerned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors.formspec import FORM_ONLY, FORM_VALUE, derived_choices
from connectors.registry import get_connector
from connectors.validation import check_properties

DATA = Path(__file__).parent
BLOB = "AzureBlobStorage"
ADLS = "AzureBlobFS"
KEY_VAULT = {
    "type": "AzureKeyVaultSecret",
    "store": {"referenceName": "KeyVault", "type": "LinkedServiceReference"},
    "secretName": "storage-secret",
}
SECURE = {"type": "SecureString", "value": "s3cret"}
IDENTITY = {"referenceName": "uami", "type": "CredentialReference"}
BLOB_ENDPOINT = "https://contoso.blob.core.windows.net/"
ADLS_URL = "https://contoso.dfs.core.windows.net"
SP = {"servicePrincipalId": "00000000-0000-0000-0000-000000000001", "tenant": "contoso.com"}


def checked(connector_type: str, type_properties: dict[str, Any], **envelope: Any) -> Any:
    connector = get_connector(connector_type)
    properties = {"type": connector_type, "typeProperties": type_properties, **envelope}
    version = connector.version(connector.version_of(properties) or "")
    return version, check_properties(version, properties)


def real_files(package: str) -> list[Path]:
    return sorted((DATA / package / "data").glob("*.json"))


# (file, the authentication it is read as)
REAL = {
    "AzureBlobStorage1.json": "AccountKey",
    "AzureBlobStorage1-keyvault.json": "AccountKey",
    "AzureBlobStorage1-synapse.json": "AccountKey",
    "LS_AzureBlobStorage.json": "ServicePrincipal",
    "ls_blob.json": "SystemAssignedManagedIdentity",
    "AzureDataLakeStorage1.json": "AccountKey",
    "AzureDataLakeStorage1-parameters.json": "AccountKey",
    "LS_ADLS-keyvault.json": "AccountKey",
    "LS_ADLS-serviceprincipal.json": "ServicePrincipal",
    "LS_ADLS-managedidentity.json": "SystemAssignedManagedIdentity",
    "LS_ADLS-trailing-newline.json": "SystemAssignedManagedIdentity",
}


@pytest.mark.parametrize(
    "path", real_files("azureblobstorage") + real_files("azureblobfs"), ids=lambda p: p.name
)
def test_every_real_file_is_valid_and_read_as_its_authentication(path: Path) -> None:
    properties = json.loads(path.read_text(encoding="utf-8"))["properties"]
    connector = get_connector(properties["type"])
    version = connector.version(connector.version_of(properties) or "")
    assert check_properties(version, properties).problems == []
    choice = derived_choices(version, properties["typeProperties"])
    assert choice == {"authentication": REAL[path.name]}


# (connector, typeProperties as Microsoft's connector pages show them, authentication)
DOCUMENTED = [
    (BLOB, {"connectionString": SECURE}, "AccountKey"),
    (
        BLOB,
        {
            "connectionString": "DefaultEndpointsProtocol=https;AccountName=contoso;",
            "accountKey": KEY_VAULT,
        },
        "AccountKey",
    ),
    (BLOB, {"connectionString": KEY_VAULT}, "AccountKey"),
    (BLOB, {"sasUri": SECURE}, "SasUri"),
    (
        BLOB,
        {"sasUri": {"type": "SecureString", "value": BLOB_ENDPOINT}, "sasToken": KEY_VAULT},
        "SasUri",
    ),
    (BLOB, {"sasUri": BLOB_ENDPOINT, "encryptedCredential": "ZW5jcnlwdGVk"}, "SasUri"),
    (
        BLOB,
        {
            "serviceEndpoint": BLOB_ENDPOINT,
            "accountKind": "StorageV2",
            **SP,
            "servicePrincipalKey": SECURE,
        },
        "ServicePrincipal",
    ),
    (
        BLOB,
        {
            "serviceEndpoint": BLOB_ENDPOINT,
            **SP,
            "servicePrincipalCredentialType": "ServicePrincipalCert",
            "servicePrincipalCredential": KEY_VAULT,
            "azureCloudType": "AzurePublic",
        },
        "ServicePrincipal",
    ),
    (
        BLOB,
        {"serviceEndpoint": BLOB_ENDPOINT, "accountKind": "StorageV2"},
        "SystemAssignedManagedIdentity",
    ),
    (
        BLOB,
        {"serviceEndpoint": BLOB_ENDPOINT, "accountKind": "StorageV2", "credential": IDENTITY},
        "UserAssignedManagedIdentity",
    ),
    (
        BLOB,
        {
            "containerUri": "https://contoso.blob.core.windows.net/public",
            "authenticationType": "Anonymous",
        },
        "Anonymous",
    ),
    (BLOB, {"serviceEndpoint": "@{linkedService().endpoint}"}, "SystemAssignedManagedIdentity"),
    (ADLS, {"url": ADLS_URL, "accountKey": SECURE}, "AccountKey"),
    (ADLS, {"url": ADLS_URL, "accountKey": KEY_VAULT}, "AccountKey"),
    (ADLS, {"sasUri": SECURE}, "SasUri"),
    (
        ADLS,
        {"sasUri": {"type": "SecureString", "value": ADLS_URL}, "sasToken": KEY_VAULT},
        "SasUri",
    ),
    (ADLS, {"sasUri": ADLS_URL, "sasToken": SECURE}, "SasUri"),
    (
        ADLS,
        {
            "url": ADLS_URL,
            **SP,
            "servicePrincipalCredentialType": "ServicePrincipalKey",
            "servicePrincipalCredential": SECURE,
        },
        "ServicePrincipal",
    ),
    (ADLS, {"url": ADLS_URL, **SP, "servicePrincipalKey": SECURE}, "ServicePrincipal"),
    (ADLS, {"url": ADLS_URL, **SP, "encryptedCredential": "ZW5jcnlwdGVk"}, "ServicePrincipal"),
    (ADLS, {"url": ADLS_URL}, "SystemAssignedManagedIdentity"),
    (ADLS, {"url": ADLS_URL, "credential": IDENTITY}, "UserAssignedManagedIdentity"),
    (
        ADLS,
        {"url": {"type": "Expression", "value": "@linkedService().url"}},
        "SystemAssignedManagedIdentity",
    ),
]


@pytest.mark.parametrize(("connector_type", "tp", "authentication"), DOCUMENTED)
def test_each_documented_authentication_is_valid_and_read_as_itself(
    connector_type: str, tp: dict[str, Any], authentication: str
) -> None:
    parameters = {"parameters": {"endpoint": {"type": "String"}}} if "endpoint" in str(tp) else {}
    version, result = checked(connector_type, tp, **parameters)
    assert result.problems == []
    assert derived_choices(version, tp) == {"authentication": authentication}


TP = "$.properties.typeProperties."
# (connector, typeProperties, [(property, part of the message)])
REFUSED = [
    (
        BLOB,
        {"connectionString": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0"},
        [
            (
                "connectionString",
                "holds the account key (or a shared access signature) in plain text",
            )
        ],
    ),
    (
        BLOB,
        {
            "connectionString": "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=sv=1&sig=x"
        },
        [("connectionString", "in plain text")],
    ),
    (
        BLOB,
        {"connectionString": "DefaultEndpointsProtocol=https;AccountName=a;", "accountKey": SECURE},
        [("accountKey", "reads accountKey from Azure Key Vault only")],
    ),
    (
        BLOB,
        {"sasUri": f"{BLOB_ENDPOINT}?sv=2022-11-02&sig=abc"},
        [("sasUri", "signature (sig=...) in plain text")],
    ),
    (
        BLOB,
        {"sasUri": BLOB_ENDPOINT, "sasToken": SECURE},
        [("sasToken", "reads sasToken from Azure Key Vault only")],
    ),
    (
        BLOB,
        {"connectionString": SECURE, "serviceEndpoint": BLOB_ENDPOINT},
        [
            ("connectionString", "Only for account key authentication"),
            ("serviceEndpoint", "serviceEndpoint names the account for managed identity"),
        ],
    ),
    (
        BLOB,
        {"connectionString": SECURE, **SP, "servicePrincipalKey": SECURE},
        [
            ("servicePrincipalId", "Only for service principal authentication"),
            ("servicePrincipalKey", "Only for service principal authentication"),
            ("tenant", "Only for service principal authentication"),
            ("connectionString", "Only for account key authentication"),
            ("serviceEndpoint", "Required for service principal authentication"),
        ],
    ),
    (
        BLOB,
        {"serviceEndpoint": BLOB_ENDPOINT, "servicePrincipalId": "app"},
        [
            ("tenant", "Required for service principal authentication"),
            ("servicePrincipalCredential", "the application's key or certificate"),
        ],
    ),
    (
        BLOB,
        {
            "serviceEndpoint": BLOB_ENDPOINT,
            **SP,
            "servicePrincipalCredentialType": "ServicePrincipalCert",
            "servicePrincipalCredential": SECURE,
        },
        [("servicePrincipalCredential", "A certificate is read from Azure Key Vault only")],
    ),
    (
        BLOB,
        {"serviceEndpoint": BLOB_ENDPOINT, "credential": IDENTITY, "sasUri": SECURE},
        [
            ("sasUri", "Only for shared access signature authentication"),
            ("credential", "Only for user-assigned"),
            ("serviceEndpoint", "serviceEndpoint names the account"),
        ],
    ),
    (BLOB, {}, [("serviceEndpoint", "Name the storage account")]),
    (BLOB, {"accountKind": "StorageV2"}, [("serviceEndpoint", "Name the storage account")]),
    (
        BLOB,
        {"serviceEndpoint": "https://<account>.blob.core.windows.net/"},
        [("serviceEndpoint", "placeholder")],
    ),
    (
        BLOB,
        {"serviceEndpoint": "contoso.blob.core.windows.net"},
        [("serviceEndpoint", "Enter an address such as")],
    ),
    (
        BLOB,
        {"serviceEndpoint": f"{BLOB_ENDPOINT}?sv=1"},
        [("serviceEndpoint", "no spaces, query string")],
    ),
    (
        BLOB,
        {"serviceEndpoint": BLOB_ENDPOINT, "accountKind": "StorageV3"},
        [("accountKind", "'StorageV3' is not allowed")],
    ),
    (
        BLOB,
        {"serviceEndpoint": BLOB_ENDPOINT, "authenticationType": "AccountKey"},
        [("authenticationType", "Msi")],
    ),
    (
        BLOB,
        {"serviceEndpoint": BLOB_ENDPOINT, "url": ADLS_URL},
        [("url", "Unknown property 'url'")],
    ),
    (ADLS, {"accountKey": SECURE}, [("url", "Required for account key authentication")]),
    (ADLS, {"sasUri": SECURE, "sasToken": SECURE}, [("sasToken", "keep the token in it")]),
    (ADLS, {"sasUri": f"{ADLS_URL}/?sp=r&sig=abc"}, [("sasUri", "in plain text")]),
    (
        ADLS,
        {"url": ADLS_URL, "accountKey": SECURE, **SP, "servicePrincipalKey": SECURE},
        [
            ("accountKey", "Only for account key authentication"),
            ("servicePrincipalId", "Only for service principal authentication"),
            ("servicePrincipalKey", "Only for service principal authentication"),
            ("tenant", "Only for service principal authentication"),
        ],
    ),
    (
        ADLS,
        {"url": ADLS_URL, "tenant": "contoso.com"},
        [("tenant", "Only for service principal authentication")],
    ),
    (ADLS, {"url": ADLS_URL, "azureCloudType": "AzureMars"}, [("azureCloudType", "not allowed")]),
    (ADLS, {}, [("url", "Name the storage account")]),
    (
        ADLS,
        {"url": ADLS_URL, "connectionString": SECURE},
        [("connectionString", "Unknown property")],
    ),
]


@pytest.mark.parametrize(("connector_type", "tp", "expected"), REFUSED)
def test_what_adf_would_not_take_is_refused_at_the_property(
    connector_type: str, tp: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    _, result = checked(connector_type, tp)
    found = [(p.path, p.message) for p in result.problems]
    for name, part in expected:
        assert any(path == TP + name and part in message for path, message in found), found
    assert {path for path, _ in found} == {TP + name for name, _ in expected}


@pytest.mark.parametrize("connector_type", [BLOB, ADLS])
def test_every_authentication_choice_has_exactly_one_rule(connector_type: str) -> None:
    connector = get_connector(connector_type)
    schema = connector.version(connector.default_version).type_properties_schema
    choices = schema[FORM_ONLY]["authentication"]["enum"]
    ruled = [r[FORM_VALUE]["authentication"] for r in schema["allOf"] if FORM_VALUE in r]
    assert sorted(ruled) == sorted(choices)
    assert connector.staging_store and connector.test_connection is None
    assert connector.untested_because
