"""One resource definition of any kind checked as its kind and connector say: its name, the
connector's JSON Schema for a linked service of a registered type (the version its
properties declare), a registered dataset type's schema, a pipeline's activity structure;
any other kind is kept as a document and only needs an object for its properties."""

from __future__ import annotations

from typing import Any

from connectors.kinds import LINKED_SERVICE
from connectors.pipeline_activities import structure_problems
from connectors.problems import Problem
from connectors.registry import dataset_type, get_connector, has_form
from connectors.secrets import as_validated
from connectors.validation import validate_name, validate_properties, validate_with

PIPELINE = "pipeline"


def definition_problems(kind: str, name: str, properties: Any) -> list[Problem]:
    """What ADF or its connector would refuse in this definition (paths from ``$``)."""
    return [*validate_name(name), *properties_problems(kind, properties)]


def properties_problems(kind: str, properties: Any) -> list[Problem]:
    """What ADF or its connector would refuse in a definition's ``properties`` (an override
    changes them, never the name)."""
    problems: list[Problem] = []
    if not isinstance(properties, dict):
        return [*problems, Problem("$.properties", "Must be a JSON object.")]
    if has_form(kind, properties.get("type")):
        connector = get_connector(str(properties["type"]))
        version_id = connector.version_of(properties)
        if version_id is None:
            message = connector.version_problem(properties)
            return [*problems, Problem("$.properties.version", message)]
        version = connector.version(version_id)
        problems.extend(validate_properties(version, as_validated(properties)))
    elif (declared := dataset_type(kind, properties.get("type"))) is not None:
        problems.extend(validate_with(declared.validator, properties))
    elif kind == PIPELINE:
        problems.extend(structure_problems({"properties": properties}))
    elif kind == LINKED_SERVICE.name and not isinstance(properties.get("type"), str):
        problems.append(Problem("$.properties.type", "A linked service has a type."))
    return problems


__all__ = ["definition_problems", "properties_problems"]
