"""Spark decides what a query is: the server's analysed plan, not our text filter, is the judge.

Before a typed or generated query runs on a user's server, the exact text that will run
(wrapper included) is sent as ``EXPLAIN EXTENDED <text>`` on the same HiveServer2 session:
the server parses and analyses it (views expanded, names resolved, functions looked up)
and nothing is executed. The statement runs only when its ``== Analyzed Logical Plan ==``
is made of read operators (:data:`READ_NODES`) and calls only allowed functions
(:func:`allowed_functions`). Anything unknown is refused (fail closed). API (stable)::

    from connectors.spark.plan_check import PlanRefused, SESSION_CONFIGURATION, check_plan

    # on a session opened with SESSION_CONFIGURATION, right before the statement runs:
    plan = check_plan(client, statement, timeout_seconds=n)   # -> JudgedPlan (.physical)
    # raises PlanRefused ("Refused by the server's plan: <node or function> ..."), or
    # PlanAnalysisError (a HiveStatusError: the server's own parse or analysis message).

    judge(explain_text) -> JudgedPlan     # the rules alone, on an EXPLAIN EXTENDED answer

How the answer is read (every rule only ever refuses more):

- The answer has each of its four section headers exactly once and in order; a header
  written inside a string literal makes a second one and the plan is refused.
- The parsed plan's first line is its root (Spark prints no schema line there): it must be
  a query (a read operator), so a command never reaches the next rule.
- The analysed section starts with the output schema line (``a: int, u: string``), then
  the root. Every other node line has a tree prefix (``+- ``, ``:- ``, ``:  `` ...). A line
  break inside a literal or name adds a line without one: such a plan is refused, since a
  line Spark did not start could otherwise pass for the schema or the root.
- Every node of the tree, subquery plans and view bodies included, must be a read operator;
  a ``Relation`` must name a catalog table (``Relation [..] csv``, a file read by its
  path, is refused). A plan the server shortened (``... N more fields``) is refused:
  sessions are opened with ``spark.sql.debug.maxToStringFields`` raised so it is not.
- Every ``name(`` in the section, the schema line included, must be an allowed function or
  an expression Spark prints that no user can call (``windowspecdefinition`` ...). The plan
  prints literals and aliases as they are (``upper(b#4) AS u#7``), so a string or a column
  name that looks like a call (``'reflect('``) is refused too: the message says so.

Refusals name the node or the function, never the plan's text: a file read by its path
shows that file's column names in the plan. When EXPLAIN answers an analysis error whose
plan reads a file by its path, the path refusal is given instead of the server's message,
whose "Did you mean" list would name that file's columns.

What EXPLAIN itself does on the server: it parses, analyses (which infers the schema of a
file read by its path, and evaluates the constant rows of ``VALUES``) and optimizes (which
folds deterministic functions of constants): no reflection (non-deterministic in Spark, so
never folded), no script, no write. xpath functions are refused (see
:data:`REFUSED_FUNCTIONS`), though a literal one is folded by EXPLAIN's optimizer before the
verdict, as the query itself would.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from connectors.hiveserver2.client import HiveClient
from connectors.hiveserver2.dialect import PREFIX_WORDS, PlanAnalysisError, PlanRefused

EXPLAIN = "EXPLAIN EXTENDED "
FUNCTIONS_FILE = Path(__file__).with_name("spark-functions.json")

SESSION_CONFIGURATION = {"set:hiveconf:spark.sql.debug.maxToStringFields": "1000000"}
"""OpenSession settings for sessions whose statements are judged: Spark shortens lists in
plans to 25 items by default (``... 5 more fields``), which would hide a call."""

READ_NODES = frozenset(
    {
        "Aggregate",
        "CTERelationDef",
        "CTERelationRef",
        "Deduplicate",
        "Distinct",
        "Except",
        "Expand",
        "Filter",
        "Generate",
        "GlobalLimit",
        "HiveTableRelation",
        "Intersect",
        "Join",
        "LateralJoin",
        "LocalLimit",
        "LocalRelation",
        "Offset",
        "OneRowRelation",
        "Project",
        "Range",
        "RebalancePartitions",
        "Relation",
        "Repartition",
        "RepartitionByExpression",
        "ResolvedHint",
        "Sample",
        "Sort",
        "SubqueryAlias",
        "Tail",
        "Union",
        "View",
        "Window",
        "WithCTE",
    }
)
"""Logical plan nodes that only read: catalog tables (``Relation`` with a table name,
``HiveTableRelation``), views (``View``, whose body is in the plan), CTEs, subqueries,
joins, aggregates, windows, generators, VALUES, ranges, hints, limits, set operations,
sorts and samples."""

PARSED_QUERY_ROOTS = READ_NODES | {
    "CTE",
    "Pivot",
    "UnresolvedHaving",
    "UnresolvedHint",
    "UnresolvedInlineTable",
    "UnresolvedRelation",
    "UnresolvedSubqueryColumnAliases",
    "UnresolvedTableValuedFunction",
    "Unpivot",
    "WithWindowDefinition",
}
"""What the parsed plan's root may be: a query before analysis (unresolved names carry a
``'``). Commands (``SetCommand``, ``'CacheTable``, ``'CreateView``, ``'InsertIntoStatement``,
``'PlanWithUnresolvedIdentifier`` around a command ...) are not."""

REFUSED_FUNCTIONS = frozenset(
    {
        "reflect",
        "java_method",
        "try_reflect",
        "xpath",
        "xpath_boolean",
        "xpath_double",
        "xpath_float",
        "xpath_int",
        "xpath_long",
        "xpath_number",
        "xpath_short",
        "xpath_string",
    }
)
"""Built-in functions that are not allowed: ``reflect``, ``java_method`` (the same
expression) and ``try_reflect`` (Spark 4) call any Java method on the server. The xpath
functions parse XML text on the server: whether a DOCTYPE's external entities are read
depends on the server's Spark version and XML library (Spark 3.5.3 here ignores them), which
this check cannot see, and Data Factory's copy and lookup queries do not need them."""

PLAN_EXPRESSIONS = frozenset(
    {
        # Printed in analysed plans, not callable by name.
        "checkoverflow",
        "currentrow$",
        "knownnotnull",
        "lambdafunction",
        "namedlambdavariable",
        "outer",
        "percentile_cont",
        "percentile_disc",
        "pivotfirst",
        "promote_precision",
        "specifiedwindowframe",
        "timestampadd",
        "timestampdiff",
        "try_cast",
        "unboundedfollowing$",
        "unboundedpreceding$",
        "windowspecdefinition",
        # Values Spark prints in arguments: Scala options, data types, a JDBC relation.
        "arraytype",
        "chartype",
        "decimaltype",
        "jdbcrelation",
        "maptype",
        "some",
        "structfield",
        "structtype",
        "varchar",
        "varchartype",
    }
)
"""Names Spark prints in plans that are not user functions (special syntax such as
``TRY_CAST`` and ``percentile_cont(...) WITHIN GROUP``, window frames, lambdas, pivots,
outer references), and values it prints inside arguments (``Some(Etc/UTC)``,
``StructField(a,IntegerType,true)``, ``varchar(3)``)."""

_CHAR_PADDING = "class org.apache.spark.sql.catalyst.util.CharVarcharCodegenUtils, "
"""The one ``staticinvoke`` analysis adds: CHAR columns read with their padding."""

_HEADERS = (
    "== Parsed Logical Plan ==",
    "== Analyzed Logical Plan ==",
    "== Optimized Logical Plan ==",
    "== Physical Plan ==",
)
_TREE_PREFIX = re.compile(r"(?:(?:   |:  )*(?:\+- |:- ))")
_NODE_NAME = re.compile(r"'?([A-Za-z][A-Za-z0-9_]*)(?= |\[|$)")
_CALL = re.compile(r"([^\s(),\[\]{}<>:=]*)\(")
_CALL_LEAD = "`'\"!~-+*/%&|^<>=:;?@"
_PATH_FORMAT = re.compile(r"\] ([A-Za-z][A-Za-z0-9_]*)$")
_PATH_NAME = re.compile(
    r"UnresolvedRelation \[[^\]\n]*[/\\][^\]\n]*\]|PlanWithUnresolvedIdentifier [^,\n]*[/\\]"
)
"""A table name with a slash, which no catalog table has: a file source and its path
(``'UnresolvedRelation [csv, /etc/passwd]``)."""
_SHORTENED = re.compile(r"\.\.\. \d+ more (?:fields|characters)|^Truncated plan of", re.M)
_ERROR_HEAD = re.compile(r"^[a-z][\w.$]*\.[A-Z]\w*(?:Exception|Error)\b")
_SHOWN_NAME = 80

_NODE_REASONS = {
    "ScriptTransformation": "a script transform runs a program on the server",
    "InsertIntoStatement": "it writes",
}


@dataclass(frozen=True)
class JudgedPlan:
    """The EXPLAIN EXTENDED answer of a statement that may run."""

    text: str
    physical: str
    output: str = ""
    """The analysed plan's output schema line (``a: int, u: string``): each result column's
    name and Spark type (``DataType.simpleString``), read by :mod:`connectors.spark.plan_types`."""


@cache
def allowed_functions() -> frozenset[str]:
    """Spark's built-in functions (``SHOW SYSTEM FUNCTIONS`` of the pinned pyspark, captured
    in ``spark-functions.json``) less :data:`REFUSED_FUNCTIONS`, plus
    :data:`PLAN_EXPRESSIONS`; all lower case."""
    names = json.loads(FUNCTIONS_FILE.read_text(encoding="utf-8"))["functions"]
    builtin = {str(n).lower() for n in names}
    return frozenset(builtin - REFUSED_FUNCTIONS) | PLAN_EXPRESSIONS


def check_plan(client: HiveClient, statement: str, *, timeout_seconds: int = 0) -> JudgedPlan:
    """``EXPLAIN EXTENDED <statement>`` on the client's session, judged (:func:`judge`).

    Two round trips: ExecuteStatement and one FetchResults (the answer's shape is known, so
    no GetResultSetMetadata; CloseSession closes the operation, so no CloseOperation)."""
    text = client.query_first_value(
        EXPLAIN + statement, timeout_seconds=timeout_seconds, close_operation=False
    )
    return judge(str(text or ""))


def judge(text: str) -> JudgedPlan:
    """The verdict on an EXPLAIN EXTENDED answer: the plan when every node is a read and
    every function allowed; raises :class:`PlanRefused` or :class:`PlanAnalysisError`."""
    lines = text.split("\n")
    at = [[i for i, line in enumerate(lines) if line == header] for header in _HEADERS]
    parsed_at, analysed_at, optimized_at, physical_at = at
    if len(parsed_at) != 1 or len(analysed_at) != 1 or parsed_at[0] != 0:
        raise PlanRefused(_UNREADABLE)
    analysed_from = analysed_at[0] + 1
    if not optimized_at and not physical_at:
        _raise_analysis_error(lines[1 : analysed_at[0]], lines[analysed_from:])
    if (
        len(optimized_at) != 1
        or len(physical_at) != 1
        or not analysed_at[0] < optimized_at[0] < physical_at[0]
    ):
        raise PlanRefused(_UNREADABLE)
    _check_parsed_root(lines[1] if len(lines) > 1 else "")
    analysed = _section(lines[analysed_from : optimized_at[0]])
    _check_analysed(analysed)
    physical = "\n".join(_section(lines[physical_at[0] + 1 :]))
    return JudgedPlan(text, physical, analysed[0])


_UNREADABLE = "its answer to EXPLAIN EXTENDED is not in the form this check reads."


def _section(lines: list[str]) -> list[str]:
    """A section's lines without the blank line Spark puts before the next header."""
    return lines[:-1] if lines and lines[-1] == "" else lines


def _raise_analysis_error(parsed: list[str], section: list[str]) -> None:
    """The server's analysis error, unless the statement reads a file by its path: then the
    path refusal, since the message can quote that file (its columns in "Did you mean", its
    bytes in a format error)."""
    text = "\n".join(_section(section)).strip()
    if not _ERROR_HEAD.match(text):
        raise PlanRefused(_UNREADABLE)
    # The plan Spark appends to the message ("...; line 1 pos 7;\n'Project ...").
    for line in text.split("\n")[1:]:
        _check_path_relation(_TREE_PREFIX.sub("", line, count=1).lstrip("'"))
    if _PATH_NAME.search("\n".join(parsed)) or _PATH_NAME.search(text):
        raise PlanRefused(_PATH_READ.format(seen="a name with a slash, which no table has"))
    raise PlanAnalysisError("EXPLAIN EXTENDED", text)


def _check_parsed_root(line: str) -> None:
    found = _NODE_NAME.match(line)
    if found is None:
        raise PlanRefused(_UNREADABLE)
    if found.group(1) not in PARSED_QUERY_ROOTS:
        raise PlanRefused(_not_a_read(found.group(1)))


def _check_analysed(lines: list[str]) -> None:
    whole = "\n".join(lines)
    if _SHORTENED.search(whole):
        raise PlanRefused(
            "the server shortened its plan (spark.sql.debug.maxToStringFields, "
            "spark.sql.maxPlanStringLength), so it cannot be judged in full."
        )
    unprefixed = [i for i, line in enumerate(lines) if not _TREE_PREFIX.match(line)]
    if unprefixed == [0]:
        raise PlanRefused("the statement has no result columns.")
    if unprefixed != [0, 1]:
        raise PlanRefused(
            "a line break inside a string or a name makes the plan ambiguous to read line "
            "by line; write it as char(10) (or char(13))."
        )
    tree = lines[1:]
    for line in tree:  # every node first: a path read is refused before any name is shown
        node = _TREE_PREFIX.sub("", line, count=1)
        found = _NODE_NAME.match(node)
        if found is None or node.startswith("'"):
            raise PlanRefused(_UNREADABLE)
        if found.group(1) not in READ_NODES:
            raise PlanRefused(_not_a_read(found.group(1)))
        _check_path_relation(node)
    for line in lines:
        _check_calls(line)


def _check_path_relation(node: str) -> None:
    """``Relation [..] csv``: a file source read by its path, not through a catalog table."""
    if not node.startswith("Relation ["):
        return
    found = _PATH_FORMAT.search(node)
    relation = f"Relation [..] {found.group(1)}" if found else "Relation [..]"
    raise PlanRefused(_PATH_READ.format(seen=f"{relation}, no catalog table"))


_PATH_READ = (
    "a file read by its path ({seen}) is not a read operation allowed here: read a catalog "
    "table or a view."
)


def _check_calls(line: str) -> None:
    allowed = allowed_functions()
    for found in _CALL.finditer(line):
        name = found.group(1).lstrip(_CALL_LEAD).lower().removeprefix("__pivot_")
        if not name or name in allowed:
            continue
        if name == "staticinvoke" and line.startswith(_CHAR_PADDING, found.end()):
            continue
        raise PlanRefused(
            f"{_shown(found.group(1))} is not an allowed function (only Spark's built-in "
            "functions, less reflect, java_method and xpath, are; the plan shows strings "
            "and column names as they are, so a string or name that looks like a call, "
            "such as 'reflect(', is refused too)."
        )


def _not_a_read(name: str) -> str:
    reason = _NODE_REASONS.get(name)
    if reason is None and name.endswith("Command"):
        reason = "it is a command"
    return f"{_shown(name)} is not a read operation" + (f" ({reason})." if reason else ".")


def _shown(text: str) -> str:
    """A name from the plan as put in a message: printable, not longer than 80."""
    clean = "".join(c if c.isprintable() else "?" for c in text)
    return clean if len(clean) <= _SHOWN_NAME else clean[: _SHOWN_NAME - 3] + "..."


__all__ = [
    "EXPLAIN",
    "PLAN_EXPRESSIONS",
    "PREFIX_WORDS",
    "READ_NODES",
    "REFUSED_FUNCTIONS",
    "SESSION_CONFIGURATION",
    "JudgedPlan",
    "PlanAnalysisError",
    "PlanRefused",
    "allowed_functions",
    "check_plan",
    "judge",
]
