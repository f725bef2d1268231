"""Is a SQL text one read-only Spark SQL query? Decided before any network.

API (stable; used by dataset preview and by pipeline activity query checks)::

    from connectors.spark.query_guard import QueryRefused, check_read_only

    statement = check_read_only(sql)   # the statement to send (trailing ';' removed)
    # raises QueryRefused(message, line=, column=) when it is not exactly one
    # SELECT / WITH ... SELECT / VALUES statement.

    refusal(sql) -> str | None          # the same check, the message or None

The check is lexical (strings, backtick identifiers and comments are understood, Spark's
nested ``/* */`` comments included), deliberately conservative, and never reaches a
server. Refused:

- a text over :data:`MAX_QUERY_BYTES` (1 MB, UTF-8) or with NUL characters;
- an empty text (only blanks and comments);
- several statements: a ``;`` may only end the text (blanks after it, nothing else);
- a first word other than SELECT, WITH, VALUES (optionally after opening parentheses);
- a write, DDL or session word anywhere outside strings and comments (INSERT, CREATE,
  DROP, SET, ...), so ``WITH x AS (...) INSERT INTO ...`` is refused too; a column that
  really has such a name is written in backticks;
- script transforms (``USING 'command'``) and the Java-calling functions ``reflect`` and
  ``java_method``, which run code on the server;
- an unterminated string, backtick identifier or bracketed comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
        "UPDATE",
        "USE",
        "VACUUM",
    }
)
CODE_FUNCTIONS = frozenset({"REFLECT", "JAVA_METHOD"})

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = re.compile(r"\s+")


class QueryRefused(ValueError):
    """The text is not one read-only query; ``line``/``column`` are 1-based (0: whole text)."""

    def __init__(self, message: str, *, line: int = 0, column: int = 0) -> None:
        where = f" (line {line}, column {column})" if line else ""
        super().__init__(message + where)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "string", "quoted", "punct", "semicolon"
    text: str
    offset: int


def _position(sql: str, offset: int) -> tuple[int, int]:
    line = sql.count("\n", 0, offset) + 1
    column = offset - (sql.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _refuse(sql: str, message: str, offset: int) -> QueryRefused:
    line, column = _position(sql, offset)
    return QueryRefused(message, line=line, column=column)


def _tokens(sql: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c.isspace():
            i = _SPACE.match(sql, i).end()  # type: ignore[union-attr]
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            i = _skip_comment(sql, i)
        elif c in ("'", '"'):
            end = _skip_string(sql, i, c)
            tokens.append(_Token("string", sql[i:end], i))
            i = end
        elif c == "`":
            end = _skip_backticks(sql, i)
            tokens.append(_Token("quoted", sql[i:end], i))
            i = end
        elif c == ";":
            tokens.append(_Token("semicolon", c, i))
            i += 1
        else:
            m = _WORD.match(sql, i)
            if m:
                tokens.append(_Token("word", m.group().upper(), i))
                i = m.end()
            else:
                tokens.append(_Token("punct", c, i))
                i += 1
    return tokens


def _skip_comment(sql: str, start: int) -> int:
    depth, i, n = 0, start, len(sql)
    while i < n:
        if sql.startswith("/*", i):
            depth += 1
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise _refuse(sql, "The comment opened here is never closed with */", start)


def _skip_string(sql: str, start: int, quote: str) -> int:
    i, n = start + 1, len(sql)
    while i < n:
        c = sql[i]
        if c == "\\":
            i += 2
        elif c == quote:
            return i + 1
        else:
            i += 1
    raise _refuse(sql, f"The string opened here with {quote} is never closed", start)


def _skip_backticks(sql: str, start: int) -> int:
    i, n = start + 1, len(sql)
    while i < n:
        if sql[i] == "`":
            if i + 1 < n and sql[i + 1] == "`":  # `` is a backtick inside the name
                i += 2
                continue
            return i + 1
        i += 1
    raise _refuse(sql, "The name opened here with ` is never closed", start)


_FUNCTION_NAMED = frozenset({"REPLACE"})


def _is_function(token: _Token, nxt: _Token | None) -> bool:
    """``replace(s, a, b)`` is a string function, not CREATE OR REPLACE."""
    return (
        token.text in _FUNCTION_NAMED
        and nxt is not None
        and nxt.kind == "punct"
        and nxt.text == "("
    )


def check_read_only(sql: str) -> str:
    """The statement to send, or :class:`QueryRefused` saying why it is not one read-only query."""
    if not isinstance(sql, str):
        raise QueryRefused("A query is text.")
    size = len(sql.encode("utf-8", "surrogatepass"))
    if size > MAX_QUERY_BYTES:
        raise QueryRefused(
            f"The query is {size:,} bytes; at most {MAX_QUERY_BYTES:,} bytes (1 MB) are accepted."
        )
    if "\x00" in sql:
        raise _refuse(sql, "The query contains a NUL character", sql.index("\x00"))
    tokens = _tokens(sql)
    if not tokens or all(t.kind == "semicolon" for t in tokens):
        raise QueryRefused("The query is empty: write one SELECT statement.")
    end = len(sql)
    for index, token in enumerate(tokens):
        if token.kind != "semicolon":
            continue
        if index != len(tokens) - 1 or sql[token.offset + 1 :].strip():
            raise _refuse(
                sql,
                "Only one statement is accepted: nothing may follow the ';'",
                token.offset,
            )
        end = token.offset
    first = next(t for t in tokens if not (t.kind == "punct" and t.text == "("))
    if first.kind != "word" or first.text not in READ_STARTS:
        shown = first.text if first.kind == "word" else first.text[:20]
        raise _refuse(
            sql,
            f"Only a read-only query is accepted (SELECT, WITH or VALUES), not {shown!r}",
            first.offset,
        )
    for index, token in enumerate(tokens):
        if token.kind != "word":
            continue
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.text in WRITE_WORDS and not _is_function(token, nxt):
            raise _refuse(
                sql,
                f"{token.text} is not allowed in a read-only query (a column of that "
                f"name is written in backticks: `{token.text.lower()}`)",
                token.offset,
            )
        if token.text == "USING" and nxt is not None and nxt.kind == "string":
            raise _refuse(sql, "Script transforms (USING 'command') are not allowed", token.offset)
        if (
            token.text in CODE_FUNCTIONS
            and nxt is not None
            and nxt.kind == "punct"
            and nxt.text == "("
        ):
            raise _refuse(
                sql,
                f"{token.text.lower()}() calls Java code on the server and is not allowed",
                token.offset,
            )
    return sql[:end].strip()


def refusal(sql: str) -> str | None:
    """The reason :func:`check_read_only` refuses ``sql``, or None when it is accepted."""
    try:
        check_read_only(sql)
    except QueryRefused as exc:
        return str(exc)
    return None


__all__ = ["MAX_QUERY_BYTES", "QueryRefused", "check_read_only", "refusal"]
