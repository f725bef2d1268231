"""Upgrading Spark linked services from connector version 1.0 to 2.0.

One rule per row of the seed's "Differences between Spark version 2.0 and version 1.0"
table (the enableSsl/TLS row is two rules: the default and the four TLS options), plus
the version property itself and the properties that carry over unchanged. ``RULES``
lists them in the order they run; ``TYPE_CHANGES`` is the seed's data-type table
reduced to the rows that differ.

Decisions (ids are the ``typeProperties`` keys they set):

* ``port``, ``httpPath`` — when the transport moves from Binary/SASL to HTTP;
* ``authenticationType`` — when 1.0 used Username authentication;
* ``password`` — when the chosen type needs a password the 1.0 definition lacks;
* ``enableSsl`` — when 1.0 left it unset (proposed: false, what ran before);
* ``enableServerCertificateValidation`` — when 1.0 had any of the four TLS options.

An unset 1.0 ``thriftTransportProtocol`` counts as the 1.0 default the connection test
uses too (``connectors.spark.settings``, after the Simba Spark driver behind 1.0): HTTP
with WindowsAzureHDInsightService authentication (HDInsight's gateway speaks HTTP
only), Binary for SharkServer, SASL otherwise. An ``*.azurehdinsight.net`` host alone
does not imply HTTP; it only picks the proposed port and path (443, /sparkhive2).

What blocks: an expression where 2.0 accepts none and the outcome depends on its run-time
value — ``thriftTransportProtocol`` (whether port and httpPath fit HTTP depends on it)
and ``authenticationType`` (which credentials 2.0 needs depends on it). An expression in
``serverType`` does not block: 2.0 has one server type whatever it evaluated to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.formspec import is_expression
from connectors.upgrade import Decision, Finding, QuietRule, TypeChange, shown, type_path

HDINSIGHT_AUTH = "WindowsAzureHDInsightService"
HDINSIGHT_SUFFIX = ".azurehdinsight.net"
HDINSIGHT_HTTP = (443, "/sparkhive2")
THRIFT_SERVER_HTTP = (10001, "cliservice")
TLS_OPTIONS = (
    "trustedCertPath",
    "useSystemTrustStore",
    "allowHostNameCNMismatch",
    "allowSelfSignedServerCert",
)
CARRIED = ("description", "annotations", "parameters", "connectVia")


def _tp(properties: Mapping[str, Any]) -> Mapping[str, Any]:
    tp = properties.get("typeProperties")
    return tp if isinstance(tp, Mapping) else {}


def is_hdinsight(tp: Mapping[str, Any]) -> bool:
    """An HDInsight-style definition: its host is ``*.azurehdinsight.net`` or it uses
    HDInsight authentication."""
    host = tp.get("host")
    by_host = isinstance(host, str) and host.strip().rstrip(".").lower().endswith(HDINSIGHT_SUFFIX)
    return by_host or tp.get("authenticationType") == HDINSIGHT_AUTH


def v1_transport(tp: Mapping[str, Any]) -> Any:
    """The 1.0 transport in effect: the value, or the 1.0 default when unset."""
    if "thriftTransportProtocol" in tp:
        return tp["thriftTransportProtocol"]
    if tp.get("authenticationType") == HDINSIGHT_AUTH:
        return "HTTP"
    return "Binary" if tp.get("serverType") == "SharkServer" else "SASL"


class _Rule(QuietRule):
    id: str = ""
    title: str = ""

    def _finding(self, name: str, before: Any, needs: str, proposal: str, **kw: Any) -> Finding:
        return Finding(self.id, type_path(name), shown(before), needs, proposal, **kw)


class VersionRule(_Rule):
    id = "version"
    title = "Version 2.0 is written into the definition"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return properties.get("version") != "2.0"

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        return [
            Finding(
                self.id,
                "$.properties.version",
                shown(properties.get("version")),
                'version "2.0" (version 1.0 has no version property)',
                'set version to "2.0"',
            )
        ]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        # "version" right after "type", as ADF writes it.
        rest = {k: v for k, v in properties_out.items() if k not in ("type", "version")}
        properties_out.clear()
        properties_out.update({"type": "Spark", "version": "2.0", **rest})


class ServerTypeRule(_Rule):
    id = "server-type"
    title = "SharkServer and SharkServer2 are not supported for serverType"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        value = _tp(properties).get("serverType")
        return value in ("SharkServer", "SharkServer2") or is_expression(value)

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        value = _tp(properties)["serverType"]
        why = (
            "the expression is replaced: 2.0 has one server type whatever it evaluated to"
            if is_expression(value)
            else "the server must be a Spark Thrift Server (HiveServer2 protocol); "
            "a Shark server will not answer 2.0"
        )
        return [
            self._finding(
                "serverType",
                value,
                "SparkThriftServer (the only server type 2.0 supports)",
                f"SparkThriftServer — {why}",
                severity="warning",
            )
        ]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        properties_out["typeProperties"]["serverType"] = "SparkThriftServer"


class TransportRule(_Rule):
    id = "transport"
    title = "Binary and SASL are not supported for thriftTransportProtocol"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return v1_transport(_tp(properties)) != "HTTP"

    def blockers(self, properties: Mapping[str, Any]) -> list[str]:
        value = _tp(properties).get("thriftTransportProtocol")
        if not is_expression(value):
            return []
        return [
            f"thriftTransportProtocol is an expression ({value.get('value')}): 2.0 accepts "
            "only HTTP, and whether port and httpPath fit HTTP depends on what it evaluates "
            "to. Replace it with Binary, SASL or HTTP in the 1.0 definition, then upgrade."
        ]

    @staticmethod
    def _defaults(tp: Mapping[str, Any]) -> tuple[int, str, str]:
        if is_hdinsight(tp):
            return (*HDINSIGHT_HTTP, "the HDInsight gateway")
        return (*THRIFT_SERVER_HTTP, "the Spark Thrift Server HTTP defaults")

    def _port(self, tp: Mapping[str, Any]) -> int | None:
        return None if is_expression(tp.get("port")) else self._defaults(tp)[0]

    def _http_path(self, tp: Mapping[str, Any]) -> Any:
        return tp.get("httpPath") or self._defaults(tp)[1]

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        tp = _tp(properties)
        value = tp.get("thriftTransportProtocol")
        if is_expression(value):
            return [
                self._finding(
                    "thriftTransportProtocol",
                    value,
                    "HTTP (no expression)",
                    "blocked: replace the expression with a value first",
                    severity="warning",
                )
            ]
        before = value if value is not None else f"(not set: 1.0 used {v1_transport(tp)})"
        port, path, source = self._defaults(tp)
        return [
            Finding(
                self.id,
                type_path("thriftTransportProtocol"),
                before if value is None else shown(value),
                "HTTP (the only transport 2.0 supports)",
                "HTTP — the server must have HTTP mode enabled (hive.server2.transport.mode=http)",
                severity="warning",
            ),
            self._finding(
                "port",
                tp.get("port"),
                "the port of the server's HTTP endpoint",
                f"{shown(answers.get('port'))} (proposed {port}, {source})",
            ),
            self._finding(
                "httpPath",
                tp.get("httpPath"),
                "the HTTP path of the Thrift endpoint",
                f"{shown(answers.get('httpPath'))} (proposed {shown(self._http_path(tp))}, "
                f"{'as 1.0 had it' if tp.get('httpPath') else source})",
            ),
        ]

    def decisions(
        self, properties: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[Decision]:
        tp = _tp(properties)
        if is_expression(tp.get("thriftTransportProtocol")):
            return []
        port, path, source = self._defaults(tp)
        host_note = (
            " The host is an expression: if it names an HDInsight cluster use 443 and /sparkhive2."
            if is_expression(tp.get("host"))
            else ""
        )
        port_note = (
            f" The 1.0 port was an expression ({tp['port'].get('value')}): give a number or "
            "an expression for the HTTP port."
            if is_expression(tp.get("port"))
            else f" The 1.0 port {shown(tp.get('port'))} was for "
            f"{tp.get('thriftTransportProtocol') or v1_transport(tp)}."
        )
        return [
            Decision(
                "port",
                "HTTP port",
                f"2.0 connects over HTTP only. Proposed: {port} ({source}).{port_note}{host_note}",
                "integer",
                self.id,
                type_path("port"),
                proposed=self._port(tp),
            ),
            Decision(
                "httpPath",
                "HTTP path",
                "The path of the server's Thrift HTTP endpoint (hive.server2.thrift.http.path)."
                f" Proposed: {shown(self._http_path(tp))}.{host_note}",
                "text",
                self.id,
                type_path("httpPath"),
                proposed=self._http_path(tp),
            ),
        ]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        tp = properties_out["typeProperties"]
        if is_expression(tp.get("thriftTransportProtocol")):
            return
        tp["thriftTransportProtocol"] = "HTTP"
        for key in ("port", "httpPath"):
            if answers.get(key) is not None:
                tp[key] = answers[key]


class UsernameAuthRule(_Rule):
    id = "username-auth"
    title = "Username authentication type is not supported"

    CHOICES = ("UsernameAndPassword", "Anonymous", HDINSIGHT_AUTH)
    NEEDS_PASSWORD = ("UsernameAndPassword", HDINSIGHT_AUTH)

    def applies(self, properties: Mapping[str, Any]) -> bool:
        value = _tp(properties).get("authenticationType")
        return value == "Username" or is_expression(value)

    def blockers(self, properties: Mapping[str, Any]) -> list[str]:
        value = _tp(properties).get("authenticationType")
        if not is_expression(value):
            return []
        return [
            f"authenticationType is an expression ({value.get('value')}): 2.0 accepts none "
            "here, and which credentials it needs depends on what it evaluates to. Choose "
            "the authentication type in the 1.0 definition, then upgrade."
        ]

    def _proposed(self, tp: Mapping[str, Any]) -> str:
        return HDINSIGHT_AUTH if is_hdinsight(tp) else "UsernameAndPassword"

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        tp = _tp(properties)
        value = tp["authenticationType"]
        if is_expression(value):
            return [
                self._finding(
                    "authenticationType",
                    value,
                    "Anonymous, UsernameAndPassword or WindowsAzureHDInsightService",
                    "blocked: replace the expression with a value first",
                    severity="warning",
                )
            ]
        chosen = answers.get("authenticationType")
        found = [
            self._finding(
                "authenticationType",
                value,
                "Anonymous, UsernameAndPassword or WindowsAzureHDInsightService",
                f"{shown(chosen)} (you choose; proposed {self._proposed(tp)})",
                severity="warning",
            )
        ]
        if chosen == "Anonymous":
            for key in ("username", "password"):
                if key in tp:
                    found.append(
                        self._finding(
                            key,
                            tp[key],
                            "nothing with Anonymous authentication",
                            "dropped",
                            dropped=True,
                        )
                    )
        elif chosen in self.NEEDS_PASSWORD and "password" not in tp:
            found.append(
                self._finding("password", None, f"a password for {chosen}", "the password you give")
            )
        return found

    def decisions(
        self, properties: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[Decision]:
        tp = _tp(properties)
        if is_expression(tp.get("authenticationType")):
            return []
        out = [
            Decision(
                "authenticationType",
                "Authentication type",
                "2.0 has no Username authentication (a user name without a password). "
                "UsernameAndPassword keeps the user name and asks for its password; "
                "Anonymous drops the user name; WindowsAzureHDInsightService is for "
                "HDInsight clusters.",
                "choice",
                self.id,
                type_path("authenticationType"),
                choices=self.CHOICES,
                proposed=self._proposed(tp),
            )
        ]
        if answers.get("authenticationType") in self.NEEDS_PASSWORD and "password" not in tp:
            out.append(
                Decision(
                    "password",
                    "Password",
                    f"The password of {shown(tp.get('username'))}: a secure string or an "
                    "Azure Key Vault secret reference.",
                    "secret",
                    self.id,
                    type_path("password"),
                )
            )
        return out

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        tp = properties_out["typeProperties"]
        chosen = answers.get("authenticationType")
        if is_expression(tp.get("authenticationType")) or chosen is None:
            return
        tp["authenticationType"] = chosen
        if chosen == "Anonymous":
            tp.pop("username", None)
            tp.pop("password", None)
        elif answers.get("password") is not None and "password" not in tp:
            tp["password"] = answers["password"]


class EnableSslDefaultRule(_Rule):
    id = "enable-ssl-default"
    title = "The default value of enableSsl is true (1.0: false)"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return "enableSsl" not in _tp(properties)

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        chosen = answers.get("enableSsl")
        note = (
            "written explicitly to keep the connection unencrypted as in 1.0"
            if chosen is False
            else "TLS turned on: the server must accept TLS on this port"
        )
        return [
            Finding(
                self.id,
                type_path("enableSsl"),
                "(not set: 1.0 default false)",
                "an explicit value (the 2.0 default is true)",
                f"{shown(chosen)} — {note}",
            )
        ]

    def decisions(
        self, properties: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[Decision]:
        return [
            Decision(
                "enableSsl",
                "Encrypt with TLS",
                "1.0 connected without TLS when enableSsl was unset; 2.0 would use TLS. "
                "false keeps today's behaviour; true turns TLS on (the server must accept "
                "it; HDInsight's gateway on 443 does).",
                "boolean",
                self.id,
                type_path("enableSsl"),
                proposed=False,
                required=False,
            )
        ]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        value = answers.get("enableSsl")
        properties_out["typeProperties"]["enableSsl"] = False if value is None else value


class TlsOptionsRule(_Rule):
    id = "tls-options"
    title = (
        "trustedCertPath, useSystemTrustStore, allowHostNameCNMismatch and "
        "allowSelfSignedServerCert are not supported; enableServerCertificateValidation is"
    )

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return any(key in _tp(properties) for key in TLS_OPTIONS)

    @staticmethod
    def proposed_validation(tp: Mapping[str, Any]) -> bool | None:
        """False if 1.0 accepted a self-signed certificate or a name mismatch, True if
        it accepted neither, None if an expression decides."""
        relaxing = [tp.get("allowSelfSignedServerCert"), tp.get("allowHostNameCNMismatch")]
        if any(value is True for value in relaxing):
            return False
        if any(is_expression(value) for value in relaxing):
            return None
        return True

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        tp = _tp(properties)
        found = []
        for key in TLS_OPTIONS:
            if key not in tp:
                continue
            if key == "trustedCertPath":
                found.append(
                    self._finding(
                        key,
                        tp[key],
                        "nothing: 2.0 always uses the system trust store",
                        "dropped — a private CA file is no longer honoured: add that CA to "
                        "the trust store of the integration runtime's machine",
                        severity="warning",
                        dropped=True,
                    )
                )
            else:
                found.append(
                    self._finding(
                        key,
                        tp[key],
                        "nothing: replaced by enableServerCertificateValidation",
                        "dropped",
                        dropped=True,
                    )
                )
        chosen = answers.get("enableServerCertificateValidation")
        found.append(
            self._finding(
                "enableServerCertificateValidation",
                None,
                "whether to validate the server certificate (system trust store)",
                shown(chosen),
                severity="warning" if chosen is False else "info",
            )
        )
        return found

    def decisions(
        self, properties: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[Decision]:
        tp = _tp(properties)
        proposed = self.proposed_validation(tp)
        why = {
            False: "Proposed false: 1.0 accepted a self-signed certificate or a host name "
            "mismatch.",
            True: "Proposed true: 1.0 accepted neither a self-signed certificate nor a host "
            "name mismatch.",
            None: "No proposal: allowSelfSignedServerCert or allowHostNameCNMismatch is an "
            "expression.",
        }[proposed]
        return [
            Decision(
                "enableServerCertificateValidation",
                "Validate the server certificate",
                f"2.0 validates the server certificate against the system trust store "
                f"unless this is false. {why}",
                "boolean",
                self.id,
                type_path("enableServerCertificateValidation"),
                proposed=proposed,
                required=proposed is None,
            )
        ]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        tp = properties_out["typeProperties"]
        for key in TLS_OPTIONS:
            tp.pop(key, None)
        value = answers.get("enableServerCertificateValidation")
        if value is not None:
            tp["enableServerCertificateValidation"] = value


class TrustStoreRule(_Rule):
    """TLS in 1.0 with no TLS option set trusted the CA file installed with the IR."""

    id = "tls-trust-store"
    title = "1.0 trusted the IR's cacerts.pem; 2.0 uses the system trust store"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        tp = _tp(properties)
        ssl = tp.get("enableSsl")
        uses_tls = ssl is True or is_expression(ssl)
        return uses_tls and not any(key in tp for key in TLS_OPTIONS)

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        return [
            self._finding(
                "enableServerCertificateValidation",
                None,
                "2.0 validates the server certificate against the system trust store "
                "(1.0 used the cacerts.pem file installed with the integration runtime)",
                "the system trust store: if the server's certificate comes from a private "
                "CA, add that CA to the trust store of the integration runtime's machine",
                severity="warning",
            )
        ]


TYPE_CHANGES: tuple[TypeChange, ...] = (
    TypeChange(
        "ByteType",
        "Int16",
        "SByte",
        "Bytes arrive as signed 8-bit numbers instead of 16-bit ones; a sink column or "
        "mapping typed for Int16 may need changing.",
    ),
    TypeChange(
        "TimestampType",
        "DateTime",
        "DateTimeOffset",
        "Timestamps arrive with a time-zone offset; a sink column without one (e.g. SQL "
        "datetime2) converts them, or may need to become datetimeoffset.",
    ),
    TypeChange(
        "YearMonthIntervalType",
        "Not supported",
        "String",
        "Year-month intervals, which 1.0 could not copy, now arrive as text; a sink needs a "
        "text column for them.",
    ),
    TypeChange(
        "DayTimeIntervalType",
        "Not supported",
        "String",
        "Day-time intervals, which 1.0 could not copy, now arrive as text; a sink needs a "
        "text column for them.",
    ),
)


class DataTypesRule(_Rule):
    id = "data-types"
    title = "Spark data types map to different interim types"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return True

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        changes = ", ".join(f"{t.source_type} {t.before} → {t.after}" for t in TYPE_CHANGES)
        return [
            Finding(
                self.id,
                "$.properties.type",
                "the 1.0 data type mapping",
                f"the 2.0 mapping: {changes}",
                "nothing to change in the definition; check sinks downstream of copies "
                "from this linked service",
            )
        ]


class CarryOverRule(_Rule):
    id = "carry-over"
    title = "Expressions, parameters, connectVia, description, annotations and secrets"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return bool(self._carried(properties, {}))

    @staticmethod
    def _carried(properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[str]:
        tp = _tp(properties)
        names = [key for key in CARRIED if key in properties]
        dropped = (
            ("username", "password")
            if tp.get("authenticationType") == "Username"
            and answers.get("authenticationType") == "Anonymous"
            else ()
        )
        for key, value in tp.items():
            if (is_expression(value) or key == "password") and key not in dropped:
                names.append(key)
        return names

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        carried = self._carried(properties, answers)
        if not carried:
            return []
        return [
            Finding(
                self.id,
                "$.properties",
                ", ".join(carried),
                "the same values",
                "carried over unchanged (secrets are not shown)",
            )
        ]


RULES: tuple[_Rule, ...] = (
    VersionRule(),
    ServerTypeRule(),
    TransportRule(),
    UsernameAuthRule(),
    EnableSslDefaultRule(),
    TlsOptionsRule(),
    TrustStoreRule(),
    DataTypesRule(),
    CarryOverRule(),
)
