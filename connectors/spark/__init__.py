"""Azure Data Factory "Spark" linked service: settings and connection test."""
