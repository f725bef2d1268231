"""What Spark itself says of a SQL text, for holding connectors.spark.sql_lexer to it:

- :class:`SparkLexer`: Spark 3.5's own lexer class (``SqlBaseLexer`` over
  ``UpperCaseCharStream``, from pyspark's jars) run in a JVM that stays up, and Spark's
  own ``unescapeSQLString`` for string values;
- :class:`ServerSession`: one session on a real Spark Thrift Server that stays open, for
  ``EXPLAIN EXTENDED`` (the server's parser) and for running a SELECT of literals;
- :func:`lexer_view` / :func:`canonical`: what our lexer says of a text, and the text
  rewritten from our tokens (comments as blanks, every literal and quoted name re-quoted
  from its value): Spark must parse the two alike when our lexer is right.
"""

from __future__ import annotations

import queue
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.hiveserver2.client import FetchLimits, HiveClient
from connectors.hiveserver2.diagnostics import Operation, run_connection_test
from connectors.hiveserver2.errors import HiveStatusError
from connectors.net.deadline import Deadline
from connectors.spark import sql_lexer as L
from connectors.spark.settings import ClientLimits, settings_from_type_properties
from tests.helpers import LOOPBACK_POLICY
from tests.spark_server import SparkThriftServer, java_executable, pyspark_home

_PROBE_SOURCE = """
import org.antlr.v4.runtime.*;
import org.apache.spark.sql.catalyst.parser.SqlBaseLexer;
import org.apache.spark.sql.catalyst.parser.UpperCaseCharStream;
import org.apache.spark.sql.catalyst.util.SparkParserUtils$;
import java.io.*;
import java.nio.charset.StandardCharsets;

/** Reads texts (UTF-16 code units in hex, one a line); writes Spark's tokens of each. */
public class LexProbe {
  static String hex(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) b.append(String.format("%04x", (int) s.charAt(i)));
    return b.toString();
  }
  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
    String line;
    while ((line = in.readLine()) != null) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i + 4 <= line.length(); i += 4)
        text.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
      SqlBaseLexer lexer = new SqlBaseLexer(
          new UpperCaseCharStream(CharStreams.fromString(text.toString())));
      lexer.removeErrorListeners();
      StringBuilder o = new StringBuilder();
      for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
        String name = SqlBaseLexer.VOCABULARY.getSymbolicName(t.getType());
        if (name.equals("WS")) continue;
        o.append(name).append(',').append(t.getStartIndex()).append(',')
            .append(t.getStopIndex() + 1).append(',');
        if (name.equals("STRING_LITERAL") || name.equals("DOUBLEQUOTED_STRING"))
          o.append(hex(SparkParserUtils$.MODULE$.unescapeSQLString(t.getText())));
        o.append(' ');
      }
      o.append(lexer.has_unclosed_bracketed_comment ? "UNCLOSED" : "CLOSED");
      out.println(o);
    }
  }
}
"""

_NUMBERS = {
    "BIGINT_LITERAL",
    "SMALLINT_LITERAL",
    "TINYINT_LITERAL",
    "INTEGER_VALUE",
    "EXPONENT_VALUE",
    "DECIMAL_VALUE",
    "FLOAT_LITERAL",
    "DOUBLE_LITERAL",
    "BIGDECIMAL_LITERAL",
}
_KINDS = {
    "STRING_LITERAL": L.STRING,
    "DOUBLEQUOTED_STRING": L.STRING,
    "BACKQUOTED_IDENTIFIER": L.QUOTED_NAME,
    "SIMPLE_COMMENT": L.LINE_COMMENT,
    "BRACKETED_COMMENT": L.BLOCK_COMMENT,
    "HENT_START": L.HINT_START,
    "HENT_END": L.HINT_END,
    "SEMICOLON": L.SEMICOLON,
    "UNRECOGNIZED": L.UNRECOGNIZED,
    **{name: L.NUMBER for name in _NUMBERS},
}
_OPERATOR_NAME = re.compile(r"^[^A-Za-z0-9_\u0131\u017f]")


@dataclass(frozen=True)
class SparkToken:
    kind: str  # our kind for Spark's token type
    start: int
    end: int
    value: str | None  # a string literal's value as Spark reads it


@dataclass(frozen=True)
class SparkLexing:
    tokens: list[SparkToken]
    unclosed_comment: bool


def _from_utf16_hex(text: str) -> str:
    units = bytes.fromhex(text)
    return units.decode("utf-16-be", "surrogatepass")


class SparkLexer:
    """Spark 3.5's lexer in a JVM that stays up (texts of BMP characters only, so that
    Java's UTF-16 offsets are our character offsets)."""

    def __init__(self, workdir: Path) -> None:
        javac = shutil.which("javac")
        if javac is None:
            raise RuntimeError("javac not found (a JDK is needed)")
        jars = pyspark_home() / "jars"
        classpath = ":".join(
            str(next(jars.glob(pattern)))
            for pattern in ("spark-sql-api_*.jar", "antlr4-runtime-*.jar", "scala-library-*.jar")
        )
        source = workdir / "LexProbe.java"
        source.write_text(_PROBE_SOURCE)
        subprocess.run(
            [javac, "-nowarn", "-cp", classpath, "-d", str(workdir), str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.process = subprocess.Popen(
            [java_executable(), "-Xmx128m", "-cp", f"{classpath}:{workdir}", "LexProbe"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="ascii",
        )
        self.lock = threading.Lock()

    def lex(self, sql: str) -> SparkLexing:
        assert all(ord(c) < 0x10000 for c in sql), "BMP characters only"
        line = sql.encode("utf-16-be", "surrogatepass").hex()
        with self.lock:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline().split()
        tokens = []
        for item in answer[:-1]:
            name, start, end, value = item.split(",")
            kind = _KINDS.get(name)
            if kind is None:
                text = sql[int(start) : int(end)]
                kind = L.OPERATOR if _OPERATOR_NAME.match(text) else L.WORD
            found = _from_utf16_hex(value) if kind == L.STRING else None
            tokens.append(SparkToken(kind, int(start), int(end), found))
        return SparkLexing(tokens, answer[-1] == "UNCLOSED")

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def disagreement(sql: str, spark: SparkLexing) -> str | None:
    """Where our lexer cuts ``sql`` otherwise than Spark's (None: the same tokens, kinds,
    boundaries and string values). Our token for a quote never closed stands for Spark's
    UNRECOGNIZED quote and the rest after it; for a ``/*`` never closed, for Spark's
    comment to the end with its "unclosed" flag."""
    ours = L.lex(sql)
    theirs = spark.tokens
    for index, token in enumerate(ours):
        other = theirs[index] if index < len(theirs) else None
        if not token.closed:
            expected = L.BLOCK_COMMENT if token.kind == L.BLOCK_COMMENT else L.UNRECOGNIZED
            if other is None or (other.kind, other.start) != (expected, token.start):
                return f"unclosed {token} where Spark has {other}"
            if token.kind == L.BLOCK_COMMENT and not spark.unclosed_comment:
                return "Spark closed the comment"
            return None
        if other is None:
            return f"Spark has no token for {token}"
        if (token.kind, token.start, token.end) != (other.kind, other.start, other.end):
            return f"ours {token} vs Spark's {other}"
        if other.value is not None and token.value != other.value:
            return f"value {token.value!r} vs Spark's {other.value!r} of {token.text!r}"
    if len(theirs) != len(ours):
        return f"Spark has more tokens: {theirs[len(ours) :]}"
    if spark.unclosed_comment:
        return "Spark found an unclosed comment"
    return None


# --- the server -------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    ok: bool
    rows: list[list[Any]]
    error: str = ""

    @property
    def parse_error(self) -> bool:
        return not self.ok and "ParseException" in self.error


class ServerSession:
    """One open session on ``server`` in a thread of its own; :meth:`run` sends one
    statement and waits for its answer."""

    def __init__(self, server: SparkThriftServer) -> None:
        self.requests: queue.Queue[str | None] = queue.Queue()
        self.answers: queue.Queue[Answer] = queue.Queue()
        type_properties = {
            "host": "127.0.0.1",
            "port": server.port,
            "serverType": "SparkThriftServer",
            "thriftTransportProtocol": "Binary",
            "authenticationType": "Anonymous",
        }
        settings = settings_from_type_properties("1.0", type_properties, None)

        def serve(client: HiveClient, deadline: Deadline) -> None:
            while (statement := self.requests.get()) is not None:
                try:
                    got = client.query(
                        statement, limits=FetchLimits(max_rows=10), timeout_seconds=60
                    )
                    self.answers.put(Answer(True, [list(r) for r in got.rows]))
                except HiveStatusError as exc:
                    self.answers.put(Answer(False, [], str(exc)))

        def main() -> None:
            report = run_connection_test(
                settings,
                address_policy=LOOPBACK_POLICY,
                limits=ClientLimits(deadline_s=1800),
                operation=Operation("differential", serve),
            )
            if report.first_failure is not None:
                self.answers.put(Answer(False, [], f"session failed: {report.first_failure}"))

        self.thread = threading.Thread(target=main, daemon=True)
        self.thread.start()

    def run(self, statement: str) -> Answer:
        self.requests.put(statement)
        answer = self.answers.get(timeout=120)
        assert not answer.error.startswith("session failed"), answer.error
        return answer

    def close(self) -> None:
        self.requests.put(None)
        self.thread.join(timeout=30)


# --- our lexer's view ---------------------------------------------------------------------


@dataclass(frozen=True)
class LexerView:
    statements: int  # statements our lexer sees (a ';' with code after it starts one)
    lexical_error: bool  # a quote or comment never closed, or a character Spark has no token for
    tokens: list[L.Token]


def lexer_view(sql: str) -> LexerView:
    tokens = L.lex(sql)
    code = [t for t in tokens if t.is_code]
    lexical_error = any(not t.closed for t in tokens) or any(t.kind == L.UNRECOGNIZED for t in code)
    statements = 1
    for index, token in enumerate(code):
        if token.kind == L.SEMICOLON and any(t.kind != L.SEMICOLON for t in code[index + 1 :]):
            statements += 1
            break
    return LexerView(statements, lexical_error, tokens)


def canonical(sql: str, tokens: list[L.Token]) -> str:
    """``sql`` again from our tokens, in place: a comment a blank, a string literal
    re-quoted from its value (raw ones too), a quoted name re-quoted."""
    parts, at = [], 0
    for token in tokens:
        parts.append(sql[at : token.start])
        if token.kind in L.COMMENTS:
            parts.append(" ")
        elif token.kind == L.STRING:  # $ as is: the server substitutes ${...} alike in both
            parts.append(L.quote_string(token.value).replace("\\u0024", "$"))
        elif token.kind == L.QUOTED_NAME:
            parts.append(L.quote_name(token.value))
        else:
            parts.append(token.text)
        at = token.end
    return "".join(parts) + sql[at:]


_EXPRESSION_ID = re.compile(r"#\d+|@[0-9a-f]{4,}")


def parsed_plan(answer: Answer) -> str:
    """The "Parsed Logical Plan" of an EXPLAIN EXTENDED answer, expression ids and object
    hash codes left out."""
    text = str(answer.rows[0][0]) if answer.rows else ""
    parsed = text.split("== Analyzed Logical Plan ==")[0]
    return _EXPRESSION_ID.sub("#", parsed)
