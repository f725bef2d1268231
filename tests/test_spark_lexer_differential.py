"""Our Spark SQL lexer held to Spark's own: where a literal, a comment, a quoted name and a
statement start and end, and what a literal's value is.

Two oracles (tests/spark_lexer_oracles.py): Spark 3.5's lexer class itself, run in a JVM
from pyspark's jars, for many generated texts at once; and a real Spark Thrift Server,
whose parser must agree with what our lexer says: it refuses (a parse error) a text our
lexer sees two statements or an unclosed literal in; it parses a text and the same text
rewritten from our tokens (comments blanked, literals re-quoted from their values) to the
same plan; and where our lexer says a literal holds a value, a SELECT of it returns it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.spark import sql_lexer as L
from tests.hostile_queries import HOSTILE, LEGITIMATE
from tests.spark_lexer_oracles import (
    LexerView,
    ServerSession,
    SparkLexer,
    canonical,
    disagreement,
    lexer_view,
    parsed_plan,
)
from tests.spark_server import ServerPool

MODE = "binary-nosasl"
pytestmark = pytest.mark.spark(MODE)


@pytest.fixture(scope="module")
def spark_lexer(
    spark_pool: ServerPool, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SparkLexer]:
    """Spark's lexer from pyspark's jars (``spark_pool`` fails or skips without Java or
    pyspark, as every Spark test does)."""
    if shutil.which("javac") is None:
        if os.environ.get("LINKWRIGHT_REQUIRE_SPARK") == "1":
            pytest.fail("javac is not installed (scripts/install_spark.sh)")
        pytest.skip("javac is not installed")
    lexer = SparkLexer(tmp_path_factory.mktemp("lexprobe"))
    yield lexer
    lexer.close()


@pytest.fixture(scope="module")
def session(spark_pool: ServerPool) -> Iterator[ServerSession]:
    opened = ServerSession(spark_pool.get(MODE))
    yield opened
    opened.close()


# --- generated texts --------------------------------------------------------------------

TRICKY = ["'", '"', "`", "\\", "/", "*", "+", "-", "\n", "\r", " ", ";", "r", "R", "x", "e"]
TRICKY += ["1", ".", "\t", "é", "\u037e", "(", ")", "\u0131", "\u017f", "%", "_", "u", "U"]
PIECES = ["--", "/*", "*/", "/*+", "r'", 'R"', "\\u00e9", "\\012", "\\\n", "\r\n", "``", "''"]
BMP = st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",), blacklist_characters="$")
ANY_TEXT = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.sampled_from(PIECES), st.text(BMP, max_size=3)),
    max_size=30,
).map("".join)

ESCAPES = ["\\'", '\\"', "\\\\", "\\n", "\\r", "\\t", "\\Z", "\\b", "\\0", "\\012", "\\177"]
ESCAPES += ["\\u00e9", "\\U0001F600", "\\uD83D\\uDE00", "\\%", "\\_", "\\\n", "\\q", "\\u12"]
CONTENT = st.lists(
    st.one_of(st.sampled_from(TRICKY + ["--", "/*", "*/", "`"]), st.text(BMP, max_size=2)),
    max_size=8,
).map("".join)


@st.composite
def literals(draw: st.DrawFn) -> str:
    """A string literal of any quote, raw or not, whose content is made to close it."""
    quote = draw(st.sampled_from(["'", '"']))
    if draw(st.booleans()):
        body = draw(CONTENT).replace(quote, "")
        return draw(st.sampled_from(["r", "R"])) + quote + body + quote
    parts = draw(
        st.lists(
            st.one_of(
                CONTENT.map(lambda text: text.replace("\\", "").replace(quote, "")),
                st.sampled_from(ESCAPES),
                BMP.map(lambda char: "\\" + char),
            ),
            max_size=6,
        )
    )
    return quote + "".join(parts) + quote


@st.composite
def comments(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        body = draw(CONTENT).replace("\n", "").replace("\r", "")
        more = draw(
            st.sampled_from(["", "\\\n" + draw(CONTENT).replace("\r", "").replace("\n", "")])
        )
        return "--" + body + more + draw(st.sampled_from(["\n", "\r", "\r\n"]))
    inner = draw(st.sampled_from(["", " /* nested */ ", " /*+ no hint */ ", "*", "/"]))
    return "/*" + draw(CONTENT) + inner + draw(CONTENT) + "*/"


@st.composite
def queries(draw: st.DrawFn) -> str:
    """SELECT of literal columns with comments, hints and backquoted names around them,
    then maybe a ';' and more; sometimes raw tricky text put in anywhere."""
    columns = []
    for index in range(draw(st.integers(1, 3))):
        pieces = [draw(literals())]
        for _ in range(draw(st.integers(0, 2))):
            pieces.append(draw(st.sampled_from(["", " ", draw(comments())])) + draw(literals()))
        alias = draw(st.sampled_from([f"c{index}", f"`c{index}`", f"`c``{index}`"]))
        before = draw(st.sampled_from(["", " ", draw(comments())]))
        columns.append(before + " ".join(pieces) + " AS " + alias)
    hint = draw(st.sampled_from(["", "/*+ REPARTITION(1) */ ", "/*+ COALESCE(1) /* c */ */ "]))
    tail = draw(st.sampled_from(["", ";", " ; \n", "; -- x", "; SELECT 2", ";;", "--x;"]))
    text = "SELECT " + hint + ", ".join(columns) + tail
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(ANY_TEXT) + text[at:]
    return text


# --- the JVM oracle: Spark's own lexer ----------------------------------------------------


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(ANY_TEXT)
def test_any_text_is_cut_as_sparks_own_lexer_cuts_it(spark_lexer: SparkLexer, sql: str) -> None:
    assert disagreement(sql, spark_lexer.lex(sql)) is None


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(queries())
def test_generated_queries_are_cut_as_sparks_own_lexer_cuts_them(
    spark_lexer: SparkLexer, sql: str
) -> None:
    assert disagreement(sql, spark_lexer.lex(sql)) is None


def test_every_corpus_query_is_cut_as_sparks_own_lexer_cuts_it(spark_lexer: SparkLexer) -> None:
    for name, sql in [(h[0], h[1]) for h in HOSTILE] + LEGITIMATE:
        assert disagreement(sql, spark_lexer.lex(sql)) is None, name


# --- the server: its parser and its answers ------------------------------------------------


def _agrees_with_the_server(session: ServerSession, sql: str, view: LexerView) -> bool:
    """Assert the server's parser agrees with ``view``; True when the server parsed it."""
    explained = session.run("EXPLAIN EXTENDED " + sql)
    assert explained.ok or explained.parse_error, explained.error
    if view.lexical_error or view.statements > 1:
        assert explained.parse_error, f"our lexer sees {view.statements} statements or an error"
        return False
    rewritten = session.run("EXPLAIN EXTENDED " + canonical(sql, view.tokens))
    assert rewritten.parse_error == explained.parse_error, rewritten.error or explained.error
    if explained.ok:
        assert parsed_plan(rewritten) == parsed_plan(explained)
    return explained.ok


def _literal_columns(view: LexerView) -> list[str] | None:
    """The values of ``SELECT [hint] 'a' 'b' AS x, ... [;]`` as our lexer reads them
    (adjacent literals make one value), or None for a text of another shape."""
    code = [t for t in view.tokens if t.is_code]
    while code and code[-1].kind == L.SEMICOLON:
        code.pop()
    if not code or code[0].upper != "SELECT" or view.lexical_error:
        return None
    at = 1
    if at < len(code) and code[at].kind == L.HINT_START:
        at = next((i for i in range(at, len(code)) if code[i].kind == L.HINT_END), len(code)) + 1
    values: list[str] = []
    while at < len(code):
        start = at
        while at < len(code) and code[at].kind == L.STRING:
            at += 1
        if at == start or at + 1 >= len(code) or code[at].upper != "AS":
            return None
        if code[at + 1].kind not in (L.WORD, L.QUOTED_NAME):
            return None
        values.append("".join(t.value for t in code[start:at]))
        at += 2
        if at < len(code):
            if code[at].text != ",":
                return None
            at += 1
    return values or None


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(queries())
def test_the_servers_parser_and_answers_agree_with_our_lexer(
    session: ServerSession, sql: str
) -> None:
    view = lexer_view(sql)
    values = _literal_columns(view)
    parsed = _agrees_with_the_server(session, sql, view)
    if values is not None:
        assert parsed, "our lexer sees one SELECT of literals"
        answer = session.run(sql)
        assert answer.ok, answer.error
        assert answer.rows == [values]


@pytest.mark.parametrize(
    ("name", "sql"),
    [(h[0], h[1]) for h in HOSTILE] + LEGITIMATE,
    ids=[h[0] for h in HOSTILE] + [q[0] for q in LEGITIMATE],
)
def test_the_server_parses_the_corpus_as_our_lexer_cuts_it(
    session: ServerSession, name: str, sql: str
) -> None:
    view = lexer_view(sql)
    parsed = _agrees_with_the_server(session, sql, view)
    one_statement = not name.startswith(("multi", "lexical"))
    assert parsed == one_statement
    assert (view.statements == 1 and not view.lexical_error) == one_statement


@pytest.mark.parametrize(
    ("sql", "value"),
    [
        ("SELECT '${env:HOME}' AS v", None),
        ("SELECT 'a\\'b' \"c\" r'\\d' AS v", "a'bc\\d"),
    ],
)
def test_the_server_returns_what_the_lexer_reads_or_its_environment(
    session: ServerSession, sql: str, value: str | None
) -> None:
    answer = session.run(sql)
    assert answer.ok, answer.error
    got = answer.rows[0][0]
    if value is None:
        assert got != "${env:HOME}" and got.startswith("/")  # the server's HOME, substituted
    else:
        assert got == value
