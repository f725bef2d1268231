"""The connector-neutral guarantees of connectors.upgrade, with toy rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from upgrade_helpers import CLEAR_SECRET, SECRET_TEXT, STORED_SECRET, V2, expr

from connectors.spark.secret_target import spark_secret_target as SPARK_TARGET
from connectors.upgrade import (
    RETYPE,
    SECRET_SHOWN,
    Decision,
    Finding,
    plan_upgrade,
    shown,
    type_path,
)

VALID_V2_TP = {"host": "h.example.com", "port": 443, "authenticationType": "Anonymous"}


class ToyRule:
    """Sets version 2.0; optionally drops, loses or asks for something."""

    id = "toy"
    title = "Toy"

    def __init__(self, *, drop: str = "", lose: str = "", claim: str = "", ask: bool = False):
        self.drop, self.lose, self.claim, self.ask = drop, lose, claim, ask

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return True

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        out = [Finding(self.id, "$.properties.version", "(not set)", "2.0", "2.0")]
        for name in (self.drop, self.claim):
            if name:
                out.append(
                    Finding(self.id, type_path(name), "x", "nothing", "dropped", dropped=True)
                )
        return out

    def decisions(
        self, properties: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[Decision]:
        if not self.ask:
            return []
        first = Decision(
            "mode", "Mode", "Pick.", "choice", self.id, type_path("mode"), ("a", "b"), "a"
        )
        if answers.get("mode") != "b":
            return [first]
        return [
            first,
            Decision("port", "Port", "Which.", "integer", self.id, type_path("port")),
        ]

    def blockers(self, properties: Mapping[str, Any]) -> list[str]:
        return []

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        properties_out["version"] = "2.0"
        tp = properties_out["typeProperties"]
        for name in (self.drop, self.lose):
            tp.pop(name, None)
        if answers.get("mode") == "a":
            tp["port"] = 443
        elif answers.get("port") is not None:
            tp["port"] = answers["port"]


def _plan(tp: dict[str, Any], rule: ToyRule, answers: dict[str, Any] | None = None):
    return plan_upgrade(
        [rule],
        {"type": "Spark", "typeProperties": tp},
        answers,
        target=V2,
        secret_target=SPARK_TARGET,
    )


def test_a_clean_run_is_ready() -> None:
    result = _plan(dict(VALID_V2_TP), ToyRule())
    assert result.verdict == "ready" and result.proposed["version"] == "2.0"


def test_a_property_dropped_with_a_finding_is_fine() -> None:
    result = _plan({**VALID_V2_TP, "httpPath": "x"}, ToyRule(drop="httpPath"))
    assert result.verdict == "ready"


def test_a_property_lost_silently_blocks() -> None:
    result = _plan({**VALID_V2_TP, "httpPath": "x"}, ToyRule(lose="httpPath"))
    assert result.verdict == "blocked"
    assert any("httpPath would be lost" in b for b in result.blocked)


def test_a_drop_claimed_but_not_done_blocks() -> None:
    result = _plan({**VALID_V2_TP, "httpPath": "x"}, ToyRule(claim="httpPath"))
    assert result.verdict == "blocked"
    assert any("said to be dropped" in b for b in result.blocked)


def test_an_invalid_proposal_is_never_ready() -> None:
    result = _plan({**VALID_V2_TP, "port": 0}, ToyRule())
    assert result.verdict == "blocked"
    assert any(b.startswith(type_path("port")) for b in result.blocked)


def test_decisions_may_depend_on_earlier_answers() -> None:
    tp = {k: v for k, v in VALID_V2_TP.items() if k != "port"}
    first = _plan(tp, ToyRule(ask=True))
    assert [d.id for d in first.decisions] == ["mode"] and first.pending == ("mode",)
    assert first.verdict == "needs-decisions"
    second = _plan(tp, ToyRule(ask=True), {"mode": "b"})
    assert second.pending == ("port",) and second.verdict == "needs-decisions"
    # The missing port waits for its decision: it does not block.
    assert not second.blocked and any(p.path == type_path("port") for p in second.problems)
    third = _plan(tp, ToyRule(ask=True), {"mode": "b", "port": 8443})
    assert third.verdict == "ready" and third.proposed["typeProperties"]["port"] == 8443


def test_stored_secrets_validate_as_the_mask_and_stay_references() -> None:
    tp = {**VALID_V2_TP, "authenticationType": "UsernameAndPassword", "username": "u"}
    source = {
        "type": "Spark",
        "version": "2.0",
        "typeProperties": {**tp, "password": STORED_SECRET},
    }
    result = plan_upgrade([ToyRule()], source, target=V2, secret_target=SPARK_TARGET)
    assert result.verdict == "ready"
    assert result.proposed["typeProperties"]["password"] == STORED_SECRET


def test_a_stored_secret_whose_target_changes_is_asked_for_again() -> None:
    tp = {**VALID_V2_TP, "authenticationType": "UsernameAndPassword", "username": "u"}
    result = _plan({**tp, "password": STORED_SECRET}, ToyRule())  # SASL → HTTPS
    (retype,) = [d for d in result.decisions if d.id.startswith(RETYPE)]
    assert result.pending == (retype.id,) and result.verdict == "needs-decisions"
    answered = _plan({**tp, "password": STORED_SECRET}, ToyRule(), {retype.id: CLEAR_SECRET})
    assert answered.verdict == "ready"
    assert answered.proposed["typeProperties"]["password"] == CLEAR_SECRET


def test_as_dict_masks_a_clear_secret() -> None:
    tp = {**VALID_V2_TP, "authenticationType": "UsernameAndPassword", "username": "u"}
    result = _plan({**tp, "password": CLEAR_SECRET}, ToyRule())
    assert SECRET_TEXT not in str(result.as_dict())
    assert result.proposed["typeProperties"]["password"] == CLEAR_SECRET


def test_shown_never_reveals_a_secret() -> None:
    assert shown(CLEAR_SECRET) == SECRET_SHOWN
    assert shown(STORED_SECRET) == SECRET_SHOWN
    assert SECRET_TEXT not in shown({"nested": [CLEAR_SECRET]})
    assert shown(expr("@x()")) == "expression @x()"
    assert shown(None) == "(not set)"


def test_decision_answers_are_checked_by_kind() -> None:
    def d(kind: str, choices: tuple[str, ...] = ()) -> Decision:
        return Decision("x", "X", "", kind, "r", "$.x", choices)  # type: ignore[arg-type]

    assert d("choice", ("a",)).check("b") and not d("choice", ("a",)).check("a")
    assert d("boolean").check("true") and not d("boolean").check(False)
    assert d("integer").check(True) and not d("integer").check(443)
    assert d("text").check("  ") and not d("text").check("cliservice")
    assert d("secret").check("plain") and not d("secret").check(STORED_SECRET)
    assert not d("integer").check(expr("@p()"))
