"""GENERATED CODE: Python bindings produced by ``thrift --gen py``.

Do not edit by hand; change ``connectors/hiveserver2/TCLIService.thrift`` and run
``scripts/gen_thrift.sh``.
"""
