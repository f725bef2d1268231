"""The HiveServer2 protocol, shared by the Spark, Hive and Impala connectors: the client
(TCLIService over binary, SASL PLAIN or HTTP Thrift transports, with TLS), the staged
connection test and its advice, the live catalog and preview of a dataset, the activity query
checks, and the reader chosen by the server that answers for judging a query (see README.md).

A connector gives its :class:`~connectors.hiveserver2.flavour.Flavour` (how its linked service
reads as :class:`~connectors.hiveserver2.settings.ServerSettings`, and its
:class:`~connectors.hiveserver2.dialect.Dialect`); :mod:`connectors.hiveserver2.parts` builds
its connection test, live catalog and query tools from it.
"""
