import copy
import json
from pathlib import Path

import pytest

from connectors.adf_repository import (
    Status,
    export_bytes,
    holds_clear_secret,
    parse_repository,
    read_repository,
    repository_files,
    unedited_bytes,
    without_clear_secrets,
    write_folder,
    write_zip,
)
from connectors.file_style import STUDIO_STYLE, detect_style, render
from connectors.repository_layout import resource_path
from connectors.secrets import MASK
from tests.connectors.repository_builders import (
    MASKED_SECRET_FILE,
    OTHER_FILES,
    STYLES,
    as_zip,
    documents,
    json_bytes,
    repository,
    web_pipeline,
)
from tests.fixture_secrets import (
    DOCUMENT_SECRET,
    IMPORTED_SECRET,
    PARAM_SECRET,
    SQL_POOL_PASSWORD,
)


def _exported(repo_files: dict[str, bytes]) -> dict[str, bytes]:
    """What an export writes for a repository read and left unedited."""
    parsed = read_repository(as_zip(repo_files))
    out = {}
    for f in parsed.files:
        if f.is_resource:
            out[f.path] = export_bytes(f.document, original=f.raw, style=f.style)
        else:
            out[f.path] = f.raw
    return out


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.describe())
def test_every_kind_in_every_style_comes_back_byte_for_byte(style: object) -> None:
    files = repository(style_of=lambda _path: style)
    assert _exported(files) == files


def test_a_repository_mixing_styles_and_key_orders_comes_back_byte_for_byte() -> None:
    files = repository()
    assert _exported(files) == files


def test_key_order_of_each_file_is_kept_when_parsed() -> None:
    parsed = read_repository(as_zip(repository()))
    blob = next(f for f in parsed.files if f.path == "linkedService/Blob_Store.json")
    assert list(blob.document or {}) == ["properties", "name"]
    assert list((blob.document or {})["properties"]) == ["type", "typeProperties"]


def test_each_folder_gives_its_kind_and_files_beside_them_are_kept_as_is() -> None:
    parsed = read_repository(as_zip(repository()))
    kinds = {f.path: f.kind for f in parsed.files}
    assert kinds["managedVirtualNetwork/default/managedPrivateEndpoint/Sql.json"] == (
        "managedPrivateEndpoint"
    )
    assert kinds["notebook/Explore.json"] == "notebook"
    assert kinds["factory/contoso-adf.json"] == "factory"
    for path in OTHER_FILES:
        assert kinds[path] is None
        (line,) = next(f for f in parsed.files if f.path == path).report
        assert line.status is Status.KEPT and line.message
    assert parsed.ok
    assert parsed.counts() == {
        "imported": len(documents()),
        "kept as is": len(OTHER_FILES),
        "not imported": 0,
        "note": 0,
        "warning": 0,
        "error": 0,
    }


def test_each_imported_resource_has_one_report_line_naming_its_kind_and_name() -> None:
    parsed = read_repository(as_zip(repository()))
    spark = next(f for f in parsed.files if f.path == "linkedService/SparkProd.json")
    assert [str(line) for line in spark.report] == [
        "linkedService/SparkProd.json: imported: linkedService 'SparkProd'"
    ]
    assert spark.resource_type == "Spark"


def test_a_zip_of_the_repository_folder_reads_as_its_root() -> None:
    parsed = read_repository(as_zip(repository(), prefix="contoso-adf-main/"))
    assert {f.path for f in parsed.files} == set(repository())


def test_a_folder_reads_like_its_zip_and_skips_git(tmp_path: Path) -> None:
    files = repository()
    write_folder(tmp_path, files.items())
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_bytes(b"ref: refs/heads/main\n")
    from_folder = read_repository(tmp_path)
    assert dict(repository_files(from_folder)) == files


def test_a_written_zip_reads_back_to_the_same_files_and_is_reproducible() -> None:
    files = repository()
    data = write_zip(files.items())
    assert dict(repository_files(read_repository(data))) == files
    assert write_zip(files.items()) == data


def test_an_edited_resource_is_written_in_its_files_style_with_its_key_order() -> None:
    files = repository(style_of=lambda _p: STYLES[1])
    parsed = read_repository(as_zip(files))
    blob = next(f for f in parsed.files if f.path == "linkedService/Blob_Store.json")
    edited = copy.deepcopy(blob.document)
    edited["properties"]["description"] = "edited"
    out = export_bytes(edited, original=blob.raw, style=blob.style)
    assert out != blob.raw
    assert detect_style(out) == STYLES[1]
    assert json.loads(out) == edited
    assert list(json.loads(out)) == ["properties", "name"]


def test_a_new_resource_is_written_in_adf_studio_style_at_its_kind_folder() -> None:
    document = {"name": "New", "properties": {"type": "Spark"}}
    assert export_bytes(document) == render(document, STUDIO_STYLE)
    assert resource_path("dataset", "New") == "dataset/New.json"
    assert resource_path("managedPrivateEndpoint", "Pe") == (
        "managedVirtualNetwork/default/managedPrivateEndpoint/Pe.json"
    )


def test_a_secret_in_clear_is_reported_and_never_exported_in_clear() -> None:
    document = {
        "name": "Sql",
        "properties": {
            "type": "AzureSqlDW",
            "typeProperties": {"password": {"type": "SecureString", "value": IMPORTED_SECRET}},
            "parameters": {"pw": {"type": "SecureString", "defaultValue": "tiger"}},
        },
    }
    raw = render(document, STYLES[2])
    parsed = parse_repository([("linkedService/Sql.json", raw)])
    (entry,) = parsed.files
    assert [line.json_path for line in entry.report] == [
        "$.properties.typeProperties.password",
        "$.properties.parameters.pw.defaultValue",
    ]
    assert {line.status for line in entry.report} == {Status.WARNING}
    out = export_bytes(entry.document, original=raw, style=entry.style)
    assert IMPORTED_SECRET.encode() not in out and b"tiger" not in out
    assert out.count(MASK.encode()) == 2
    assert detect_style(out) == STYLES[2]


def test_a_secret_already_masked_is_exported_as_the_original_bytes() -> None:
    files = {**repository(), "linkedService/Sql_Dw.json": MASKED_SECRET_FILE}
    assert _exported(files)["linkedService/Sql_Dw.json"] == MASKED_SECRET_FILE


@pytest.mark.parametrize(
    ("raw", "json_path", "message"),
    [
        (b"{not json", "$", "Not valid JSON at line 1, column 2"),
        (b"\xff\xfe{}", "$", "not UTF-8"),
        (b"[1, 2]", "$", "one JSON object"),
        (b"[" * 100_000, "$", "nests objects and arrays more than 64 levels deep"),
        (json_bytes({"properties": {}}), "$.name", "no name"),
        (json_bytes({"name": "Bad"}), "$.properties", "no properties"),
        (json_bytes({"name": "Other", "properties": {}}), "$.name", "differs from the file name"),
    ],
)
def test_a_file_that_is_not_a_resource_is_an_error_with_its_json_path(
    raw: bytes, json_path: str, message: str
) -> None:
    parsed = parse_repository([("dataset/Bad.json", raw), ("pipeline/Good.json", b"{}")])
    bad = parsed.files[0]
    assert not parsed.ok and not bad.ok
    (line,) = bad.report
    assert line.status is Status.ERROR and line.json_path == json_path
    assert message in line.message


def test_names_are_unique_per_kind_regardless_of_case() -> None:
    parsed = parse_repository(
        [
            ("dataset/Sales.json", json_bytes({"name": "Sales", "properties": {}})),
            ("dataset/sales.json", json_bytes({"name": "sales", "properties": {}})),
            ("pipeline/Sales.json", json_bytes({"name": "Sales", "properties": {}})),
        ]
    )
    assert [f.ok for f in parsed.files] == [True, False, True]
    assert "also defined in dataset/Sales.json" in parsed.files[1].report[0].message


def test_a_factory_file_without_properties_is_still_a_resource() -> None:
    parsed = parse_repository([("factory/f.json", json_bytes({"name": "f", "location": "x"}))])
    assert parsed.ok and parsed.files[0].kind == "factory"


def test_an_unedited_resource_whose_stored_secret_is_known_exports_its_masked_original() -> None:
    raw = MASKED_SECRET_FILE
    (entry,) = parse_repository([("linkedService/Sql_Dw.json", raw)]).files
    unsealed = copy.deepcopy(entry.document)
    unsealed["properties"]["typeProperties"]["connectionString"]["value"] = "Server=x"
    assert export_bytes(unsealed, original=raw, style=entry.style) == raw


def test_unedited_bytes_are_the_original_unless_a_secret_was_in_clear() -> None:
    blob = MASKED_SECRET_FILE
    assert unedited_bytes(blob) == blob
    clear = blob.replace(b"**********", b"AccountKey=abc")
    out = unedited_bytes(clear)
    assert b"AccountKey" not in out and detect_style(out) == detect_style(clear)
    assert unedited_bytes(b"not json") == b"not json"


def test_a_synapse_linked_service_file_parses_with_its_type_kept() -> None:
    from connectors.adf_format import SYNAPSE_DOCUMENT_TYPE, parse_linked_service
    from tests.connectors.repository_builders import synapse_documents

    document = synapse_documents()["linkedService/SparkProd.json"]
    assert document["type"] == SYNAPSE_DOCUMENT_TYPE
    parsed = parse_linked_service(render(document, STYLES[0]))
    assert parsed.ok, [str(p) for p in parsed.problems]
    assert parsed.name == "SparkProd"


def test_a_synapse_repository_exports_unedited_byte_for_byte() -> None:
    from tests.connectors.repository_builders import synapse_repository

    files = synapse_repository()
    assert _exported(files) == files


@pytest.mark.parametrize("style", STYLES)
def test_secrets_in_clear_are_masked_where_they_are_and_every_other_byte_is_kept(
    style: object,
) -> None:
    raw = render(web_pipeline(DOCUMENT_SECRET, SQL_POOL_PASSWORD), style)  # type: ignore[arg-type]
    kept = without_clear_secrets(raw)
    expected = raw
    for secret in (DOCUMENT_SECRET, SQL_POOL_PASSWORD, PARAM_SECRET):
        written = json.dumps(secret, ensure_ascii=detect_style(raw).ascii_only)[1:-1]
        expected = expected.replace(written.encode(), MASK.encode())
    assert kept == expected
    assert unedited_bytes(raw) == kept


def test_bytes_without_a_secret_in_clear_are_kept_as_they_are() -> None:
    for raw in (
        render(web_pipeline(MASK, parameter_default=MASK), STUDIO_STYLE),
        b"# a README, SecureString\n",
        b'{"type": "SecureString", "value": ',
        b"\xff\xfe not UTF-8 \\u",
        b"[" * 100 + b'{"type": "SecureString", "value": "x"}' + b"]" * 100,
    ):
        assert without_clear_secrets(raw) is raw


def test_a_secure_string_spelled_with_escapes_is_masked_too() -> None:
    raw = b'{"name": "N", "properties": {"p": {"type": "Secure\\u0053tring", "value": "h\\u00e9"}}}'
    assert without_clear_secrets(raw) == raw.replace(b'"h\\u00e9"', b'"**********"')


def test_a_secret_a_duplicate_key_would_hide_is_masked_by_writing_the_file_again() -> None:
    clear = f'{{"type": "SecureString", "value": "{DOCUMENT_SECRET}"}}'
    masked = f'{{"type": "SecureString", "value": "{MASK}"}}'
    raw = f'{{\n  "name": "N",\n  "properties": {{"p": {clear}, "p": {masked}}}\n}}\n'.encode()
    kept = without_clear_secrets(raw)
    assert DOCUMENT_SECRET.encode() not in kept
    assert json.loads(kept) == {"name": "N", "properties": {"p": json.loads(masked)}}
    assert detect_style(kept) == detect_style(raw)


def test_a_file_the_span_finder_cannot_read_is_written_again_masked() -> None:
    raw = f'{{"n": NaN, "p": {{"type": "SecureString", "value": "{DOCUMENT_SECRET}"}}}}'.encode()
    kept = without_clear_secrets(raw)
    assert DOCUMENT_SECRET.encode() not in kept and MASK.encode() in kept


NO_SECRET_IN_CLEAR = [
    "[parameters('SqlDw_password')]",
    "@{linkedService().password}",
    "@pipeline().parameters.password",
    "https://@{linkedService().host}/",
    {"type": "Expression", "value": "@linkedService().password"},
    MASK,
    "",
]


@pytest.mark.parametrize("value", NO_SECRET_IN_CLEAR)
def test_an_expression_the_mask_or_nothing_is_no_secret_in_clear(value: object) -> None:
    secret = {"type": "SecureString", "value": value}
    default = value if isinstance(value, str) else MASK
    document = {
        "name": "N",
        "properties": {
            "parameters": {"p": {"type": "SecureString", "defaultValue": default}},
            "typeProperties": {"password": secret},
        },
    }
    for style in STYLES:
        raw = render(document, style)
        assert without_clear_secrets(raw) is raw
        assert not holds_clear_secret(raw)


@pytest.mark.parametrize("value", ["[[parameters('x')]", "@@{literal}", "[no bracket", "s3cret"])
def test_a_literal_that_only_looks_like_an_expression_is_a_secret_in_clear(value: str) -> None:
    raw = json_bytes({"name": "N", "properties": {"p": {"type": "SecureString", "value": value}}})
    assert without_clear_secrets(raw) == raw.replace(json.dumps(value).encode(), b'"**********"')
    assert holds_clear_secret(raw)


def test_bytes_that_may_name_a_secure_string_and_are_no_json_count_as_holding_one() -> None:
    assert holds_clear_secret(b'{"type": "SecureString", "value": ')
    assert not holds_clear_secret(b"# a README\n")


def test_a_zip_s_files_are_let_go_once_read_and_read_again_the_same_bytes(tmp_path: Path) -> None:
    files = repository()
    from_zip = read_repository(as_zip(files, prefix="contoso-adf-main/"))
    assert all(f.held is None for f in from_zip.files)  # one file's bytes at a time
    assert repository_files(from_zip) == list(files.items())
    assert repository_files(from_zip) == list(files.items())  # as often as asked
    write_folder(tmp_path, files.items())
    from_folder = read_repository(tmp_path)
    # A folder's files are held: read again, a file changed meanwhile would differ.
    assert all(f.held is not None for f in from_folder.files)
    assert dict(repository_files(from_folder)) == files
