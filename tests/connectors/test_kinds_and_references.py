"""Resource kinds are declared once, and references are found by walking any document."""

from __future__ import annotations

from connectors.kinds import KINDS, kind_for_document_type, kind_for_folder, kind_for_reference
from connectors.references import references_in, rename_references


def test_every_kind_is_found_by_its_folder_and_its_document_type() -> None:
    for kind in KINDS.values():
        assert kind_for_folder(kind.folder) is kind
        assert kind_for_document_type(kind.document_type()) is kind
        assert kind_for_document_type(kind.document_type(workspace=True)) is kind


def test_document_types_are_matched_regardless_of_case() -> None:
    assert (
        kind_for_document_type("Microsoft.Synapse/workspaces/linkedServices")
        is KINDS["linkedService"]
    )
    assert kind_for_document_type("Microsoft.Other/things") is None


def test_references_are_found_anywhere_in_a_pipeline() -> None:
    pipeline = {
        "activities": [
            {
                "name": "Copy",
                "inputs": [{"referenceName": "In", "type": "DatasetReference"}],
                "outputs": [{"referenceName": "Out", "type": "DatasetReference"}],
                "linkedServiceName": {"referenceName": "Spark", "type": "LinkedServiceReference"},
            },
            {"name": "Dyn", "inputs": [{"referenceName": "@x", "type": "DatasetReference"}]},
        ]
    }
    found = [(r.kind.name, r.name, r.path) for r in references_in(pipeline)]
    assert found == [
        ("dataset", "In", "$.properties.activities[0].inputs[0]"),
        ("dataset", "Out", "$.properties.activities[0].outputs[0]"),
        ("linkedService", "Spark", "$.properties.activities[0].linkedServiceName"),
    ]


def test_an_unknown_reference_type_is_not_a_reference() -> None:
    assert kind_for_reference("SomethingReference") is None
    assert references_in({"x": {"referenceName": "A", "type": "SomethingReference"}}) == []


def test_renaming_changes_only_references_of_that_kind_and_name() -> None:
    dataset = {
        "linkedServiceName": {"referenceName": "spark", "type": "LinkedServiceReference"},
        "other": {"referenceName": "Spark", "type": "DatasetReference"},
    }
    renamed = rename_references(
        dataset,
        KINDS["linkedService"],
        "Spark",
        "Spark2",
        lambda a, b: a.casefold() == b.casefold(),
    )
    assert renamed["linkedServiceName"]["referenceName"] == "Spark2"
    assert renamed["other"]["referenceName"] == "Spark"
