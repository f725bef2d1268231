"""The Spark linked-service contract as data, taken from the seed's tables.

Source: the "Version 2.0" and "Version 1.0" linked-service property tables and the
"Differences between Spark version 2.0 and version 1.0" table of the seed, an excerpt of
which is kept verbatim in ``data/spark-linkedservice-seed-tables.md`` (checked against
these tables by ``test_spark_schema_contract.py``). Nothing here is read from the
schemas: the tests compare the schemas with this.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.base import ConnectorVersion
from connectors.problems import Problem
from connectors.registry import get_connector
from connectors.validation import validate_properties

DATA = Path(__file__).parent / "data"
SEED_EXCERPT = DATA / "spark-linkedservice-seed-tables.md"
EXAMPLES = DATA / "adf-examples"

SPARK = get_connector("Spark")
V1 = SPARK.version("1.0")
V2 = SPARK.version("2.0")
VERSIONS = {"1.0": V1, "2.0": V2}


@dataclass(frozen=True)
class SeedRow:
    """One row of a seed property table."""

    prop: str
    required: bool
    """The table's "Required" column."""
    kind: str
    """What sort of value the description asks for; picks the sample values."""
    allowed: tuple[str, ...] = ()
    """For enums: the values the description lists ("Allowed values are: ...")."""


# | Property | Required |, in the seed's order. kind: const / version / host / port / enum /
# text / secret / boolean / runtime.
V2_ROWS: tuple[SeedRow, ...] = (
    SeedRow("type", True, "const"),
    SeedRow("version", True, "version"),
    SeedRow("host", True, "host"),
    SeedRow("port", True, "port"),
    SeedRow("serverType", False, "enum", ("SparkThriftServer",)),
    SeedRow("thriftTransportProtocol", False, "enum", ("HTTP",)),
    SeedRow(
        "authenticationType",
        True,
        "enum",
        ("Anonymous", "UsernameAndPassword", "WindowsAzureHDInsightService"),
    ),
    SeedRow("username", False, "text"),
    SeedRow("password", False, "secret"),
    SeedRow("httpPath", False, "text"),
    SeedRow("enableSsl", False, "boolean"),
    SeedRow("enableServerCertificateValidation", False, "boolean"),
    SeedRow("connectVia", False, "runtime"),
)

V1_ROWS: tuple[SeedRow, ...] = (
    SeedRow("type", True, "const"),
    SeedRow("host", True, "host"),
    SeedRow("port", True, "port"),
    SeedRow("serverType", False, "enum", ("SharkServer", "SharkServer2", "SparkThriftServer")),
    SeedRow("thriftTransportProtocol", False, "enum", ("Binary", "SASL", "HTTP")),
    SeedRow(
        "authenticationType",
        True,
        "enum",
        ("Anonymous", "Username", "UsernameAndPassword", "WindowsAzureHDInsightService"),
    ),
    SeedRow("username", False, "text"),
    SeedRow("password", False, "secret"),
    SeedRow("httpPath", False, "text"),
    SeedRow("enableSsl", False, "boolean"),
    SeedRow("trustedCertPath", False, "text"),
    SeedRow("useSystemTrustStore", False, "boolean"),
    SeedRow("allowHostNameCNMismatch", False, "boolean"),
    SeedRow("allowSelfSignedServerCert", False, "boolean"),
    SeedRow("connectVia", False, "runtime"),
)

ROWS: dict[str, tuple[SeedRow, ...]] = {"1.0": V1_ROWS, "2.0": V2_ROWS}

# "The default value is ..." in the seed's descriptions.
SEED_DEFAULTS: dict[str, dict[str, Any]] = {
    "1.0": {
        "enableSsl": False,
        "useSystemTrustStore": False,
        "allowHostNameCNMismatch": False,
        "allowSelfSignedServerCert": False,
    },
    "2.0": {"enableSsl": True, "enableServerCertificateValidation": True},
}
# Not stated as a default by the seed, but "The allowed value is: X" leaves only X.
IMPLIED_DEFAULTS: dict[str, dict[str, Any]] = {
    "1.0": {},
    "2.0": {"serverType": "SparkThriftServer", "thriftTransportProtocol": "HTTP"},
}

# The differences table, one row per (property, value or property name) it names.
# (what, version 2.0 allows it, version 1.0 allows it)
DIFFERENCES: tuple[tuple[str, Any, bool, bool], ...] = (
    ("serverType", "SharkServer", False, True),
    ("serverType", "SharkServer2", False, True),
    ("thriftTransportProtocol", "Binary", False, True),
    ("thriftTransportProtocol", "SASL", False, True),
    ("authenticationType", "Username", False, True),
    ("trustedCertPath", "/opt/ir/cacerts.pem", False, True),
    ("useSystemTrustStore", True, False, True),
    ("allowHostNameCNMismatch", True, False, True),
    ("allowSelfSignedServerCert", True, False, True),
    ("enableServerCertificateValidation", True, True, False),
)

# Properties of the ``properties`` object itself (the rest are typeProperties).
TOP_LEVEL = frozenset({"type", "version", "connectVia", "description", "annotations", "parameters"})
# What ADF has on every linked service although the connector's tables do not list it.
COMMON_TOP_LEVEL = ("description", "annotations", "parameters")
# typeProperties ADF Studio writes although the seed's tables do not list them: the
# credential it holds encrypted, written instead of the password (issue 9).
ADF_WRITTEN = ("encryptedCredential",)

# authenticationType -> the properties the seed's descriptions say it uses. The seed's
# "Required" column says No for username/password: they are conditionally required.
NEEDS_USERNAME: dict[str, frozenset[str]] = {
    "1.0": frozenset({"Username", "UsernameAndPassword", "WindowsAzureHDInsightService"}),
    "2.0": frozenset({"UsernameAndPassword", "WindowsAzureHDInsightService"}),
}
NEEDS_PASSWORD: dict[str, frozenset[str]] = {
    "1.0": frozenset({"UsernameAndPassword", "WindowsAzureHDInsightService"}),
    "2.0": frozenset({"UsernameAndPassword", "WindowsAzureHDInsightService"}),
}
# Options that only mean something over TLS.
TLS_OPTIONS: dict[str, tuple[str, ...]] = {
    "1.0": (
        "trustedCertPath",
        "useSystemTrustStore",
        "allowHostNameCNMismatch",
        "allowSelfSignedServerCert",
    ),
    "2.0": ("enableServerCertificateValidation",),
}

EXPRESSION_PROPERTIES: dict[str, tuple[str, ...]] = {
    "1.0": (
        "host",
        "port",
        "username",
        "httpPath",
        "trustedCertPath",
        "enableSsl",
        "useSystemTrustStore",
        "allowHostNameCNMismatch",
        "allowSelfSignedServerCert",
    ),
    "2.0": (
        "host",
        "port",
        "username",
        "httpPath",
        "enableSsl",
        "enableServerCertificateValidation",
    ),
}


def expression(value: str) -> dict[str, str]:
    return {"type": "Expression", "value": value}


def secure_string(value: str) -> dict[str, str]:
    return {"type": "SecureString", "value": value}


def key_vault_secret(name: Any = "spark-password", **extra: Any) -> dict[str, Any]:
    return {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "AzureKeyVault1", "type": "LinkedServiceReference"},
        "secretName": name,
        **extra,
    }


def minimal(version: ConnectorVersion, **type_properties: Any) -> dict[str, Any]:
    """The smallest valid ``properties`` object, with some typeProperties changed."""
    properties: dict[str, Any] = {"type": "Spark"}
    if version.explicit:
        properties["version"] = version.version
    properties["typeProperties"] = {
        "host": "spark.example.com",
        "port": 443,
        "authenticationType": "Anonymous",
        **type_properties,
    }
    return properties


def complete(version: ConnectorVersion, **type_properties: Any) -> dict[str, Any]:
    """A valid ``properties`` object with a user name and password, so that it stays
    valid whatever the authenticationType."""
    return minimal(version, username="admin", password=secure_string("S3cret!"), **type_properties)


def path_of(prop: str) -> str:
    return f"$.properties.{prop}" if prop in TOP_LEVEL else f"$.properties.typeProperties.{prop}"


def with_value(properties: dict[str, Any], prop: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(properties)
    target = changed if prop in TOP_LEVEL else changed["typeProperties"]
    target[prop] = value
    return changed


def without(properties: dict[str, Any], prop: str) -> dict[str, Any]:
    changed = copy.deepcopy(properties)
    target = changed if prop in TOP_LEVEL else changed["typeProperties"]
    del target[prop]
    return changed


def problems(version: ConnectorVersion, properties: Any) -> list[Problem]:
    return validate_properties(version, properties)


def is_under(problem: Problem, path: str) -> bool:
    """Whether a problem is about the value at ``path`` (or something inside it)."""
    return problem.path == path or problem.path.startswith((path + ".", path + "["))


def assert_useful(found: list[Problem]) -> None:
    """Plain sentences, not jsonschema's raw wording."""
    for problem in found:
        assert problem.message.endswith("."), problem
        assert "is not valid under any of the given schemas" not in problem.message, problem
        assert "should be non-empty" not in problem.message, problem
        assert "{'" not in problem.message, problem
