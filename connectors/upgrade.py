"""Upgrading a linked-service definition from one connector version to the next.

Connector-neutral: a connector package supplies the rules (one per documented
difference) and the data-type changes; this module runs the rules over a copy of the
``properties`` object, collects what each found and what it needs decided, applies the
answers, and checks the result against the target version's JSON Schema.

The guarantees :func:`plan_upgrade` gives, whatever the rules do:

* the verdict is ``ready`` only when nothing is left to decide, nothing blocks and the
  proposal validates against the target schema;
* every property of the source (each top-level key of ``properties`` and each key of
  ``typeProperties``) is in the proposal, or is dropped by a named rule whose finding
  says so — otherwise the plan is blocked;
* secure strings are carried as they are (a stored ``{"type": "SecureString",
  "secretId": n}`` included) and never appear in findings, decisions or the summary.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from connectors.formspec import is_expression
from connectors.problems import Problem, json_path
from connectors.secret_binding import SecretTarget, changed_properties, declared_target
from connectors.secrets import (
    MASK,
    as_validated,
    is_secure_string,
    map_secure_strings,
    masked,
    secure_strings,
)
from connectors.validation import validate_properties

if TYPE_CHECKING:
    from connectors.base import Connector, ConnectorVersion

Severity = Literal["info", "warning"]
DecisionKind = Literal["choice", "text", "secret", "integer", "boolean"]
Verdict = Literal["ready", "needs-decisions", "blocked"]

SECRET_SHOWN = "(secret, not shown)"
UNSET = "(not set)"


def shown(value: Any) -> str:
    """A value as findings may show it: secrets never, expressions as their text."""
    if value is None:
        return UNSET
    if is_secure_string(value):
        return SECRET_SHOWN
    if isinstance(value, dict) and value.get("type") == "AzureKeyVaultSecret":
        return "(Azure Key Vault secret reference)"
    if is_expression(value):
        return f"expression {value.get('value')}"
    if isinstance(value, (dict, list)):
        value = map_secure_strings(value, lambda _s: SECRET_SHOWN)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def type_path(name: str) -> str:
    """The JSON path of a ``typeProperties`` key."""
    return json_path(("properties", "typeProperties", name))


@dataclass(frozen=True)
class Finding:
    """One difference that applies to this definition, as one line of the Analyse step."""

    rule_id: str
    path: str
    """JSON path of the property concerned, e.g. ``$.properties.typeProperties.port``."""
    before: str
    """What the source version had, shown safely (see :func:`shown`)."""
    needs: str
    """What the target version needs."""
    proposal: str
    """What the upgrade proposes."""
    severity: Severity = "info"
    dropped: bool = False
    """True when the proposal leaves this property out (the finding says so)."""

    def line(self) -> str:
        mark = "!" if self.severity == "warning" else "-"
        return f"{mark} {self.path}: was {self.before}; {self.needs} → {self.proposal}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "path": self.path,
            "before": self.before,
            "needs": self.needs,
            "proposal": self.proposal,
            "severity": self.severity,
            "dropped": self.dropped,
        }


@dataclass(frozen=True)
class Decision:
    """A question the upgrade asks; ``proposed`` is the answer used until one is given."""

    id: str
    label: str
    help: str
    kind: DecisionKind
    rule_id: str
    path: str
    """JSON path of the property the answer sets."""
    choices: tuple[str, ...] = ()
    proposed: Any = None
    """The proposed answer; None when there is no safe proposal (the user must answer)."""
    required: bool = True
    """True: the plan is not ready until this is answered. False: the proposal stands
    unless the user changes it."""

    def check(self, answer: Any) -> str | None:
        """Why ``answer`` is not acceptable, or None."""
        if is_expression(answer) and self.kind in ("text", "integer", "boolean"):
            return None
        match self.kind:
            case "choice":
                if answer not in self.choices:
                    return f"Choose one of: {', '.join(self.choices)}."
            case "boolean":
                if not isinstance(answer, bool):
                    return "Answer true or false."
            case "integer":
                if isinstance(answer, bool) or not isinstance(answer, int):
                    return "Enter a whole number."
            case "text":
                if not isinstance(answer, str) or not answer.strip():
                    return "This may not be empty."
            case "secret":
                if not (
                    is_secure_string(answer)
                    or (isinstance(answer, dict) and answer.get("type") == "AzureKeyVaultSecret")
                ):
                    return "Give a secure string or an Azure Key Vault secret reference."
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "help": self.help,
            "kind": self.kind,
            "rule": self.rule_id,
            "path": self.path,
            "choices": list(self.choices),
            "proposed": None if self.kind == "secret" else self.proposed,
            "required": self.required,
        }


@runtime_checkable
class Rule(Protocol):
    """One documented difference between two versions.

    ``applies``, ``findings``, ``decisions`` and ``blockers`` read the source properties
    (never change them); ``apply`` changes the proposal in place. ``answers`` holds
    every decision's answer: the user's, or else the proposed one (None if neither).
    """

    id: str
    title: str

    def applies(self, properties: Mapping[str, Any]) -> bool: ...

    def findings(
        self, properties: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[Finding]: ...

    def decisions(
        self, properties: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[Decision]: ...

    def blockers(self, properties: Mapping[str, Any]) -> list[str]: ...

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None: ...


class QuietRule:
    """The :class:`Rule` methods, each doing nothing: a rule overrides what it does."""

    def applies(self, properties: Mapping[str, Any]) -> bool:
        raise NotImplementedError

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        return []

    def decisions(
        self, properties: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[Decision]:
        return []

    def blockers(self, properties: Mapping[str, Any]) -> list[str]:
        return []

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        return None


@dataclass(frozen=True)
class TypeChange:
    """A source data type whose interim service type changes between the versions."""

    source_type: str
    before: str
    after: str
    meaning: str
    """A plain sentence on what it means for sinks downstream."""

    def as_dict(self) -> dict[str, str]:
        return {
            "source_type": self.source_type,
            "before": self.before,
            "after": self.after,
            "meaning": self.meaning,
        }


@dataclass(frozen=True)
class UpgradePath:
    """How a connector's definitions move from one version to the next."""

    from_version: str
    to_version: str
    rules: tuple[Rule, ...]
    type_changes: tuple[TypeChange, ...] = ()
    title: str = ""


@dataclass(frozen=True)
class Plan:
    verdict: Verdict
    findings: tuple[Finding, ...]
    decisions: tuple[Decision, ...]
    """Every decision offered, answered or not."""
    pending: tuple[str, ...]
    """Ids of the required decisions not answered yet."""
    blocked: tuple[str, ...]
    """Why the upgrade cannot go ahead (empty unless the verdict is ``blocked``)."""
    proposed: dict[str, Any] | None
    """The target-version properties given the answers (secrets carried untouched);
    None when blocked before any rule ran."""
    problems: tuple[Problem, ...]
    """Target-schema problems of ``proposed`` (and of unacceptable answers)."""
    type_changes: tuple[TypeChange, ...] = ()
    title: str = ""

    @classmethod
    def refused(cls, reason: str, *, title: str = "") -> Plan:
        """A plan blocked before any rule ran."""
        return cls("blocked", (), (), (), (reason,), None, (), (), title)

    @property
    def ready(self) -> bool:
        return self.verdict == "ready"

    def decision(self, decision_id: str) -> Decision:
        for decision in self.decisions:
            if decision.id == decision_id:
                return decision
        raise KeyError(decision_id)

    @property
    def pending_labels(self) -> list[str]:
        """The labels of the decisions still to make, in the order they are asked."""
        return [d.label for d in self.decisions if d.id in self.pending]

    def short_summary(self) -> str:
        """The revision comment: one line, the title and how many changes; the plan
        itself (:meth:`summary`) is kept beside the revision as its detail."""
        head = self.title or "Upgrade"
        count = len(self.findings)
        return f"{head}: {count} change{'' if count == 1 else 's'} (see the plan)"

    def summary(self) -> str:
        """The whole plan: what changed, one line per finding."""
        head = self.title or "Upgrade"
        return "\n".join([head, *(f.line() for f in self.findings)])

    def as_dict(self) -> dict[str, Any]:
        """JSON for the portal: every secret masked (typed in clear or stored)."""
        return {
            "verdict": self.verdict,
            "findings": [f.as_dict() for f in self.findings],
            "decisions": [d.as_dict() for d in self.decisions],
            "pending": list(self.pending),
            "blocked": list(self.blocked),
            "proposed": None if self.proposed is None else masked(self.proposed),
            "problems": [p.as_dict() for p in self.problems],
            "type_changes": [t.as_dict() for t in self.type_changes],
            "summary": self.summary(),
        }


def _source_keys(properties: Mapping[str, Any]) -> list[str]:
    """JSON paths of every property a plan must account for."""
    paths = [json_path(("properties", k)) for k in properties if k != "typeProperties"]
    type_properties = properties.get("typeProperties")
    if isinstance(type_properties, Mapping):
        paths.extend(type_path(k) for k in type_properties)
    return paths


def _under(path: str, roots: set[str]) -> bool:
    return any(path == r or path.startswith((r + ".", r + "[")) for r in roots)


def _blockers(rule: Rule, properties: Mapping[str, Any]) -> list[str]:
    method = getattr(rule, "blockers", None)
    return list(method(properties)) if method else []


RETYPE = "retype-secret:"


def _retype_decisions(
    source: dict[str, Any], proposed: dict[str, Any], secret_target: SecretTarget | None
) -> list[tuple[Decision, tuple[str | int, ...]]]:
    """A stored secret carried into a proposal that sends it elsewhere, or otherwise,
    must be typed again (see :mod:`connectors.secret_targets`): one decision each."""
    changed = changed_properties(
        declared_target(secret_target, source), declared_target(secret_target, proposed)
    )
    if not changed:
        return []
    before = dict(secure_strings(source))
    carried = [
        path
        for path, secret in secure_strings(proposed)
        if before.get(path) == secret and ("secretId" in secret or secret.get("value") == MASK)
    ]
    return [
        (
            Decision(
                id=RETYPE + json_path(("properties", *path)),
                label=f"Type the {path[-1]} again",
                help=(
                    f"The upgrade changes how the {path[-1]} is sent ({', '.join(changed)}); "
                    "a stored secret is only ever sent to the target it was typed for."
                ),
                kind="secret",
                rule_id="secret-target",
                path=json_path(("properties", *path)),
            ),
            path,
        )
        for path in carried
    ]


def _set_at(node: Any, path: tuple[str | int, ...], value: Any) -> None:
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def plan_upgrade(
    rules: Sequence[Rule],
    properties: Any,
    answers: Mapping[str, Any] | None = None,
    *,
    target: ConnectorVersion,
    secret_target: SecretTarget | None,
    type_changes: Sequence[TypeChange] = (),
    title: str = "",
) -> Plan:
    """Run ``rules`` in order over a copy of ``properties`` with the given ``answers``.

    ``secret_target`` is the connector's declaration of where its secrets are sent
    (``Connector.secret_target``): a stored secret the proposal sends elsewhere must be
    typed again.

    ``answers`` maps decision ids to answers (a secret answer is a secure string or a
    Key Vault reference). The source is never changed.
    """
    answers = dict(answers or {})
    if not isinstance(properties, Mapping) or not isinstance(
        properties.get("typeProperties"), Mapping
    ):
        return Plan.refused("The definition has no typeProperties object to upgrade.", title=title)
    source = copy.deepcopy(dict(properties))
    active = [rule for rule in rules if rule.applies(source)]

    blocked: list[str] = []
    for rule in active:
        blocked.extend(_blockers(rule, source))

    # Decisions may depend on earlier answers (e.g. a password only for one auth type),
    # so collect them until no new one appears.
    decisions: dict[str, Decision] = {}

    def effective_answers() -> dict[str, Any]:
        """Each decision's acceptable answer, or else its proposal."""
        out = {k: v for k, v in answers.items() if k not in decisions}
        for d in decisions.values():
            given = d.id in answers and d.check(answers[d.id]) is None
            out[d.id] = answers[d.id] if given else d.proposed
        return out

    for _ in range(len(active) + 2):
        effective = effective_answers()
        found: dict[str, Decision] = {}
        for rule in active:
            for decision in rule.decisions(source, effective):
                found.setdefault(decision.id, decision)
        settled = found.keys() == decisions.keys()
        decisions = found
        if settled:
            break
    effective = {k: v for k, v in effective_answers().items() if k in decisions}

    problems: list[Problem] = []
    refused: set[str] = set()
    for decision in decisions.values():
        if decision.id in answers:
            why = decision.check(answers[decision.id])
            if why:
                problems.append(Problem(f"decision:{decision.id}", why))
                refused.add(decision.id)
    pending = tuple(
        d.id for d in decisions.values() if d.required and (d.id not in answers or d.id in refused)
    )

    findings: list[Finding] = []
    proposed = copy.deepcopy(source)
    for rule in active:
        findings.extend(rule.findings(source, effective))
        rule.apply(proposed, effective)
    for decision, where in _retype_decisions(source, proposed, secret_target):
        decisions[decision.id] = decision
        answer = answers.get(decision.id)
        if decision.id not in answers:
            pending = (*pending, decision.id)
        elif why := decision.check(answer):
            problems.append(Problem(f"decision:{decision.id}", why))
            pending = (*pending, decision.id)
        else:
            _set_at(proposed, where, answer)

    dropped = {f.path for f in findings if f.dropped}
    kept = set(_source_keys(proposed))
    for path in _source_keys(source):
        if path not in kept and path not in dropped:
            blocked.append(f"{path} would be lost: no upgrade rule accounts for it.")
    for finding in findings:
        if finding.dropped and finding.path in kept:
            blocked.append(f"{finding.path} is said to be dropped but is still there.")

    problems.extend(validate_properties(target, as_validated(proposed)))
    # A schema problem where a pending decision will put its answer waits for that
    # answer; any other one cannot be fixed by answering, so it blocks.
    waiting = {decisions[d].path for d in pending}
    for problem in problems:
        if not problem.path.startswith("decision:") and not _under(problem.path, waiting):
            blocked.append(str(problem))
    if blocked:
        verdict: Verdict = "blocked"
    elif pending or problems:
        verdict = "needs-decisions"
    else:
        verdict = "ready"
    return Plan(
        verdict,
        tuple(findings),
        tuple(decisions.values()),
        pending,
        tuple(blocked),
        proposed,
        tuple(problems),
        tuple(type_changes),
        title,
    )


def plan_connector_upgrade(
    connector: Connector, properties: Any, answers: Mapping[str, Any] | None = None
) -> Plan:
    """The upgrade of ``properties`` (a definition of ``connector.upgrade.from_version``)
    to ``connector.upgrade.to_version``; refused when it is not such a definition."""
    path = connector.upgrade
    if path is None:
        raise LookupError(f"{connector.title} definitions have no upgrade.")
    title = path.title or f"Upgrade {connector.title} {path.from_version} → {path.to_version}"
    if not isinstance(properties, dict) or properties.get("type") != connector.type:
        return Plan.refused(f"This is not a {connector.title} definition.", title=title)
    if connector.version_of(properties) != path.from_version:
        return Plan.refused(
            f"Only {connector.title} {path.from_version} definitions are upgraded; "
            f"this one is {properties.get('version')!r}.",
            title=title,
        )
    return plan_upgrade(
        path.rules,
        properties,
        answers,
        target=connector.version(path.to_version),
        secret_target=connector.secret_target,
        type_changes=path.type_changes,
        title=title,
    )
