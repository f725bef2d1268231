"""GENERATED CODE: Python bindings produced by ``thrift --gen py``.

Do not edit by hand; change ``connectors/spark/hive/TCLIService.thrift`` and run
``scripts/gen_thrift.sh``.
"""
