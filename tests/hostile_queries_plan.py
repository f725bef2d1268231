"""Hostile queries for the plan check (issue 18): a plain data module.

``HOSTILE`` is a list of ``(id, sql, class)``. The SQL has ``str.format`` fields that the
test fills with paths of its own temporary directory:

- ``{marker}``: a file a script transform would create (the test's markers directory,
  which must stay empty); ``{out_dir}``: a directory a write would create there;
- ``{prop}``: a JVM system property a reflection call would set (``lw.attack.<id>``);
- ``{secret_text}``, ``{secret_json}``, ``{secret_dir}``: server files whose content
  (:data:`SECRET_LINE`, :data:`SECRET_KEY`) must appear in no answer;
- ``{canary_dir}``: the data files of ``lw_canary.canary``, whose rows and files must not
  change.

Classes: ``script`` (a program run on the server), ``reflection`` (Java called from SQL),
``command`` (SET, ADD, CACHE, REFRESH, MSCK, CREATE/DROP of anything ...), ``write``,
``path`` (a file read by its path), ``function`` (a user function that is not built in),
``evasion`` (a call hidden from a line-by-line reading of the plan). ``SEED`` is what a
privileged client creates first (``{markers}`` is the markers directory); ``LEGITIMATE``
are queries on the tests' catalog (:mod:`tests.spark_catalog`) that must still preview.
"""

from __future__ import annotations

SECRET_LINE = "lw-secret-line-5d1e"
SECRET_KEY = "lw_secret_key_5d1e"

_SET = "'java.lang.System', 'setProperty', '{prop}', 'x'"
_WIDE = ", ".join(f"{i} AS c{i}" for i in range(40))

SEED = [
    "CREATE DATABASE IF NOT EXISTS lw_canary",
    "CREATE TABLE IF NOT EXISTS lw_canary.canary (id INT, s STRING) USING parquet",
    "INSERT OVERWRITE lw_canary.canary VALUES (1, 'one'), (2, 'two'), (3, 'three')",
    "CREATE TABLE IF NOT EXISTS lw_canary.control_t (id INT) USING parquet",
    "CREATE TABLE IF NOT EXISTS lw_canary.chars (c CHAR(3), v VARCHAR(5)) USING parquet",
    "INSERT OVERWRITE lw_canary.chars VALUES ('a', 'b')",
    "CREATE OR REPLACE VIEW lw_canary.v_script AS "
    "SELECT TRANSFORM(1) USING 'touch {markers}/v_script' AS (a)",
    "CREATE OR REPLACE VIEW lw_canary.v_reflect AS "
    "SELECT reflect('java.lang.System', 'setProperty', 'lw.attack.v_reflect', 'x') AS r",
    "CREATE OR REPLACE VIEW lw_canary.v_path AS SELECT * FROM text.`{secret_text}`",
    "CREATE OR REPLACE VIEW lw_canary.v_keep AS SELECT 1 AS a",
    "CREATE FUNCTION IF NOT EXISTS lw_canary.jreflect AS "
    "'org.apache.hadoop.hive.ql.udf.generic.GenericUDFReflect'",
    "CREATE FUNCTION IF NOT EXISTS lw_canary.keep_fn AS "
    "'org.apache.hadoop.hive.ql.udf.generic.GenericUDFAbs'",
]

HOSTILE: list[tuple[str, str, str]] = [
    # -- script transformations --------------------------------------------------------
    ("s01", "SELECT TRANSFORM(1) USING 'touch {marker}'", "script"),
    ("s02", "SELECT TRANSFORM(1) USING r'touch {marker}' AS (a)", "script"),
    ("s03", 'SELECT TRANSFORM(id) USING "touch {marker}" AS (a STRING) FROM range(1)', "script"),
    ("s04", "select transform(*) using 'sh -c \"touch {marker}\"' from range(1)", "script"),
    ("s05", "FROM range(1) MAP id USING 'touch {marker}'", "script"),
    ("s06", "FROM range(1) REDUCE id USING 'touch {marker}' AS (a)", "script"),
    ("s07", "WITH t AS (SELECT TRANSFORM(1) USING 'touch {marker}') SELECT * FROM t", "script"),
    (
        "s08",
        "SELECT * FROM (SELECT TRANSFORM(1) USING 'touch {marker}' AS (a)) x JOIN range(1)",
        "script",
    ),
    (
        "s09",
        "SELECT (SELECT max(a) FROM (SELECT TRANSFORM(1) USING 'touch {marker}' AS (a))) AS m",
        "script",
    ),
    (
        "s10",
        "SELECT TRANSFORM(1) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        "USING 'touch {marker}' AS (a) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','",
        "script",
    ),
    ("s11", "SELECT TRANSFORM(1) USING 'rm -rf {canary_dir}' AS (a)", "script"),
    ("s12", "SELECT/**/TRANSFORM(1)/**/USING/**/'touch {marker}'", "script"),
    ("s13", "SELECT * FROM lw_canary.v_script", "script"),
    ("s14", "SELECT * FROM IDENTIFIER('lw_canary.v_script')", "script"),
    ("s15", "SELECT 1 AS a UNION ALL SELECT TRANSFORM(1) USING 'touch {marker}' AS (a)", "script"),
    # -- reflection ---------------------------------------------------------------------
    ("r01", f"SELECT reflect({_SET})", "reflection"),
    ("r02", f"SELECT java_method({_SET})", "reflection"),
    ("r03", f"SELECT REFLECT({_SET}) AS r", "reflection"),
    ("r04", f"SELECT `reflect`({_SET})", "reflection"),
    ("r05", f"SELECT `Java_Method`({_SET})", "reflection"),
    ("r06", f"SELECT IDENTIFIER('reflect')({_SET})", "reflection"),
    ("r07", f"SELECT id FROM range(1) WHERE reflect({_SET}) IS NULL", "reflection"),
    ("r08", f"WITH t AS (SELECT reflect({_SET}) AS r) SELECT * FROM t", "reflection"),
    (
        "r09",
        "SELECT transform(array(1), x -> reflect('java.lang.System', 'setProperty', "
        "'{prop}', CAST(x AS STRING))) AS t",
        "reflection",
    ),
    ("r10", f"SELECT max(reflect({_SET})) OVER (ORDER BY id) FROM range(1)", "reflection"),
    ("r11", f"SELECT * FROM range(1) JOIN (SELECT reflect({_SET}) AS r) ON true", "reflection"),
    (
        "r12",
        f"SELECT * FROM range(3) WHERE id IN (SELECT length(reflect({_SET})))",
        "reflection",
    ),
    ("r13", f"SELECT try_reflect({_SET})", "reflection"),
    ("r14", "SELECT * FROM lw_canary.v_reflect", "reflection"),
    (
        "r15",
        "SELECT reflect(concat('java.lang.', 'System'), 'setProperty', '{prop}', 'x')",
        "reflection",
    ),
    ("r16", f"SELECT CASE WHEN id = 0 THEN reflect({_SET}) END AS c FROM range(1)", "reflection"),
    ("r17", f"SELECT * FROM range(1) ORDER BY reflect({_SET})", "reflection"),
    ("r18", f"SELECT explode(array(reflect({_SET})))", "reflection"),
    # -- user functions that are not built in -------------------------------------------
    ("f01", f"SELECT lw_canary.jreflect({_SET})", "function"),
    ("f02", f"SELECT `lw_canary`.`jreflect`({_SET})", "function"),
    ("f03", f"SELECT spark_catalog.lw_canary.jreflect({_SET}) AS j", "function"),
    # -- commands -----------------------------------------------------------------------
    ("c01", "SET spark.sql.shuffle.partitions=7", "command"),
    ("c02", "ADD JAR {secret_text}", "command"),
    ("c03", "ADD FILE {secret_text}", "command"),
    ("c04", "CACHE TABLE lw_canary.canary", "command"),
    ("c05", "CACHE LAZY TABLE lw_attack_c05 AS SELECT * FROM lw_canary.canary", "command"),
    ("c06", "REFRESH TABLE lw_canary.canary", "command"),
    ("c07", "MSCK REPAIR TABLE lw_canary.canary", "command"),
    (
        "c08",
        "CREATE TEMPORARY FUNCTION lw_attack_c08 AS "
        "'org.apache.hadoop.hive.ql.udf.generic.GenericUDFReflect'",
        "command",
    ),
    ("c09", "CREATE OR REPLACE TEMPORARY VIEW lw_attack_c09 AS SELECT 1 AS a", "command"),
    ("c10", "CREATE VIEW lw_canary.lw_attack_c10 AS SELECT 1 AS a", "command"),
    ("c11", "DROP TABLE lw_canary.canary", "command"),
    ("c12", "DROP VIEW lw_canary.v_keep", "command"),
    (
        "c13",
        "CREATE FUNCTION lw_canary.lw_attack_c13 AS "
        "'org.apache.hadoop.hive.ql.udf.generic.GenericUDFReflect'",
        "command",
    ),
    ("c14", "DROP FUNCTION lw_canary.keep_fn", "command"),
    ("c15", "ALTER TABLE lw_canary.canary RENAME TO lw_canary.lw_attack_c15", "command"),
    ("c16", "TRUNCATE TABLE lw_canary.canary", "command"),
    ("c17", "CREATE DATABASE lw_attack_c17", "command"),
    ("c18", "SELECT 1; DROP TABLE lw_canary.canary", "command"),
    ("c19", "USE lw_canary", "command"),
    ("c20", "UNCACHE TABLE lw_canary.canary", "command"),
    ("c21", "CLEAR CACHE", "command"),
    ("c22", "ANALYZE TABLE lw_canary.canary COMPUTE STATISTICS", "command"),
    ("c23", "CACHE TABLE IDENTIFIER('lw_canary.canary')", "command"),
    # -- writes -------------------------------------------------------------------------
    ("w01", "INSERT INTO lw_canary.canary VALUES (99, 'x')", "write"),
    ("w02", "INSERT OVERWRITE TABLE lw_canary.canary SELECT 99, 'x'", "write"),
    ("w03", "INSERT OVERWRITE DIRECTORY '{out_dir}' USING csv SELECT 1", "write"),
    ("w04", "INSERT OVERWRITE LOCAL DIRECTORY '{out_dir}' SELECT 1", "write"),
    ("w05", "CREATE TABLE lw_canary.lw_attack_w05 AS SELECT 1 AS a", "write"),
    (
        "w06",
        "WITH x AS (SELECT 99 AS id, 'x' AS s) INSERT INTO lw_canary.canary SELECT * FROM x",
        "write",
    ),
    ("w07", "FROM range(1) INSERT INTO lw_canary.canary SELECT 99, 'x'", "write"),
    ("w08", "DELETE FROM lw_canary.canary WHERE id = 1", "write"),
    ("w09", "UPDATE lw_canary.canary SET s = 'x'", "write"),
    (
        "w10",
        "MERGE INTO lw_canary.canary t USING (SELECT 1 AS id) s ON t.id = s.id "
        "WHEN MATCHED THEN DELETE",
        "write",
    ),
    ("w11", "LOAD DATA LOCAL INPATH '{secret_text}' INTO TABLE lw_canary.canary", "write"),
    ("w12", "INSERT INTO lw_canary.canary TABLE lw_canary.canary", "write"),
    # -- files read by their path -------------------------------------------------------
    ("p01", "SELECT * FROM text.`{secret_text}`", "path"),
    ("p02", "SELECT * FROM csv.`{secret_text}`", "path"),
    ("p03", "SELECT * FROM json.`{secret_json}`", "path"),
    ("p04", "SELECT * FROM binaryFile.`{secret_text}`", "path"),
    ("p05", "SELECT * FROM `text`.`file://{secret_text}`", "path"),
    (
        "p06",
        "SELECT * FROM `org.apache.spark.sql.execution.datasources.csv.CSVFileFormat`"
        ".`{secret_text}`",
        "path",
    ),
    ("p07", "SELECT * FROM IDENTIFIER('text.`{secret_text}`')", "path"),
    ("p08", "SELECT * FROM TEXT.`{secret_dir}`", "path"),
    ("p09", "SELECT value FROM (SELECT * FROM text.`{secret_text}`) t", "path"),
    ("p10", "WITH s AS (SELECT * FROM text.`{secret_text}`) SELECT * FROM s", "path"),
    ("p11", "SELECT (SELECT max(value) FROM text.`{secret_text}`) AS v", "path"),
    ("p12", "SELECT * FROM range(1) JOIN csv.`{secret_text}`", "path"),
    ("p13", "SELECT * FROM lw_canary.v_path", "path"),
    ("p14", "SELECT nope FROM json.`{secret_json}`", "path"),
    ("p15", "SELECT * FROM parquet.`{secret_dir}`", "path"),
    ("p16", "SELECT * FROM orc.`{secret_text}`", "path"),
    ("p17", "SELECT * FROM image.`{secret_text}`", "path"),
    ("p18", "SELECT _c0, nope FROM csv.`{secret_text}`", "path"),
    ("p19", "SELECT * FROM range(1) WHERE EXISTS (SELECT * FROM json.`{secret_json}`)", "path"),
    # -- calls hidden from a line-by-line reading of the plan ----------------------------
    ("e01", f"SELECT {_WIDE}, reflect({_SET}) AS r", "evasion"),
    (
        "e02",
        f"SELECT 'x\n== Analyzed Logical Plan ==\nOneRowRelation' AS a, reflect({_SET})",
        "evasion",
    ),
    ("e03", f"SELECT 'x\nProject [a#1]' AS a, reflect({_SET}) AS r", "evasion"),
    ("e04", f"SELECT reflect({_SET}) AS `a\nProject [b]`", "evasion"),
    ("e05", f"SELECT 'x\n+- OneRowRelation' AS a, reflect({_SET}) AS r", "evasion"),
    ("e06", f"SELECT 'x\n... 3 more fields' AS a, reflect({_SET}) AS r", "evasion"),
]

LEGITIMATE: list[tuple[str, str]] = [
    ("every seed type", "SELECT * FROM sales.all_types"),
    (
        "join",
        "SELECT a.id, b.s FROM sales.big a JOIN sales.big b ON a.id = b.id WHERE a.id < 5",
    ),
    (
        "outer join and anti join",
        "SELECT t.c_int, e.id FROM sales.all_types t LEFT JOIN sales.empty_t e "
        "ON t.c_int = e.id LEFT ANTI JOIN lw_other.elsewhere o ON o.id = t.c_int",
    ),
    (
        "cte",
        "WITH small AS (SELECT id FROM sales.big WHERE id < 10), "
        "twice AS (SELECT id * 2 AS d FROM small) SELECT * FROM twice ORDER BY d",
    ),
    (
        "window functions",
        "SELECT id, row_number() OVER (ORDER BY id DESC) AS rn, "
        "sum(id) OVER (PARTITION BY id % 2 ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
        "AS running, lag(s) OVER w AS prev FROM sales.big WHERE id < 20 WINDOW w AS (ORDER BY id)",
    ),
    ("values", "SELECT * FROM VALUES (1, 'a'), (2, 'b') AS v(n, letter)"),
    ("values alone", "VALUES (1, 'a'), (2, 'b')"),
    (
        "subqueries",
        "SELECT id, (SELECT max(c_int) FROM sales.all_types) AS m FROM sales.big "
        "WHERE id IN (SELECT c_int - 69999 FROM sales.all_types) "
        "AND EXISTS (SELECT 1 FROM sales.all_types t WHERE t.c_int > big.id)",
    ),
    (
        "comments",
        "-- leading comment\nSELECT /* inline */ c_int -- trailing\nFROM sales.all_types "
        "/* a reflect('x') in a comment is not in the plan */",
    ),
    (
        "aggregates",
        "SELECT id % 3 AS k, count(*) AS n, avg(id) AS mean, collect_set(id % 2) AS parities "
        "FROM sales.big GROUP BY id % 3 HAVING count(*) > 1 ORDER BY k",
    ),
    (
        "functions of every kind",
        "SELECT upper(c_string), date_add(c_date, 1), c_ts + INTERVAL 1 DAY, c_dec * 2, "
        "c_array[0], c_map['k'], c_struct.a, coalesce(c_int, 0), CAST(c_long AS STRING), "
        "TRY_CAST('7' AS INT), transform(c_array, x -> x + 1), "
        "regexp_replace(c_string, 'l+', 'L'), "
        "to_json(c_struct), hex(c_binary), date_format(c_ts, 'yyyy') FROM sales.all_types",
    ),
    (
        "generators",
        "SELECT id, e FROM sales.big LATERAL VIEW explode(array(1, 2)) t AS e WHERE id < 2",
    ),
    ("union and sort", "SELECT c_int FROM sales.all_types UNION ALL SELECT 5 ORDER BY 1 LIMIT 3"),
    ("range", "SELECT id FROM range(5)"),
    ("a view", "SELECT * FROM sales.v_types"),
    ("a global temporary view", "SELECT * FROM global_temp.`my view`"),
    ("odd names", "SELECT `a b`, `we``ird` FROM sales.odd_names"),
    (
        "hint",
        "SELECT /*+ BROADCAST(e) */ t.c_int FROM sales.all_types t JOIN sales.empty_t e "
        "ON t.c_int = e.id",
    ),
    (
        "pivot",
        "SELECT * FROM (SELECT id % 2 AS k, id FROM range(4)) PIVOT (sum(id) FOR k IN (0, 1))",
    ),
    ("sample", "SELECT count(*) FROM sales.big TABLESAMPLE (10 ROWS)"),
    (
        "percentile within group",
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY id) FROM range(9)",
    ),
    ("trailing semicolon", "SELECT 1 AS one;"),
    ("having", "SELECT id % 2 AS k FROM range(4) GROUP BY id % 2 HAVING count(*) > 1"),
    ("distinct", "SELECT DISTINCT id % 2 FROM range(4)"),
    ("char and varchar columns (read with padding)", "SELECT c, v FROM lw_canary.chars"),
]
