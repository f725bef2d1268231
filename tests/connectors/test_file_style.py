import json

import pytest

from connectors.file_style import STUDIO_STYLE, FileStyle, detect_style, render
from tests.connectors.repository_builders import STYLES, spark_v2_linked_service

DOCUMENT = spark_v2_linked_service()


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.describe())
def test_a_style_is_detected_from_the_bytes_it_renders(style: FileStyle) -> None:
    assert detect_style(render(DOCUMENT, style)) == style


@pytest.mark.parametrize(
    ("indent", "expected"), [("\t", "\t"), ("  ", "  "), ("    ", "    "), (3, "   ")]
)
def test_indentation_is_read_from_the_first_indented_line(indent: object, expected: str) -> None:
    raw = json.dumps(DOCUMENT, indent=indent).encode()  # type: ignore[arg-type]
    assert detect_style(raw).indent == expected


def test_crlf_files_are_rendered_with_crlf_only_between_lines_never_inside_strings() -> None:
    document = {"name": "x", "properties": {"script": "line1\nline2"}}
    raw = render(document, FileStyle(indent="  ", newline="\r\n"))
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    assert json.loads(raw) == document


def test_studio_style_is_tabs_lf_no_final_newline_no_bom_and_unicode_as_is() -> None:
    raw = render({"name": "Ventes_€"}, STUDIO_STYLE)
    assert raw == '{\n\t"name": "Ventes_€"\n}'.encode()


def test_a_file_escaping_non_ascii_is_rendered_escaped_again() -> None:
    raw = json.dumps({"name": "é"}, indent="\t").encode()
    style = detect_style(raw)
    assert style.ascii_only
    assert render({"name": "é"}, style) == raw


def test_a_bom_and_a_final_newline_are_detected_and_written_back() -> None:
    raw = b'\xef\xbb\xbf{\n  "a": 1\n}\n'
    assert render({"a": 1}, detect_style(raw)) == raw
