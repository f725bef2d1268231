"""Spark SQL text cut into tokens exactly as Spark 3.5's lexer cuts it (``SqlBaseLexer.g4``
of Spark 3.5, run over Spark's ``UpperCaseCharStream``), for the read-only guard and for
placing test values: where a string literal, a comment, a quoted name starts and ends,
and what a literal's value is. Regex-driven: it runs on every query, before any network.

API (stable)::

    from connectors.spark.sql_lexer import lex, Token, STRING, ...

    tokens = lex(sql)        # every token but white space, in order
    token.kind, token.start, token.end, token.text
    token.quote, token.raw   # strings: ' or " (and r/R raw); quoted names: `
    token.closed             # False: a string, quoted name or /* comment runs to the end
    token.value              # strings: the value Spark reads; quoted names: the name
    token.upper              # words: the word as Spark's keywords see it (upper case)

    quote_string(value)      # a Spark string literal whose value is ``value``
    quote_name(name)         # a backquoted name

The grammar's facts this follows (each checked against Spark 3.5.3's own lexer class):

- Keywords and letters are matched on the upper-cased character (``Character.toUpperCase``),
  so besides a-z, ``ı`` (U+0131) is an ``I`` and ``ſ`` (U+017F) an ``S``: ``ſelect`` is
  SELECT. A word is ``(LETTER | DIGIT | '_')+``; any other character outside quotes and
  comments is UNRECOGNIZED (the parser refuses it), blanks are only space, tab, CR, LF.
- ``'...'`` and ``"..."`` are string literals (``"`` quotes a string, not a name, unless
  ``spark.sql.ansi.doubleQuotedIdentifiers`` is set): a backslash escapes any one
  character, newlines included. ``r'...'`` / ``R"..."`` are raw: no escapes, so the
  literal ends at the first quote of its kind. Adjacent literals (``'a' 'b'``) are one
  value to the parser, ``'ab'``; ``''`` inside quotes is two literals, not a quote.
- The value: ``\\uXXXX``, ``\\UXXXXXXXX``, ``\\[01][0-7][0-7]`` (octal), ``\\0 \\b \\n \\r
  \\t \\Z``; ``\\%`` and ``\\_`` keep their backslash; ``\\x`` is ``x`` otherwise
  (``spark.sql.parser.escapedStringLiterals`` off, its default).
- ``--`` starts a comment that ends after the next CR or LF (a CR LF pair included),
  except that a backslash right before an LF continues it onto the next line.
- ``/*`` starts a comment that nests (``/* /* */ */``) and must be closed; ``/*+`` is a
  hint's start, never a comment (not even a nested one), and a hint's contents are
  tokens like any others, up to ``*/``.
- `````name````` is a quoted name, ```````` a backtick inside it.
- Numbers (``1``, ``1L``, ``2S``, ``3Y``, ``1.5``, ``.5``, ``1e3``, ``1.5F``, ``2D``,
  ``3BD``) take the longest match; a decimal point form counts only when no letter,
  digit or ``_`` follows it (``2.3W`` is ``2``, ``.``, ``3W``), and a word beats a
  number it is longer than (``1e5x`` is a word).

A string, quoted name or ``/*`` comment that is never closed is one token to the end of
the text with ``closed`` False (Spark refuses such a text).
"""

from __future__ import annotations

import re
from typing import NamedTuple

WORD = "word"  # IDENTIFIER and every keyword
NUMBER = "number"
STRING = "string"  # STRING_LITERAL and DOUBLEQUOTED_STRING
QUOTED_NAME = "quoted_name"  # BACKQUOTED_IDENTIFIER
LINE_COMMENT = "line_comment"  # SIMPLE_COMMENT
BLOCK_COMMENT = "block_comment"  # BRACKETED_COMMENT
HINT_START = "hint_start"  # /*+
HINT_END = "hint_end"  # */
SEMICOLON = "semicolon"
OPERATOR = "operator"  # punctuation and operators
UNRECOGNIZED = "unrecognized"  # a character Spark's lexer has no token for

COMMENTS = frozenset({LINE_COMMENT, BLOCK_COMMENT})

_LETTERS = "A-Za-z\u0131\u017f"  # what upper-cases to A-Z
_WORD_CHARS = f"[{_LETTERS}0-9_]"
_WORD_RUN = re.compile(_WORD_CHARS + "+")
_MASTER = re.compile(
    r"""
     (?P<ws>[ \t\n\r]+)
    |(?P<line>--(?:[^\r\n\\]+|\\\n|\\)*\r?\n?)
    |(?P<hint>/\*\+)
    |(?P<block>/\*)
    |(?P<hintend>\*/)
    |(?P<raw>[rR](?:'[^']*'|"[^"]*"))
    |(?P<word>[LETTERS_][LETTERS0-9_]*)
    |(?P<number>[0-9]|\.[0-9])
    |(?P<sq>'[^'\\]*(?:\\.[^'\\]*)*')
    |(?P<dq>"[^"\\]*(?:\\.[^"\\]*)*")
    |(?P<bq>`[^`]*(?:``[^`]*)*`)
    |(?P<semi>;)
    |(?P<op><=>|<>|!=|<=|>=|!>|!<|==|=>|->|\|\||[-+*/%~&|^:?=<>!(),.\[\]])
    |(?P<other>.)
    """.replace("LETTERS", _LETTERS),
    re.VERBOSE | re.DOTALL,
)
_NESTING = re.compile(r"/\*(?!\+)|\*/")
_DIGITS = re.compile(r"[0-9]+")
_EXPONENT = re.compile(r"[eE][+-]?[0-9]+")
_DECIMAL = re.compile(r"[0-9]+\.[0-9]*|\.[0-9]+")
_SUFFIX = re.compile(r"[fFdD]|[bB][dD]")
_INTEGER_SUFFIX = frozenset("LlSsYy\u017f")
_UNCLOSED_KIND = {"'": STRING, '"': STRING, "`": QUOTED_NAME}


class Token(NamedTuple):
    """One token; ``start``/``end`` are character offsets (``end`` exclusive)."""

    kind: str
    start: int
    end: int
    text: str
    quote: str = ""
    raw: bool = False
    closed: bool = True

    @property
    def value(self) -> str:
        """A string literal's value as Spark reads it; a quoted name's name; else the text."""
        if self.kind == STRING:
            return _string_value(self.text, self.raw, self.closed)
        if self.kind == QUOTED_NAME:
            inner = self.text[1:-1] if self.closed else self.text[1:]
            return inner.replace("``", "`")
        return self.text

    @property
    def upper(self) -> str:
        """The text as Spark's keywords and letters see it (``ſelect`` -> ``SELECT``)."""
        return self.text.upper()

    @property
    def is_code(self) -> bool:
        """Not a comment: a token the parser sees."""
        return self.kind not in COMMENTS


def lex(sql: str) -> list[Token]:
    """The tokens of ``sql`` (white space left out), as Spark 3.5's lexer finds them."""
    tokens: list[Token] = []
    append = tokens.append
    match = _MASTER.match
    pos, n = 0, len(sql)
    while pos < n:
        m = match(sql, pos)
        assert m is not None  # (?P<other>.) matches any character
        group = m.lastgroup
        end = m.end()
        if group == "ws":
            pos = end
            continue
        if group == "word":
            append(Token(WORD, pos, end, m.group()))
        elif group == "number":
            append(_number(sql, pos))
        elif group == "op":
            append(Token(OPERATOR, pos, end, m.group()))
        elif group == "sq" or group == "dq":
            append(Token(STRING, pos, end, m.group(), quote=sql[pos]))
        elif group == "raw":
            append(Token(STRING, pos, end, m.group(), quote=sql[pos + 1], raw=True))
        elif group == "bq":
            append(Token(QUOTED_NAME, pos, end, m.group(), quote="`"))
        elif group == "line":
            append(Token(LINE_COMMENT, pos, end, m.group()))
        elif group == "block":
            append(_block_comment(sql, pos))
        elif group == "semi":
            append(Token(SEMICOLON, pos, end, ";"))
        elif group == "hint":
            append(Token(HINT_START, pos, end, "/*+"))
        elif group == "hintend":
            append(Token(HINT_END, pos, end, "*/"))
        else:
            char = m.group()
            if char in _UNCLOSED_KIND:  # a quote never closed: the rest of the text
                append(Token(_UNCLOSED_KIND[char], pos, n, sql[pos:], quote=char, closed=False))
            else:
                append(Token(UNRECOGNIZED, pos, end, char))
        pos = tokens[-1].end
    return tokens


def _block_comment(sql: str, start: int) -> Token:
    depth, pos = 1, start + 2
    for m in _NESTING.finditer(sql, pos):
        if m.group() == "*/":
            depth -= 1
            if depth == 0:
                return Token(BLOCK_COMMENT, start, m.end(), sql[start : m.end()])
        else:
            depth += 1
    return Token(BLOCK_COMMENT, start, len(sql), sql[start:], closed=False)


def _number(sql: str, start: int) -> Token:
    """The longest of the number rules and a word at ``start`` (a tie goes to the number,
    the rule Spark's grammar lists first)."""
    run = _WORD_RUN.match(sql, start)
    word_end = run.end() if run else start
    best = start
    digits = _DIGITS.match(sql, start)
    if digits:
        end = digits.end()
        best = end  # INTEGER_VALUE
        if end < len(sql) and sql[end] in _INTEGER_SUFFIX:
            best = end + 1  # BIGINT / SMALLINT / TINYINT
        exponent = _EXPONENT.match(sql, end)
        after_exponent = exponent.end() if exponent else end
        best = max(best, after_exponent)  # EXPONENT_VALUE
        for at in {end, after_exponent}:
            suffix = _SUFFIX.match(sql, at)
            if suffix:
                best = max(best, suffix.end())  # FLOAT / DOUBLE / BIGDECIMAL
    decimal = _DECIMAL.match(sql, start)
    if decimal:
        end = decimal.end()
        exponent = _EXPONENT.match(sql, end)
        candidates = [end] + ([exponent.end()] if exponent else [])
        for at in list(candidates):
            suffix = _SUFFIX.match(sql, at)
            if suffix:
                candidates.append(suffix.end())
        for at in candidates:
            if at > best and _valid_decimal_end(sql, at):
                best = at
    if word_end > best:
        return Token(WORD, start, word_end, sql[start:word_end])
    if best == start:  # '.' not starting a valid decimal
        return Token(OPERATOR, start, start + 1, ".")
    return Token(NUMBER, start, best, sql[start:best])


def _valid_decimal_end(sql: str, at: int) -> bool:
    """Spark's ``isValidDecimal``: no letter, digit or ``_`` follows."""
    return at >= len(sql) or _WORD_RUN.match(sql, at) is None


# --- values ---------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[01][0-7]{2}|.)", re.DOTALL)
_ESCAPED_CHAR = {"0": "\x00", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_KEEP_BACKSLASH = frozenset("%_")


def _unescape(m: re.Match[str]) -> str:
    code = m.group(1)
    if len(code) == 5:  # \uXXXX
        return chr(int(code[1:], 16))
    if len(code) == 9:  # \UXXXXXXXX: a UTF-16 pair, each half cut to 16 bits as Java does
        point = int(code[1:], 16)
        if point < 0x10000:
            return chr(point)
        high = ((point - 0x10000) // 0x400 + 0xD800) & 0xFFFF
        low = ((point - 0x10000) % 0x400 + 0xDC00) & 0xFFFF
        return chr(high) + chr(low)
    if len(code) == 3:  # \ooo
        return chr(int(code, 8))
    if code in _KEEP_BACKSLASH:
        return "\\" + code
    return _ESCAPED_CHAR.get(code, code)


def _string_value(text: str, raw: bool, closed: bool) -> str:
    body = text[2:] if raw else text[1:]
    if closed:
        body = body[:-1]
    if raw:
        return body
    value = _ESCAPE.sub(_unescape, body)
    if "\\" in body and any("\ud800" <= c <= "\udfff" for c in value):
        # Java strings are UTF-16: escaped surrogate halves make one character.
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return value


_STRING_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped_char(char: str, quote: str) -> str:
    if char == quote:
        return "\\" + char
    if char in _STRING_ESCAPES:
        return _STRING_ESCAPES[char]
    return f"\\u{ord(char):04x}"


_NEEDS_ESCAPE = {
    q: re.compile("[\\\\$" + q + "\x00-\x1f\x7f-\x9f\ud800-\udfff]") for q in ("'", '"')
}


def escape_string(value: str, quote: str = "'") -> str:
    """``value`` written between ``quote`` characters of a (not raw) Spark string literal:
    backslash, the quote, control characters and lone surrogates escaped, and ``$`` as
    ``\\u0024`` (Spark substitutes ``${...}`` in the text, strings included, before it
    parses it)."""
    return _NEEDS_ESCAPE[quote].sub(lambda m: _escaped_char(m.group(), quote), value)


def quote_string(value: str, quote: str = "'") -> str:
    """A Spark string literal whose value is ``value``."""
    return quote + escape_string(value, quote) + quote


def quote_name(name: str) -> str:
    """A backquoted Spark name (a backtick doubled)."""
    return "`" + name.replace("`", "``") + "`"


def position(sql: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of ``offset``, lines counted at LF as Spark counts them."""
    line = sql.count("\n", 0, offset) + 1
    column = offset - (sql.rfind("\n", 0, offset) + 1) + 1
    return line, column


__all__ = [
    "BLOCK_COMMENT",
    "COMMENTS",
    "HINT_END",
    "HINT_START",
    "LINE_COMMENT",
    "NUMBER",
    "OPERATOR",
    "QUOTED_NAME",
    "SEMICOLON",
    "STRING",
    "UNRECOGNIZED",
    "WORD",
    "Token",
    "escape_string",
    "lex",
    "position",
    "quote_name",
    "quote_string",
]
