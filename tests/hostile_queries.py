"""Hostile Spark SQL: texts an Editor may type as a dataset preview query, a Copy/Lookup
query or a test value's result, each of which must be refused before or by the server.

Plain data, no test code: ``HOSTILE`` is a list of ``(id, sql, class)``; ``LEGITIMATE`` a
list of ``(id, sql)`` that a read-only check must let through (they read no table, so any
server can plan them). Every entry is one statement Spark 3.5 parses, unless its id says
``multi`` (two statements) or ``lexical`` (a text Spark's lexer cannot cut into a
statement); the path-based ones name files that exist on a Linux server.
"""

from __future__ import annotations

SCRIPT = "script transform"
REFLECTION = "reflection"
COMMAND = "command"
WRITE = "write"
PATH = "path-based source"
LEXER = "lexer trick"
SUBSTITUTION = "variable substitution"

CLASSES = (SCRIPT, REFLECTION, COMMAND, WRITE, PATH, LEXER, SUBSTITUTION)

HOSTILE: list[tuple[str, str, str]] = [
    # --- script transforms: a program run on the server --------------------------------
    ("transform-using", "SELECT TRANSFORM(1) USING 'id'", SCRIPT),
    ("transform-raw", "SELECT TRANSFORM(1) USING r'id'", SCRIPT),
    ("transform-raw-upper-double", 'SELECT TRANSFORM(1) USING R"id"', SCRIPT),
    ("transform-double-quoted", 'SELECT TRANSFORM(1) USING "cat /etc/passwd"', SCRIPT),
    ("transform-comment-before-script", "SELECT TRANSFORM(1) USING /* x */ 'id'", SCRIPT),
    ("transform-lowercase", "select transform(1) using 'id' as (a)", SCRIPT),
    ("transform-long-s", "SELECT TRAN\u017fFORM(1) U\u017fING 'id'", SCRIPT),
    ("transform-row-format", "SELECT TRANSFORM(1) ROW FORMAT DELIMITED USING 'cat'", SCRIPT),
    (
        "transform-serde",
        "SELECT TRANSFORM(1) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' "
        "USING 'cat'",
        SCRIPT,
    ),
    ("transform-in-subquery", "SELECT * FROM (SELECT TRANSFORM(1) USING 'id') t", SCRIPT),
    ("map-clause", "SELECT * FROM (MAP 1 USING 'cat') t", SCRIPT),
    ("reduce-clause", "SELECT * FROM (REDUCE 1 USING 'cat' AS (x)) t", SCRIPT),
    (
        "transform-in-cte",
        "WITH s AS (SELECT TRANSFORM(1) USING 'sh -c id') SELECT * FROM s",
        SCRIPT,
    ),
    # --- reflection: Java called on the server ------------------------------------------
    (
        "reflect",
        "SELECT reflect('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    (
        "reflect-upper",
        "SELECT REFLECT('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    (
        "reflect-mixed-case-comment",
        "SELECT ReFlEcT /* x */ ('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    (
        "reflect-backquoted",
        "SELECT `reflect`('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    (
        "reflect-backquoted-upper",
        "SELECT `REFLECT`('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    (
        "reflect-qualified",
        "SELECT x.reflect('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    (
        "reflect-qualified-backquoted",
        "SELECT `default`.`reflect`('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    (
        "java-method",
        "SELECT java_method('java.lang.System', 'getenv', 'PATH')",
        REFLECTION,
    ),
    (
        "java-method-backquoted-upper",
        "SELECT `JAVA_METHOD`('java.lang.System', 'getenv', 'PATH')",
        REFLECTION,
    ),
    (
        "try-reflect",
        "SELECT try_reflect('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    (
        "reflect-in-where",
        "SELECT 1 WHERE reflect('java.lang.Thread', 'sleep', 1L) IS NULL",
        REFLECTION,
    ),
    (
        "identifier-clause-function",
        "SELECT identifier('reflect')('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    (
        "identifier-clause-concatenated",
        "SELECT IDENTIFIER('ref' || 'lect')('java.lang.System', 'getProperty', 'user.dir')",
        REFLECTION,
    ),
    # --- commands: session, cache, catalog, functions and views --------------------------
    ("set", "SET spark.sql.ansi.enabled=false", COMMAND),
    ("set-verbose", "SET -v", COMMAND),
    ("reset", "RESET", COMMAND),
    ("add-jar", "ADD JAR /tmp/evil.jar", COMMAND),
    ("add-file", "ADD FILE /etc/passwd", COMMAND),
    ("cache-table", "CACHE TABLE lw_cached AS SELECT 1", COMMAND),
    ("cache-lazy", "CACHE LAZY TABLE lw_cached AS SELECT 1", COMMAND),
    ("uncache", "UNCACHE TABLE IF EXISTS lw_cached", COMMAND),
    ("clear-cache", "CLEAR CACHE", COMMAND),
    ("refresh-table", "REFRESH TABLE default.t", COMMAND),
    ("refresh-path", "REFRESH '/etc'", COMMAND),
    ("msck", "MSCK REPAIR TABLE default.t", COMMAND),
    (
        "create-temporary-function",
        "CREATE TEMPORARY FUNCTION lw_f AS 'org.apache.hadoop.hive.ql.udf.UDFReflect'",
        COMMAND,
    ),
    ("drop-temporary-function", "DROP TEMPORARY FUNCTION IF EXISTS lw_f", COMMAND),
    ("create-temporary-view", "CREATE TEMPORARY VIEW lw_v AS SELECT 1 AS a", COMMAND),
    (
        "create-temporary-view-on-file",
        "CREATE OR REPLACE TEMPORARY VIEW lw_v USING text OPTIONS (path '/etc/passwd')",
        COMMAND,
    ),
    ("drop-view", "DROP VIEW IF EXISTS lw_v", COMMAND),
    ("drop-table", "DROP TABLE IF EXISTS default.t", COMMAND),
    ("use", "USE lw_other", COMMAND),
    ("analyze", "ANALYZE TABLE default.t COMPUTE STATISTICS", COMMAND),
    ("show-tables", "SHOW TABLES", COMMAND),
    ("describe", "DESCRIBE FUNCTION reflect", COMMAND),
    ("multi-select-then-set", "SELECT 1; SET spark.sql.ansi.enabled=false", COMMAND),
    (
        "multi-cte-then-drop",
        "WITH x AS (SELECT 1) SELECT * FROM x; DROP TABLE IF EXISTS default.t",
        COMMAND,
    ),
    # --- writes ---------------------------------------------------------------------------
    ("insert-into", "INSERT INTO default.t VALUES (1)", WRITE),
    ("insert-overwrite", "INSERT OVERWRITE TABLE default.t SELECT 1", WRITE),
    (
        "insert-overwrite-directory",
        "INSERT OVERWRITE DIRECTORY '/tmp/lw-out' USING csv SELECT 1",
        WRITE,
    ),
    (
        "insert-overwrite-local-directory",
        "INSERT OVERWRITE LOCAL DIRECTORY '/tmp/lw-out' SELECT 1",
        WRITE,
    ),
    ("cte-then-insert", "WITH x AS (SELECT 1) INSERT INTO default.t SELECT * FROM x", WRITE),
    (
        "cte-then-insert-dotless-i",
        "WITH x AS (SELECT 1) \u0131nsert \u0131nto default.t SELECT * FROM x",
        WRITE,
    ),
    ("from-first-insert", "FROM (SELECT 1 AS a) s INSERT INTO default.t SELECT a", WRITE),
    ("delete", "DELETE FROM default.t WHERE 1 = 1", WRITE),
    ("update", "UPDATE default.t SET a = 1", WRITE),
    (
        "merge",
        "MERGE INTO default.t USING default.u ON t.a = u.a WHEN MATCHED THEN DELETE",
        WRITE,
    ),
    ("truncate", "TRUNCATE TABLE default.t", WRITE),
    ("load-data", "LOAD DATA LOCAL INPATH '/etc/passwd' INTO TABLE default.t", WRITE),
    ("ctas", "CREATE TABLE default.lw_copy AS SELECT 1 AS a", WRITE),
    ("alter", "ALTER TABLE default.t ADD COLUMNS (b INT)", WRITE),
    ("multi-select-then-insert", "SELECT 1; INSERT INTO default.t VALUES (1)", WRITE),
    # --- path-based sources: a file of the server read as a table ------------------------
    ("csv-path", "SELECT * FROM csv.`/etc/passwd`", PATH),
    ("text-path", "SELECT * FROM text.`/etc/passwd`", PATH),
    ("json-path", "SELECT * FROM json.`/etc/hostname`", PATH),
    ("parquet-path", "SELECT * FROM parquet.`/etc/hostname`", PATH),
    ("orc-path", "SELECT * FROM orc.`/etc/hostname`", PATH),
    ("binaryfile-path", "SELECT * FROM binaryFile.`/etc/passwd`", PATH),
    ("avro-path", "SELECT * FROM avro.`/etc/hostname`", PATH),
    ("delta-path", "SELECT * FROM delta.`/etc/hostname`", PATH),
    ("text-upper", "SELECT * FROM TEXT.`/etc/passwd`", PATH),
    ("text-backquoted-format", "SELECT * FROM `text`.`/etc/passwd`", PATH),
    ("text-file-uri", "SELECT * FROM text.`file:///etc/passwd`", PATH),
    ("text-relative", "SELECT * FROM text.`../../../../etc/passwd`", PATH),
    ("text-unquoted-relative", "SELECT * FROM text.passwd", PATH),
    ("text-comments-around-dot", "SELECT * FROM text /* a */ . /* b */ `/etc/passwd`", PATH),
    (
        "class-name-source",
        "SELECT * FROM "
        "`org.apache.spark.sql.execution.datasources.text.TextFileFormat`.`/etc/passwd`",
        PATH,
    ),
    ("path-in-join", "SELECT * FROM (SELECT 1 AS a) x JOIN text.`/etc/passwd` p ON true", PATH),
    ("path-in-cte", "WITH p AS (SELECT * FROM text.`/etc/passwd`) SELECT * FROM p", PATH),
    ("identifier-clause-path", "SELECT * FROM IDENTIFIER('text.`/etc/passwd`')", PATH),
    # --- lexer tricks: where a literal or comment ends --------------------------------------
    ("multi-line-comment-ends-at-cr", "SELECT 1 --\r; DROP TABLE IF EXISTS default.t", LEXER),
    ("line-comment-ends-at-cr", "SELECT 1 AS a -- note\rFROM text.`/etc/passwd`", LEXER),
    ("multi-raw-string-backslash", "SELECT r'\\'; DROP TABLE IF EXISTS default.t; --'", LEXER),
    (
        "multi-raw-double-backslash",
        'SELECT R"\\"; SET spark.sql.ansi.enabled=false; --"',
        LEXER,
    ),
    ("multi-escaped-backslash", "SELECT '\\\\'; DROP TABLE IF EXISTS default.t; --'", LEXER),
    (
        "multi-hint-inside-comment",
        "SELECT 1 /* /*+ */; DROP TABLE IF EXISTS default.t /* */",
        LEXER,
    ),
    ("lexical-greek-question-mark", "SELECT 1\u037e DROP TABLE IF EXISTS default.t", LEXER),
    ("lexical-fullwidth-semicolon", "SELECT 1\uff1b SET spark.sql.ansi.enabled=false", LEXER),
    ("lexical-small-semicolon", "SELECT 1 \ufe54 SET spark.sql.ansi.enabled=false", LEXER),
    ("lexical-reversed-semicolon", "SELECT 1 \u204f SET spark.sql.ansi.enabled=false", LEXER),
    ("long-s-set", "\u017fET spark.sql.ansi.enabled=false", LEXER),
    ("dotless-i-insert", "\u0131NSERT INTO default.t VALUES (1)", LEXER),
    (
        "hint-holds-code",
        "SELECT /*+ REPARTITION(1) */ reflect('java.lang.System', 'lineSeparator')",
        LEXER,
    ),
    (
        "adjacent-literals-hide-nothing",
        "SELECT 'a' '; DROP' AS x, reflect('java.lang.Runtime', 'version')",
        LEXER,
    ),
    # --- variable substitution: the server's environment read into the query -------------
    ("env", "SELECT '${env:HOME}' AS home", SUBSTITUTION),
    ("system-property", "SELECT '${system:user.name}' AS who", SUBSTITUTION),
    ("spark-conf", "SELECT '${spark.sql.warehouse.dir}' AS dir", SUBSTITUTION),
    (
        "hiveconf-in-comment",
        "SELECT 1 AS a -- ${hiveconf:hive.server2.thrift.port}\n",
        SUBSTITUTION,
    ),
]

LEGITIMATE: list[tuple[str, str]] = [
    ("literal", "SELECT 1"),
    ("join", "SELECT a.x, b.y FROM (SELECT 1 AS x) a JOIN (SELECT 1 AS x, 2 AS y) b ON a.x = b.x"),
    ("join-using", "SELECT * FROM (SELECT 1 AS id) a JOIN (SELECT 1 AS id) b USING (id)"),
    ("cte", "WITH x AS (SELECT 1 AS a), y AS (SELECT a + 1 AS b FROM x) SELECT * FROM y"),
    (
        "window",
        "SELECT id, sum(id) OVER (PARTITION BY id % 2 ORDER BY id ROWS BETWEEN 1 PRECEDING "
        "AND CURRENT ROW) AS s FROM range(10)",
    ),
    ("values", "VALUES (1, 'a'), (2, 'b')"),
    ("values-alias", "SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(n, s)"),
    ("subquery", "SELECT * FROM (SELECT id FROM range(5)) WHERE id IN (SELECT 1)"),
    ("union", "(SELECT 1) UNION ALL (SELECT 2)"),
    ("comments", "-- first\nSELECT /* a /* nested */ block */ 1 AS a -- last\n"),
    ("cr-comment", "SELECT 1 AS a -- note\r"),
    ("hint", "SELECT /*+ REPARTITION(2) */ id FROM range(4)"),
    ("strings", "SELECT 'it\\'s', \"dq\", r'\\d+', R\"raw\", 'a' 'b', 'a;b', '--', '/*'"),
    ("escapes", "SELECT '\\u00e9\\n\\t\\\\', '\\012', '\\%'"),
    ("backquoted", "SELECT 1 AS `insert`, 2 AS `we``ird; name`"),
    (
        "every-type",
        "SELECT true, 1Y, 2S, 3, 4L, 1.5F, 2.5D, 3.25BD, 1.5, .5, 1e3, 'text', X'CAFE', "
        "DATE'2024-01-31', TIMESTAMP'2024-01-31 12:34:56', TIMESTAMP_NTZ'2024-01-31 01:02:03', "
        "INTERVAL '1-2' YEAR TO MONTH, INTERVAL '3 04:05:06' DAY TO SECOND, "
        "array(1, 2), map('k', 1), named_struct('a', 1), CAST(NULL AS STRING)",
    ),
    ("functions", "SELECT replace('abc', 'b', 'x'), transform(array(1, 2), x -> x + 1)"),
    ("trailing-semicolon", "SELECT 1 ;\n"),
    ("lateral-view", "SELECT c FROM (SELECT array(1, 2) AS a) LATERAL VIEW explode(a) t AS c"),
    ("group-by", "SELECT id % 3 AS k, count(*) FROM range(9) GROUP BY 1 HAVING count(*) > 1"),
]
