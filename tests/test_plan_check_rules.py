"""The plan check's rules on EXPLAIN EXTENDED answers as a Spark Thrift Server (pyspark
3.5.3) gives them, including answers this server does not give but another might (a plan it
shortened, a command without output): every one is refused or judged as the rules say."""

from __future__ import annotations

import json

import pytest

from connectors.spark.plan_check import (
    FUNCTIONS_FILE,
    PLAN_EXPRESSIONS,
    PREFIX_WORDS,
    REFUSED_FUNCTIONS,
    PlanAnalysisError,
    PlanRefused,
    allowed_functions,
    judge,
)

PARSED = "== Parsed Logical Plan ==\n'Project [*]\n+- 'UnresolvedRelation [t], [], false\n\n"
TAIL = "\n\n== Optimized Logical Plan ==\nOneRowRelation\n\n== Physical Plan ==\nScan x\n"


def answer(analysed: str, parsed: str = PARSED) -> str:
    return parsed + "== Analyzed Logical Plan ==\n" + analysed + TAIL


def refusal(text: str) -> str:
    with pytest.raises(PlanRefused) as caught:
        judge(text)
    message = str(caught.value)
    assert message.startswith(PREFIX_WORDS)
    return message


def test_a_read_of_a_catalog_table_is_judged_a_read_and_its_physical_plan_kept() -> None:
    plan = judge(
        answer(
            "id: bigint\nProject [id#1L]\n+- SubqueryAlias spark_catalog.db.t\n"
            "   +- Relation spark_catalog.db.t[id#1L,s#2] parquet"
        )
    )
    assert plan.physical == "Scan x"


def test_a_plan_the_server_shortened_is_refused_as_it_cannot_be_judged_in_full() -> None:
    shortened = "c0: int, ... 30 more fields\nProject [0 AS c0#1, ... 30 more fields]\n"
    assert "shortened" in refusal(answer(shortened + "+- OneRowRelation"))


def test_a_command_is_refused_at_the_parsed_plan_s_root() -> None:
    parsed = "== Parsed Logical Plan ==\n'CacheTable [db, t], false, false\n\n"
    analysed = "CacheTable [db, t], false, true\n   +- SubqueryAlias t\n      +- OneRowRelation"
    assert "CacheTable is not a read operation" in refusal(answer(analysed, parsed))
    set_command = "== Parsed Logical Plan ==\nSetCommand (a,Some(b))\n\n"
    message = refusal(answer("key: string, value: string\nSetCommand (a,Some(b))", set_command))
    assert "SetCommand is not a read operation (it is a command)" in message


def test_a_plan_without_a_schema_line_is_refused_rather_than_its_root_skipped() -> None:
    assert "no result columns" in refusal(answer("Project\n+- OneRowRelation"))


def test_a_header_written_inside_a_literal_makes_the_answer_unreadable() -> None:
    injected = "x: string\nProject [a\n== Analyzed Logical Plan ==\nOneRowRelation AS x#1]"
    assert "not in the form this check reads" in refusal(answer(injected))


def test_only_the_char_padding_static_invoke_is_allowed() -> None:
    padded = (
        "c: string\nProject [staticinvoke(class org.apache.spark.sql.catalyst.util."
        "CharVarcharCodegenUtils, StringType, readSidePadding, c#1, 3, true, false, true) AS c#2]"
        "\n+- Relation spark_catalog.db.t[c#1] parquet"
    )
    judge(answer(padded))
    other = padded.replace("catalyst.util.CharVarcharCodegenUtils", "Other")
    assert "staticinvoke is not an allowed function" in refusal(answer(other))


def test_an_analysis_error_is_the_server_s_message() -> None:
    text = (
        PARSED + "== Analyzed Logical Plan ==\norg.apache.spark.sql.AnalysisException: "
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view `t` cannot be found.; line 1 pos 31;\n"
        "'Project [*]\n+- 'UnresolvedRelation [t], [], false\n"
    )
    with pytest.raises(PlanAnalysisError) as caught:
        judge(text)
    assert "TABLE_OR_VIEW_NOT_FOUND" in caught.value.message


def test_an_analysis_error_over_a_path_read_gives_the_path_refusal_not_its_columns() -> None:
    text = (
        PARSED + "== Analyzed Logical Plan ==\norg.apache.spark.sql.AnalysisException: "
        "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `nope` "
        "cannot be resolved. Did you mean one of the following? [`secret_key`].; line 1 pos 24;"
        "\n'Project ['nope]\n+- Relation [secret_key#995L] json\n"
    )
    message = refusal(text)
    assert "file read by its path (Relation [..] json" in message
    assert "secret_key" not in message


def test_a_name_shown_in_a_refusal_is_printable_and_short() -> None:
    long_name = "x" * 200
    message = refusal(answer(f"a: int\nProject [{long_name}\x07(1) AS a#1]\n+- OneRowRelation"))
    assert "x" * 77 + "..." in message and "\x07" not in message


def test_the_allowed_functions_are_spark_s_built_ins_less_the_refused_plus_plan_names() -> None:
    builtin = set(json.loads(FUNCTIONS_FILE.read_text())["functions"])
    allowed = allowed_functions()
    assert {"reflect", "java_method", "xpath", "xpath_string", "upper", "explode"} <= builtin
    assert not REFUSED_FUNCTIONS & allowed
    assert {"upper", "explode", "count", "cast", "isnotnull"} <= allowed
    assert allowed == (builtin - REFUSED_FUNCTIONS) | PLAN_EXPRESSIONS


def test_an_analysis_error_naming_a_path_gives_the_path_refusal_not_the_message() -> None:
    parsed = PARSED.replace("[t]", "[parquet, /etc/x]")
    text = (
        parsed + "== Analyzed Logical Plan ==\norg.apache.spark.sql.AnalysisException: "
        "/etc/x is not a Parquet file. Expected magic number at tail, but found [1, 2, 3, 4]\n"
    )
    message = refusal(text)
    assert "a file read by its path (a name with a slash" in message
    assert "magic" not in message
