"""Is a SQL text one read-only Spark SQL query? The fast first filter, before any network.

API (stable; used by dataset preview and by pipeline activity query checks)::

    from connectors.spark.query_guard import QueryRefused, check_read_only

    statement = check_read_only(sql)   # the statement to send (trailing ';' and comments cut)
    # raises QueryRefused(message, line=, column=) when it is not exactly one
    # SELECT / WITH ... SELECT / VALUES statement.

    refusal(sql) -> str | None          # the same check, the message or None

The text is cut into tokens exactly as Spark 3.5 cuts it (:mod:`connectors.spark.sql_lexer`),
so what is a string, a comment or a name here is one to Spark too. This filter is
deliberately conservative; the server's own parser and analyser (EXPLAIN) judge what
passes it. Refused:

- a text over :data:`MAX_QUERY_BYTES` (1 MB, UTF-8) or with NUL characters;
- ``${`` anywhere: Spark replaces ``${env:X}``, ``${system:X}``, ``${spark.X}`` ... with
  the server's environment and configuration before it reads the query, strings included;
- an unterminated string, backquoted name or ``/*`` comment; a character Spark has no
  token for outside quotes and comments, with a word of its own for the look-alikes of
  ``;`` (U+037E, U+FF1B, U+FE54, U+204F ...), which do not separate statements;
- an empty text (only blanks and comments);
- several statements: a ``;`` may only end the text (blanks after it, nothing else);
- a first word other than SELECT, WITH, VALUES (optionally after opening parentheses);
- a write, DDL or session word anywhere outside strings and comments (INSERT, CREATE,
  DROP, SET, CACHE, REFRESH, MSCK, ...), so ``WITH x AS (...) INSERT INTO ...`` is refused
  too; a column that really has such a name is written in backquotes;
- script transforms, which run a program on the server: ``SELECT TRANSFORM (...)``,
  ``MAP ...`` / ``REDUCE ...`` clauses, ``RECORDREADER`` / ``RECORDWRITER``, and ``USING``
  followed by any string literal, raw or not;
- the Java-calling functions ``reflect``, ``java_method``, ``try_reflect`` in any case,
  backquoted or qualified (`` `reflect`( ``, ``x.reflect(``), and ``IDENTIFIER(...)``,
  which names a function or table by an expression;
- path-based data sources, which read files of the server: ``csv.`/etc/passwd```,
  ``text.``, ``parquet.``, ``json.``, ``orc.``, ``binaryFile.``, ``avro.``, ``delta.``
  ... followed by any name, and any ``x.`...``` whose backquoted part looks like a path
  or URI, or whose first part is a class name.
"""

from __future__ import annotations

import unicodedata

from connectors.spark.sql_lexer import (
    BLOCK_COMMENT,
    OPERATOR,
    QUOTED_NAME,
    SEMICOLON,
    STRING,
    UNRECOGNIZED,
    WORD,
    Token,
    lex,
    position,
)

MAX_QUERY_BYTES = 1024 * 1024

READ_STARTS = frozenset({"SELECT", "WITH", "VALUES"})
WRITE_WORDS = frozenset(
    {
        "ADD",
        "ALTER",
        "ANALYZE",
        "CACHE",
        "CALL",
        "CLEAR",
        "COMMENT",
        "COMMIT",
        "COPY",
        "CREATE",
        "DELETE",
        "DESCRIBE",
        "DFS",
        "DIRECTORY",
        "DROP",
        "EXPORT",
        "GRANT",
        "IMPORT",
        "INSERT",
        "LOAD",
        "LOCK",
        "MERGE",
        "MSCK",
        "OPTIMIZE",
        "OVERWRITE",
        "RECOVER",
        "REFRESH",
        "RENAME",
        "REPAIR",
        "REPLACE",
        "RESET",
        "REVOKE",
        "ROLLBACK",
        "SET",
        "TRUNCATE",
        "UNCACHE",
        "UNLOCK",
        "UNSET",
        "UPDATE",
        "USE",
        "VACUUM",
    }
)
CODE_FUNCTIONS = frozenset({"reflect", "java_method", "try_reflect"})
SCRIPT_WORDS = frozenset({"RECORDREADER", "RECORDWRITER"})
FILE_FORMATS = frozenset(
    {
        "avro",
        "binaryfile",
        "csv",
        "delta",
        "hive",
        "hudi",
        "iceberg",
        "image",
        "jdbc",
        "json",
        "libsvm",
        "orc",
        "parquet",
        "text",
        "xml",
    }
)
"""Data source names Spark reads a path with (``csv.`path```); any other name followed by
a backquoted path, or a backquoted class name, is refused as well."""
SEMICOLON_LOOKALIKES = frozenset(
    "\u037e\uff1b\ufe54\u204f\u2e35\u061b\u1364\ufe14\u0f0f\ua6f6\U000e003b"
)
_QUERY_STARTS = frozenset({"(", "UNION", "INTERSECT", "EXCEPT", "MINUS", "ALL", "DISTINCT"})
_FUNCTION_NAMED = frozenset({"REPLACE"})
"""Write words that are also functions: ``replace(s, a, b)`` is not CREATE OR REPLACE."""


class QueryRefused(ValueError):
    """The text is not one read-only query; ``line``/``column`` are 1-based (0: whole text)."""

    def __init__(self, message: str, *, line: int = 0, column: int = 0) -> None:
        where = f" (line {line}, column {column})" if line else ""
        super().__init__(message + where)
        self.message = message
        self.line = line
        self.column = column


def _refuse(sql: str, message: str, offset: int) -> QueryRefused:
    line, column = position(sql, offset)
    return QueryRefused(message, line=line, column=column)


def _name(token: Token) -> str | None:
    """A word's or backquoted name's name, case-folded as Spark compares names."""
    if token.kind == WORD:
        return token.text.lower()
    if token.kind == QUOTED_NAME:
        return unicodedata.normalize("NFKC", token.value).casefold()
    return None


def _is(token: Token | None, text: str) -> bool:
    return token is not None and token.kind == OPERATOR and token.text == text


def _character(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"{char!r} (U+{ord(char):04X}{' ' + name if name else ''})"


def _check_text(sql: str) -> None:
    if not isinstance(sql, str):
        raise QueryRefused("A query is text.")
    size = len(sql.encode("utf-8", "surrogatepass"))
    if size > MAX_QUERY_BYTES:
        raise QueryRefused(
            f"The query is {size:,} bytes; at most {MAX_QUERY_BYTES:,} bytes (1 MB) are accepted."
        )
    if "\x00" in sql:
        raise _refuse(sql, "The query contains a NUL character", sql.index("\x00"))
    if "${" in sql:
        raise _refuse(
            sql,
            "Spark replaces ${...} with the server's configuration and environment before it "
            "reads the query, inside strings too: write '$' and '{' apart (e.g. '$' || '{')",
            sql.index("${"),
        )


def _check_tokens(sql: str, tokens: list[Token]) -> list[Token]:
    """The code tokens (comments left out), after the lexical refusals."""
    code: list[Token] = []
    for token in tokens:
        if not token.closed:
            if token.kind == BLOCK_COMMENT:
                raise _refuse(sql, "The comment opened here is never closed with */", token.start)
            what = "string" if token.kind == STRING else "name"
            raise _refuse(
                sql, f"The {what} opened here with {token.quote} is never closed", token.start
            )
        if token.kind == UNRECOGNIZED:
            if token.text in SEMICOLON_LOOKALIKES:
                raise _refuse(
                    sql,
                    f"{_character(token.text)} looks like ';' but is not a statement separator "
                    "to Spark, nor anything else outside quotes: remove it",
                    token.start,
                )
            raise _refuse(
                sql,
                f"{_character(token.text)} is not part of Spark SQL outside quotes and "
                "comments (a name with it is written in backquotes)",
                token.start,
            )
        if token.is_code:
            code.append(token)
    return code


def _statement_end(sql: str, code: list[Token]) -> int:
    """Where the one statement ends: its last code token before a final ';'."""
    for index, token in enumerate(code):
        if token.kind == SEMICOLON:
            if sql[token.end :].strip():
                raise _refuse(
                    sql, "Only one statement is accepted: nothing may follow the ';'", token.start
                )
            return code[index - 1].end if index else 0
    return code[-1].end


def check_read_only(sql: str) -> str:
    """The statement to send, or :class:`QueryRefused` saying why it is not one read-only query."""
    _check_text(sql)
    code = _check_tokens(sql, lex(sql))
    if not code or code[0].kind == SEMICOLON:
        raise QueryRefused("The query is empty: write one SELECT statement.")
    end = _statement_end(sql, code)
    first = next((t for t in code if not _is(t, "(")), code[0])
    if first.kind != WORD or first.upper not in READ_STARTS:
        shown = first.upper if first.kind == WORD else first.text[:20]
        raise _refuse(
            sql,
            f"Only a read-only query is accepted (SELECT, WITH or VALUES), not {shown!r}",
            first.start,
        )
    padded: list[Token | None] = [None, *code, None, None]
    for index in range(1, len(code) + 1):
        _check_token(sql, padded, index)
    return sql[:end].strip()


def _check_token(sql: str, code: list[Token | None], index: int) -> None:
    """``code[index]`` against the rules (``code`` has one None before, two after)."""
    token, before, after, later = code[index], code[index - 1], code[index + 1], code[index + 2]
    assert token is not None
    word = token.upper if token.kind == WORD else None
    name = _name(token)
    call = _is(after, "(")
    if word in WRITE_WORDS and not (word in _FUNCTION_NAMED and call):
        raise _refuse(
            sql,
            f"{word} is not allowed in a read-only query (a column of that "
            f"name is written in backquotes: `{token.text.lower()}`)",
            token.start,
        )
    if word == "USING" and after is not None and after.kind == STRING:
        raise _refuse(
            sql,
            "Script transforms (USING 'command') run a program on the server and are not allowed",
            token.start,
        )
    if (
        (word == "TRANSFORM" and _is_transform_clause(code, index))
        or (word in ("MAP", "REDUCE") and _starts_query(before) and not call)
        or word in SCRIPT_WORDS
    ):
        raise _refuse(
            sql,
            f"Script transforms ({word} ... USING) run a program on the server and are not allowed",
            token.start,
        )
    if name in CODE_FUNCTIONS and call:
        raise _refuse(
            sql,
            f"{name}() calls Java code on the server and is not allowed",
            token.start,
        )
    if word == "IDENTIFIER" and call:
        raise _refuse(
            sql,
            "IDENTIFIER(...) names a table or function by an expression; write the name itself",
            token.start,
        )
    if name is not None and _is(after, ".") and later is not None and not _is(before, "."):
        _check_path_source(sql, token, name, later)


def _is_transform_clause(code: list[Token | None], index: int) -> bool:
    """``SELECT TRANSFORM (...)`` followed by ROW FORMAT, RECORDWRITER or USING: the
    clause, not the function ``transform(array, x -> ...)``."""
    before = code[index - 1]
    if before is None or before.upper != "SELECT" or not _is(code[index + 1], "("):
        return False
    depth = 0
    for at in range(index + 1, len(code) - 1):
        token = code[at]
        if token is None:
            return False
        depth += _is(token, "(") - _is(token, ")")
        if depth == 0:
            following = code[at + 1]
            return following is not None and following.upper in ("USING", "ROW", "RECORDWRITER")
    return False


def _starts_query(before: Token | None) -> bool:
    return before is None or (before.upper if before.kind == WORD else before.text) in _QUERY_STARTS


def _check_path_source(sql: str, first: Token, name: str, second: Token) -> None:
    """``format.`path``` reads the file at ``path`` with the data source ``format``."""
    path = second.value if second.kind == QUOTED_NAME else None
    reason = None
    if name in FILE_FORMATS and second.kind in (WORD, QUOTED_NAME):
        reason = f"{first.text}.{second.text} reads a file of the server through the {name} source"
    elif path is not None and any(c in path for c in "/\\:"):
        reason = f"{first.text}.{second.text} names a path or URI: a file of the server"
    elif path is not None and first.kind == QUOTED_NAME and "." in first.value:
        reason = f"{first.text}.{second.text} reads a file through the data source class {name}"
    if reason:
        raise _refuse(
            sql,
            f"{reason}; only tables and views are read (path-based sources are refused)",
            first.start,
        )


def refusal(sql: str) -> str | None:
    """The reason :func:`check_read_only` refuses ``sql``, or None when it is accepted."""
    try:
        check_read_only(sql)
    except QueryRefused as exc:
        return str(exc)
    return None


__all__ = ["MAX_QUERY_BYTES", "QueryRefused", "check_read_only", "refusal"]
