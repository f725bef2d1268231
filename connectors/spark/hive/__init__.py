"""A small HiveServer2 (TCLIService) client used to test Spark Thrift Servers."""
