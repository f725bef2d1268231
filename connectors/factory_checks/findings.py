"""What Validate all reports: findings, each with a stable code, a severity, the resource
and the JSON path of the culprit; and the list of rules by code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from connectors.factory_snapshot import FactoryResource
from connectors.kinds import KINDS


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str


_RULES = (
    Rule("LW-SHAPE-001", Severity.ERROR, "The definition does not match its connector's schema"),
    Rule("LW-SHAPE-002", Severity.ERROR, "A property ADF's model requires is missing or wrong"),
    Rule("LW-REF-001", Severity.ERROR, "A reference names a resource the factory does not have"),
    Rule("LW-REF-002", Severity.ERROR, "A reference of the wrong type for where it is"),
    Rule("LW-REF-003", Severity.ERROR, "An activity depends on an activity not beside it"),
    Rule("LW-CYCLE-001", Severity.ERROR, "Activities depend on each other in a cycle"),
    Rule("LW-CYCLE-002", Severity.ERROR, "Execute Pipeline activities call pipelines in a cycle"),
    Rule("LW-NAME-001", Severity.ERROR, "A name holds a character ADF does not allow"),
    Rule(
        "LW-NAME-002",
        Severity.ERROR,
        "A dash in the name of a linked service, dataset or data flow",
    ),
    Rule("LW-NAME-003", Severity.ERROR, "An integration runtime name breaks ADF's rules"),
    Rule("LW-NAME-004", Severity.ERROR, "Two resources of a kind share a name (names ignore case)"),
    Rule("LW-NAME-005", Severity.ERROR, "Two activities of a pipeline share a name"),
    Rule("LW-NAME-006", Severity.WARNING, "A name does not start with a letter"),
    Rule("LW-EXPR-001", Severity.ERROR, "An expression does not parse"),
    Rule("LW-EXPR-002", Severity.ERROR, "An expression reads a pipeline parameter not declared"),
    Rule("LW-EXPR-003", Severity.ERROR, "An expression reads a variable not declared"),
    Rule("LW-EXPR-004", Severity.ERROR, "An expression reads an activity the pipeline lacks"),
    Rule("LW-EXPR-005", Severity.ERROR, "An expression reads a global parameter not declared"),
    Rule(
        "LW-EXPR-006",
        Severity.ERROR,
        "An expression reads a dataset or linked service parameter not declared",
    ),
    Rule("LW-LIMIT-001", Severity.ERROR, "More entities than a factory holds (5,000)"),
    Rule(
        "LW-LIMIT-002",
        Severity.WARNING,
        "More activities in a pipeline than ADF allows by default (80; 120 on request)",
    ),
    Rule("LW-LIMIT-003", Severity.ERROR, "More parameters in a pipeline than ADF allows (50)"),
    Rule("LW-LIMIT-004", Severity.ERROR, "An expression longer than ADF allows (8,192 characters)"),
    Rule("LW-LIMIT-005", Severity.ERROR, "A pipeline larger than ADF allows (200 KB)"),
    Rule(
        "LW-LIMIT-006",
        Severity.WARNING,
        "A dataset or linked service larger than ADF allows (100 KB; 2,000 KB on request)",
    ),
    Rule(
        "LW-ARM-001",
        Severity.WARNING,
        "More resources than one ARM template holds (800): deploy the linked templates",
    ),
    Rule(
        "LW-ARM-002",
        Severity.WARNING,
        "An ARM template larger than Azure accepts (4 MB): deploy the linked templates",
    ),
    Rule("LW-ARM-003", Severity.ERROR, "More ARM template parameters than Azure accepts (256)"),
    Rule("LW-ARM-004", Severity.ERROR, "The ARM parameterisation template is not usable"),
    Rule(
        "LW-SYN-001",
        Severity.ERROR,
        "A notebook or Spark job names a Spark pool the workspace lacks",
    ),
    Rule(
        "LW-SYN-002",
        Severity.INFO,
        "A notebook or Spark job names a Spark pool kept outside the repository",
    ),
)

RULES = {rule.code: rule for rule in _RULES}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    kind: str = ""
    name: str = ""
    file: str = ""
    """The resource's file in git (``pipeline/Load.json``); empty for the whole factory."""
    path: str = "$"
    """JSON path of the culprit in that file."""

    @property
    def title(self) -> str:
        return RULES[self.code].title

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "kind": self.kind,
            "name": self.name,
            "file": self.file,
            "path": self.path,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.file} {self.path}" if self.file else self.path
        return f"{self.severity}: {self.code} {where}: {self.message}"


def finding(
    code: str,
    message: str,
    resource: FactoryResource | None = None,
    path: str = "$",
    severity: Severity | None = None,
) -> Finding:
    """A finding of rule ``code`` (its own severity unless given) on ``resource``."""
    if resource is None:
        return Finding(code, severity or RULES[code].severity, message, path=path)
    return Finding(
        code,
        severity or RULES[code].severity,
        message,
        resource.kind,
        resource.name,
        resource.path or KINDS[resource.kind].git_path(resource.name),
        path,
    )
