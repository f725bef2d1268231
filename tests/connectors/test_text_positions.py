"""A server's error position in an evaluated query, carried back to the query as typed."""

from __future__ import annotations

from connectors.text_positions import line_column, offset_of, typed_position

TYPED = (
    "SELECT *\nFROM @{pipeline().parameters.table}\n"
    "WHERE id = @{pipeline().parameters.id} AND x ==="
)
SENT = "SELECT *\nFROM sales\nWHERE id = 42 AND x ==="


def test_offsets_and_line_columns_are_inverse() -> None:
    for offset in range(len(TYPED) + 1):
        assert offset_of(TYPED, *line_column(TYPED, offset)) == offset


def test_an_error_after_an_expression_points_at_the_text_as_typed() -> None:
    line, column = line_column(SENT, SENT.index("==="))
    assert (line, column) == (3, 21)
    assert typed_position(TYPED, SENT, line, column) == line_column(TYPED, TYPED.index("==="))


def test_an_error_inside_a_substituted_value_points_at_its_expression() -> None:
    line, column = line_column(SENT, SENT.index("sales") + 2)
    assert typed_position(TYPED, SENT, line, column) == (2, 6)


def test_text_without_an_expression_keeps_its_position() -> None:
    assert typed_position(SENT, SENT, 3, 4) == (3, 4)
