"""Evaluating ADF expressions with values given here (a connection test, a query preview).

Stable API (other modules and branches build on it):

- :class:`Scope` holds the values an expression may read: ``linkedService().x``,
  ``dataset().x``, ``pipeline().parameters.x``, ``variables('x')``, ``item()``.
- :func:`evaluate` (``value``, ``scope``) -> the value ADF would compute. ``value`` is
  anything found in a definition: a plain string (``"@concat(...)"``, ``"a-@{x}-b"``,
  ``"@@literal"``), an ``{"type": "Expression", "value": "@..."}`` object, or any other
  JSON value (returned as ADF reads it). Interpolation (``@{...}`` inside text, or a value
  that starts with ``@{``) always gives a string; a whole-value expression (``@f(...)``)
  gives the function's own type (a number, a boolean...).
- :func:`evaluate_all` (``node``, ``scope``) -> a copy of a JSON tree, every expression in
  it evaluated.
- :func:`referenced` (``value``) -> the ``(scope, name)`` pairs it reads, in order, once
  each: ``("linkedService", "host")``, ``("pipeline", "day")``, ``("variables", "x")``,
  ``("item", "name")`` (``("item", "")`` for ``item()`` itself), ``("dataset", "x")``,
  ``("activity", "Copy1")`` for ``activity('Copy1')`` and ``("globalParameters", "x")`` for
  ``pipeline().globalParameters.x``.
- :class:`ExpressionError` (a ``ValueError``): the expression is malformed or a function
  got a value it cannot take. :class:`CannotEvaluate` (a subclass): the expression is
  valid but cannot be evaluated here (``what`` names the function, e.g. ``"utcnow"``);
  :class:`MissingValue` (a subclass of that): no value was given for ``scope``/``name``.
  Each has a message to show as is; the caller asks the user for the value to use.
- :func:`evaluate_traced` (``value``, ``scope``) -> :class:`Traced`: the value, and the
  :class:`Piece` s of its text that came from the scope's values rather than from the
  expression (through interpolation, concat, string, toLower/toUpper, trim, substring,
  first/last, replace and join character by character; through any other function as a
  whole), so that a query's given values can be put in as literals, never as SQL.
  :class:`ValueRefused` (an ``ExpressionError``): a value that cannot be put where it lands.
- :data:`FUNCTIONS`: the functions evaluated here, by name; :data:`NOT_HERE`: functions
  known to ADF that depend on the run (time, activity output...) and are refused here.

Function and scope names are matched regardless of case, as ADF does; so are parameter
names (an exact match wins).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors import json_limits
from connectors.expressions import expression_text, is_expression, is_expression_object, literal

__all__ = [
    "FUNCTIONS",
    "NOT_HERE",
    "CannotEvaluate",
    "ExpressionError",
    "MissingValue",
    "Piece",
    "Scope",
    "Traced",
    "ValueRefused",
    "as_text",
    "describe_reference",
    "evaluate",
    "evaluate_all",
    "evaluate_traced",
    "referenced",
]

MAX_LENGTH = 100_000
"""Longest expression text evaluated; longer is refused (no definition holds one)."""
MAX_DEPTH = 64
"""Deepest nesting of calls and brackets parsed."""


class ExpressionError(ValueError):
    """A malformed expression, or a function given a value it cannot take."""

    def __init__(self, message: str, expression: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.expression = expression


class CannotEvaluate(ExpressionError):
    """A valid expression that cannot be evaluated here; ``what`` names what (a function
    such as ``utcnow``, or a scope such as ``activity``)."""

    def __init__(self, message: str, what: str, expression: str = "") -> None:
        super().__init__(message, expression)
        self.what = what


class MissingValue(CannotEvaluate):
    """No value was given for the parameter ``scope``/``name`` the expression reads."""

    def __init__(self, scope: str, name: str, expression: str = "") -> None:
        where = _describe_reference(scope, name)
        super().__init__(f"No value was given for {where}: give the value to use.", scope)
        self.expression = expression
        self.scope = scope
        self.name = name


_UNSET: Any = object()


@dataclass(frozen=True)
class Scope:
    """The values an expression may read. A scope left empty reads as "no value given"
    (:class:`MissingValue`); ``item`` unset means ``item()`` has no value."""

    linked_service: Mapping[str, Any] = field(default_factory=dict)
    dataset: Mapping[str, Any] = field(default_factory=dict)
    pipeline_parameters: Mapping[str, Any] = field(default_factory=dict)
    variables: Mapping[str, Any] = field(default_factory=dict)
    item: Any = _UNSET


def _describe_reference(scope: str, name: str) -> str:
    if scope == "pipeline":
        return f"pipeline().parameters.{name}"
    if scope == "variables":
        return f"variables('{name}')"
    if scope == "item":
        return f"item().{name}" if name else "item()"
    return f"{scope}().{name}"


# --- parsing -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Literal:
    value: Any


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _Member:
    target: Any
    name: str
    safe: bool  # ?.name: null instead of an error when missing


@dataclass(frozen=True)
class _Index:
    target: Any
    index: Any
    safe: bool


@dataclass(frozen=True)
class _Interpolation:
    parts: tuple[Any, ...]  # str literals and expression nodes


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def error(self, message: str) -> ExpressionError:
        return ExpressionError(f"{message} (at character {self.pos + 1})", self.text)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = repr(self.text[self.pos]) if self.pos < len(self.text) else "the end"
            raise self.error(f"Expected {char!r}, found {found}")
        self.pos += 1

    def expression(self) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"The expression nests deeper than {MAX_DEPTH} levels")
        node = self.postfix(self.primary())
        self.depth -= 1
        return node

    def primary(self) -> Any:
        char = self.peek()
        if char == "'":
            return _Literal(self.string())
        if char.isdigit() or (char in "-+" and self._digit_follows()):
            return _Literal(self.number())
        if char.isalpha() or char == "_":
            name = self.identifier()
            if self.peek() == "(":
                return _Call(name, self.arguments())
            lowered = name.lower()
            if lowered in ("true", "false"):
                return _Literal(lowered == "true")
            if lowered == "null":
                return _Literal(None)
            raise self.error(
                f"'{name}' is neither a function call ({name}(...)) nor a value; "
                "text is written in single quotes"
            )
        if not char:
            raise self.error("The expression ends where a value was expected")
        raise self.error(f"Unexpected {char!r}")

    def _digit_follows(self) -> bool:
        return self.pos + 1 < len(self.text) and self.text[self.pos + 1].isdigit()

    def string(self) -> str:
        self.pos += 1  # the opening quote
        out: list[str] = []
        while True:
            end = self.text.find("'", self.pos)
            if end < 0:
                raise self.error("A text in single quotes is not closed")
            out.append(self.text[self.pos : end])
            self.pos = end + 1
            if self.text.startswith("'", self.pos):  # '' is a quote
                out.append("'")
                self.pos += 1
                continue
            return "".join(out)

    def number(self) -> int | float:
        start = self.pos
        if self.text[self.pos] in "-+":
            self.pos += 1
        while self.pos < len(self.text) and (
            self.text[self.pos].isdigit() or self.text[self.pos] in ".eE"
        ):
            self.pos += 1
        token = self.text[start : self.pos]
        try:
            return int(token)
        except ValueError:
            pass
        try:
            return float(token)
        except ValueError:
            raise self.error(f"{token!r} is not a number") from None

    def identifier(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and (
            self.text[self.pos].isalnum() or self.text[self.pos] == "_"
        ):
            self.pos += 1
        return self.text[start : self.pos]

    def arguments(self) -> tuple[Any, ...]:
        self.expect("(")
        args: list[Any] = []
        if self.peek() == ")":
            self.pos += 1
            return ()
        while True:
            args.append(self.expression())
            char = self.peek()
            if char == ",":
                self.pos += 1
                continue
            if char == ")":
                self.pos += 1
                return tuple(args)
            raise self.error("Expected ',' or ')' after a function's argument")

    def postfix(self, node: Any) -> Any:
        while True:
            char = self.peek()
            safe = False
            if char == "?":
                safe = True
                self.pos += 1
                char = self.peek()
                if char not in ".[":
                    raise self.error("Expected '.' or '[' after '?'")
            if char == ".":
                self.pos += 1
                self.skip_space()
                name = self.identifier()
                if not name:
                    raise self.error("Expected a property name after '.'")
                node = _Member(node, name, safe)
            elif char == "[":
                self.pos += 1
                index = self.expression()
                self.expect("]")
                node = _Index(node, index, safe)
            else:
                return node

    def whole(self) -> Any:
        """The text after a leading ``@``: exactly one expression."""
        node = self.expression()
        if self.peek():
            raise self.error(f"Unexpected {self.text[self.pos]!r} after the expression")
        return node

    def interpolation(self) -> _Interpolation:
        """Text with ``@{...}`` in it (``@@{`` is a literal ``@{``)."""
        parts: list[Any] = []
        literal_text: list[str] = []
        text = self.text
        while self.pos < len(text):
            start = text.find("@", self.pos)
            if start < 0:
                literal_text.append(text[self.pos :])
                break
            literal_text.append(text[self.pos : start])
            if text.startswith("@@{", start):
                literal_text.append("@{")
                self.pos = start + 3
            elif text.startswith("@{", start):
                if literal_text:
                    parts.append("".join(literal_text))
                    literal_text = []
                self.pos = start + 2
                parts.append(self.expression())
                self.expect("}")
            else:
                literal_text.append("@")
                self.pos = start + 1
        if literal_text:
            parts.append("".join(literal_text))
        return _Interpolation(tuple(p for p in parts if p != ""))


def _parse(text: str) -> Any:
    """The syntax tree of a plain string ADF evaluates, or a literal for one it does not."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"The expression is longer than {MAX_LENGTH} characters.", "")
    if text.startswith("@@"):
        return _Literal(text[1:])
    if text.startswith("@") and not text.startswith("@{"):
        return _Parser(text[1:]).whole()
    if not is_expression(text):
        return _Literal(text)
    return _Parser(text).interpolation()


def _tree(value: Any) -> Any:
    if is_expression_object(value):
        return _parse(expression_text(value))
    if isinstance(value, str):
        return _parse(value)
    return _Literal(value)


# --- references ----------------------------------------------------------------------


def _nodes(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, _Call):
            stack.extend(reversed(item.args))
        elif isinstance(item, _Member):
            stack.append(item.target)
        elif isinstance(item, _Index):
            stack.extend((item.index, item.target))
        elif isinstance(item, _Interpolation):
            stack.extend(reversed([p for p in item.parts if not isinstance(p, str)]))


def _is_call(node: Any, name: str, arity: int = 0) -> bool:
    return isinstance(node, _Call) and node.name.lower() == name.lower() and len(node.args) == arity


def _property_name(node: Any) -> str | None:
    """``.x`` or ``['x']`` after something: the property's name."""
    if isinstance(node, _Member):
        return node.name
    if (
        isinstance(node, _Index)
        and isinstance(node.index, _Literal)
        and isinstance(node.index.value, str)
    ):
        return node.index.value
    return None


_PIPELINE_SCOPES = {"parameters": "pipeline", "globalparameters": "globalParameters"}
"""``pipeline().parameters.x`` and ``pipeline().globalParameters.x``: the scope each reads."""


def referenced(value: Any) -> list[tuple[str, str]]:
    """The ``(scope, name)`` pairs ``value`` reads, in order, once each.

    Raises :class:`ExpressionError` when ``value`` is a malformed expression.
    """
    found: list[tuple[str, str]] = []
    consumed: set[int] = set()
    for node in _nodes(_tree(value)):
        if id(node) in consumed:
            continue
        name = _property_name(node)
        target = getattr(node, "target", None)
        if name is not None:
            for scope in ("linkedService", "dataset", "item"):
                if _is_call(target, scope):
                    found.append((scope, name))
                    consumed.add(id(target))
            pipeline_member = str(_property_name(target)).lower()
            if pipeline_member in _PIPELINE_SCOPES and _is_call(
                getattr(target, "target", None), "pipeline"
            ):
                found.append((_PIPELINE_SCOPES[pipeline_member], name))
                consumed.add(id(target))
        for scope in ("variables", "activity"):
            if _is_call(node, scope, 1) and isinstance(node.args[0], _Literal):
                found.append((scope, str(node.args[0].value)))
        if _is_call(node, "item") and id(node) not in consumed:
            found.append(("item", ""))
    return list(dict.fromkeys(found))


# --- evaluation ----------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A value as interpolation and ``string()`` write it: text as is, numbers in their
    shortest form, ``True``/``False``, objects and arrays as JSON, null as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value)) if not math.isinf(value) else str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


class _ScopeObject:
    """What ``pipeline()`` gives: its parameters, and run properties not known here."""

    def __init__(self, parameters: Mapping[str, Any]) -> None:
        self.parameters = parameters


def _lookup(values: Mapping[str, Any], name: str) -> Any:
    if name in values:
        return values[name]
    lowered = name.lower()
    for key, value in values.items():
        if str(key).lower() == lowered:
            return value
    return _UNSET


class _Evaluator:
    def __init__(self, scope: Scope, text: str) -> None:
        self.scope = scope
        self.text = text

    def error(self, message: str) -> ExpressionError:
        return ExpressionError(message, self.text)

    def run(self, node: Any) -> Any:
        if isinstance(node, _Literal):
            return node.value
        if isinstance(node, _Interpolation):
            return "".join(p if isinstance(p, str) else as_text(self.run(p)) for p in node.parts)
        if isinstance(node, _Member):
            return self.member(node)
        if isinstance(node, _Index):
            return self.index(node)
        assert isinstance(node, _Call)
        return self.call(node)

    def _scope_call(self, node: _Call) -> Any:
        """``linkedService()``, ``dataset()``, ``item()``, ``pipeline()``, or _UNSET."""
        lowered = node.name.lower()
        if lowered in ("linkedservice", "dataset", "pipeline", "item") and node.args:
            raise self.error(f"{node.name}() takes no argument.")
        if lowered == "linkedservice":
            return self.scope.linked_service
        if lowered == "dataset":
            return self.scope.dataset
        if lowered == "pipeline":
            return _ScopeObject(self.scope.pipeline_parameters)
        if lowered == "item":
            if self.scope.item is _UNSET:
                raise MissingValue("item", "", self.text)
            return self.scope.item
        return _UNSET

    def member(self, node: _Member) -> Any:
        target = node.target
        # A parameter of a scope: its missing value is a MissingValue naming it.
        for scope_name, values in (
            ("linkedService", self.scope.linked_service),
            ("dataset", self.scope.dataset),
        ):
            if _is_call(target, scope_name):
                found = _lookup(values, node.name)
                if found is _UNSET:
                    raise MissingValue(scope_name, node.name, self.text)
                return found
        if _is_call(target, "item") and self.scope.item is _UNSET:
            raise MissingValue("item", node.name, self.text)
        base = self.run(target)
        if isinstance(base, _ScopeObject):
            if node.name.lower() == "parameters":
                return _PipelineParameters(base.parameters)
            raise CannotEvaluate(
                f"pipeline().{node.name} is known only in a pipeline run: give the value to use.",
                f"pipeline().{node.name}",
                self.text,
            )
        return self.property(base, node.name, node.safe)

    def property(self, base: Any, name: Any, safe: bool) -> Any:
        if isinstance(base, _PipelineParameters):
            found = _lookup(base.values, str(name))
            if found is _UNSET:
                raise MissingValue("pipeline", str(name), self.text)
            return found
        if base is None and safe:
            return None
        if isinstance(base, Mapping):
            found = _lookup(base, str(name))
            if found is _UNSET:
                if safe:
                    return None
                raise self.error(f"The object has no property '{name}'.")
            return found
        if safe:
            return None
        raise self.error(f"Property '{name}' of {_kind(base)} cannot be read.")

    def index(self, node: _Index) -> Any:
        key = self.run(node.index)
        if isinstance(key, str):
            if isinstance(node.target, _Call) and self._scope_call(node.target) is not _UNSET:
                return self.member(_Member(node.target, key, node.safe))
            return self.property(self.run(node.target), key, node.safe)
        base = self.run(node.target)
        if isinstance(key, bool) or not isinstance(key, int):
            raise self.error(f"An index must be a whole number or a name, not {as_text(key)!r}.")
        if base is None and node.safe:
            return None
        if isinstance(base, (list, str)):
            if 0 <= key < len(base):
                return base[key]
            if node.safe:
                return None
            raise self.error(f"Index {key} is outside the {len(base)} items.")
        raise self.error(f"{_kind(base).capitalize()} cannot be indexed.")

    def call(self, node: _Call) -> Any:
        found = self._scope_call(node)
        if found is not _UNSET:
            return found
        lowered = node.name.lower()
        if lowered == "variables":
            if len(node.args) != 1:
                raise self.error("variables() takes the variable's name.")
            name = self.run(node.args[0])
            value = _lookup(self.scope.variables, str(name))
            if value is _UNSET:
                raise MissingValue("variables", str(name), self.text)
            return value
        if lowered == "if":  # only the branch taken is evaluated
            if len(node.args) != 3:
                raise self.error("if() takes a condition and two values.")
            condition = self.run(node.args[0])
            if not isinstance(condition, bool):
                raise self.error(f"if() needs a boolean condition, not {_kind(condition)}.")
            return self.run(node.args[1] if condition else node.args[2])
        function = _BY_NAME.get(lowered)
        if function is None:
            if lowered in _NOT_HERE_BY_NAME:
                name, why = _NOT_HERE_BY_NAME[lowered]
                raise CannotEvaluate(
                    f"{name}() cannot be evaluated here ({why}): give the value to use.",
                    name,
                    self.text,
                )
            raise CannotEvaluate(
                f"The function {node.name}() cannot be evaluated here: give the value to use.",
                node.name,
                self.text,
            )
        args = [self.run(a) for a in node.args]
        low, high = function.arity
        if len(args) < low or (high is not None and len(args) > high):
            raise self.error(f"{function.name}() takes {_arity(function.arity)}.")
        try:
            return function.apply(*args)
        except _Refused as exc:
            raise self.error(f"{function.name}(): {exc}") from None


class _PipelineParameters:
    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values


class _Refused(Exception):
    """A function's argument it cannot take (the evaluator names the function)."""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return "a value"


def _arity(arity: tuple[int, int | None]) -> str:
    low, high = arity
    if high is None:
        return f"at least {low} argument{'s' if low != 1 else ''}"
    if low == high:
        return f"{low} argument{'s' if low != 1 else ''}"
    return f"{low} to {high} arguments"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Refused(f"needs a text, not {_kind(value)}")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Refused(f"needs a number, not {_kind(value)}")
    if isinstance(value, float) and not value.is_integer():
        raise _Refused(f"needs a whole number, not {value}")
    return int(value)


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Refused(f"needs a number, not {_kind(value)}")
    return value


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise _Refused("cannot convert a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _Refused(f"{value} is not a whole number")
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise _Refused(f"{value!r} is not a whole number") from None
    raise _Refused(f"cannot convert {_kind(value)}")


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise _Refused("cannot convert a boolean")
    try:
        result = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise _Refused(f"{as_text(value)!r} is not a number") from None
    if not math.isfinite(result):
        raise _Refused(f"{as_text(value)!r} is not a finite number")
    return result


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _Refused(f"{as_text(value)!r} is neither true nor false")


def _substring(text: Any, start: Any, length: Any = None) -> str:
    value = _text(text)
    begin = _integer(start)
    count = len(value) - begin if length is None else _integer(length)
    if begin < 0 or count < 0 or begin + count > len(value):
        raise _Refused(
            f"start {begin} and length {count} go beyond the text's {len(value)} characters"
        )
    return value[begin : begin + count]


def _replace(text: Any, old: Any, new: Any) -> str:
    if _text(old) == "":
        raise _Refused("the text to replace is empty")
    return _text(text).replace(old, _text(new))


def _equals(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(a == b)


def _compare(a: Any, b: Any) -> int:
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    x, y = _number(a), _number(b)
    return (x > y) - (x < y)


def _length(value: Any) -> int:
    if isinstance(value, (str, list)):
        return len(value)
    raise _Refused(f"needs a text or an array, not {_kind(value)}")


def _contains(collection: Any, value: Any) -> bool:
    if isinstance(collection, str):
        return _text(value) in collection
    if isinstance(collection, list):
        return value in collection
    if isinstance(collection, Mapping):
        return _lookup(collection, _text(value)) is not _UNSET
    raise _Refused(f"needs a text, an array or an object, not {_kind(collection)}")


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, list, Mapping)):
        return len(value) == 0
    raise _Refused(f"needs a text, an array or an object, not {_kind(value)}")


def _divide(a: Any, b: Any) -> int | float:
    x, y = _number(a), _number(b)
    if y == 0:
        raise _Refused("division by zero")
    if isinstance(x, int) and isinstance(y, int):
        return int(x / y)  # ADF divides whole numbers to a whole number, toward zero
    return x / y


def _modulo(a: Any, b: Any) -> int | float:
    x, y = _number(a), _number(b)
    if y == 0:
        raise _Refused("division by zero")
    return math.fmod(x, y) if isinstance(x, float) or isinstance(y, float) else int(math.fmod(x, y))


def _json(value: Any) -> Any:
    try:
        return json_limits.loads(_text(value))
    except json_limits.JsonRefused as exc:
        raise _Refused(f"the text is not JSON ({exc})") from None


def _join(items: Any, separator: Any) -> str:
    if not isinstance(items, list):
        raise _Refused(f"needs an array, not {_kind(items)}")
    return _text(separator).join(as_text(i) for i in items)


def _first(value: Any) -> Any:
    if isinstance(value, (str, list)):
        return value[0] if value else None
    raise _Refused(f"needs a text or an array, not {_kind(value)}")


def _last(value: Any) -> Any:
    if isinstance(value, (str, list)):
        return value[-1] if value else None
    raise _Refused(f"needs a text or an array, not {_kind(value)}")


@dataclass(frozen=True)
class Function:
    name: str
    arity: tuple[int, int | None]
    apply: Callable[..., Any]
    summary: str


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("concat", (1, None), lambda *a: "".join(as_text(x) for x in a), "joins texts"),
        Function("toLower", (1, 1), lambda t: _text(t).lower(), "lower case"),
        Function("toUpper", (1, 1), lambda t: _text(t).upper(), "upper case"),
        Function("trim", (1, 1), lambda t: _text(t).strip(), "without leading/trailing space"),
        Function("replace", (3, 3), _replace, "every occurrence replaced (case-sensitive)"),
        Function("substring", (2, 3), _substring, "part of a text (start, length)"),
        Function(
            "startsWith",
            (2, 2),
            lambda t, p: _text(t).lower().startswith(_text(p).lower()),
            "case-insensitive",
        ),
        Function(
            "endsWith",
            (2, 2),
            lambda t, p: _text(t).lower().endswith(_text(p).lower()),
            "case-insensitive",
        ),
        Function(
            "indexOf",
            (2, 2),
            lambda t, p: _text(t).lower().find(_text(p).lower()),
            "case-insensitive, -1 when absent",
        ),
        Function(
            "lastIndexOf",
            (2, 2),
            lambda t, p: _text(t).lower().rfind(_text(p).lower()),
            "case-insensitive, -1 when absent",
        ),
        Function(
            "split",
            (2, 2),
            lambda t, s: _text(t).split(_text(s)) if s else _refuse("empty separator"),
            "an array of parts",
        ),
        Function("join", (2, 2), _join, "an array's items joined"),
        Function("string", (1, 1), as_text, "as text"),
        Function("int", (1, 1), _to_int, "as a whole number"),
        Function("float", (1, 1), _to_float, "as a number"),
        Function("bool", (1, 1), _to_bool, "as a boolean"),
        Function("json", (1, 1), _json, "a JSON text as a value"),
        Function(
            "coalesce",
            (1, None),
            lambda *a: next((x for x in a if x is not None), None),
            "the first value that is not null",
        ),
        Function("if", (3, 3), lambda c, a, b: a if c else b, "one of two values"),
        Function("equals", (2, 2), _equals, "whether two values are equal"),
        Function("not", (1, 1), lambda b: not _boolean(b), "negation"),
        Function("and", (2, None), lambda *a: all(_boolean(x) for x in a), "all true"),
        Function("or", (2, None), lambda *a: any(_boolean(x) for x in a), "any true"),
        Function("greater", (2, 2), lambda a, b: _compare(a, b) > 0, "a > b"),
        Function("greaterOrEquals", (2, 2), lambda a, b: _compare(a, b) >= 0, "a >= b"),
        Function("less", (2, 2), lambda a, b: _compare(a, b) < 0, "a < b"),
        Function("lessOrEquals", (2, 2), lambda a, b: _compare(a, b) <= 0, "a <= b"),
        Function("empty", (1, 1), _empty, "whether null, empty text, array or object"),
        Function("length", (1, 1), _length, "characters of a text, items of an array"),
        Function("contains", (2, 2), _contains, "whether a text, array or object holds a value"),
        Function("first", (1, 1), _first, "the first item or character"),
        Function("last", (1, 1), _last, "the last item or character"),
        Function("add", (2, 2), lambda a, b: _number(a) + _number(b), "a + b"),
        Function("sub", (2, 2), lambda a, b: _number(a) - _number(b), "a - b"),
        Function("mul", (2, 2), lambda a, b: _number(a) * _number(b), "a * b"),
        Function("div", (2, 2), _divide, "a / b (whole numbers: toward zero)"),
        Function("mod", (2, 2), _modulo, "remainder of a / b"),
    )
}
"""The functions evaluated here, by ADF's spelling."""

_BY_NAME = {name.lower(): f for name, f in FUNCTIONS.items()}

NOT_HERE: dict[str, str] = {
    "utcnow": "the time of the run",
    "utcNow": "the time of the run",
    "formatDateTime": "a .NET date format of a run's time",
    "addDays": "date arithmetic of a run's time",
    "addHours": "date arithmetic of a run's time",
    "addMinutes": "date arithmetic of a run's time",
    "addSeconds": "date arithmetic of a run's time",
    "addToTime": "date arithmetic of a run's time",
    "subtractFromTime": "date arithmetic of a run's time",
    "getPastTime": "the time of the run",
    "getFutureTime": "the time of the run",
    "startOfDay": "date arithmetic of a run's time",
    "startOfHour": "date arithmetic of a run's time",
    "startOfMonth": "date arithmetic of a run's time",
    "dayOfMonth": "date arithmetic of a run's time",
    "dayOfWeek": "date arithmetic of a run's time",
    "dayOfYear": "date arithmetic of a run's time",
    "convertTimeZone": "time zones of a run's time",
    "convertFromUtc": "time zones of a run's time",
    "convertToUtc": "time zones of a run's time",
    "ticks": "a run's time",
    "guid": "a new value each run",
    "rand": "a new value each run",
    "activity": "an activity's output exists only in a pipeline run",
    "trigger": "a trigger's values exist only in a run it starts",
    "triggerBody": "a trigger's values exist only in a run it starts",
    "triggerOutputs": "a trigger's values exist only in a run it starts",
    "globalParameters": "the factory's global parameters are not held here",
}
"""Functions ADF knows that depend on the run; refused here with the reason."""

_NOT_HERE_BY_NAME = {name.lower(): (name, why) for name, why in NOT_HERE.items()}
_NOT_HERE_BY_NAME["utcnow"] = ("utcNow", NOT_HERE["utcNow"])


def _refuse(message: str) -> Any:
    raise _Refused(message)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Refused(f"needs a boolean, not {_kind(value)}")
    return value


def evaluate(value: Any, scope: Scope | None = None) -> Any:
    """What ADF computes for ``value`` with the values of ``scope``.

    Raises :class:`ExpressionError` (malformed, or a value a function cannot take),
    :class:`CannotEvaluate` (a function or scope not evaluated here) or
    :class:`MissingValue` (a parameter with no value in ``scope``).
    """
    scope = scope or Scope()
    tree = _tree(value)
    if isinstance(tree, _Literal) and not is_expression(value):
        return literal(value)
    text = expression_text(value) if is_expression_object(value) else str(value)
    result = _Evaluator(scope, text).run(tree)
    if isinstance(result, (_ScopeObject, _PipelineParameters)):
        raise ExpressionError("pipeline() is an object, not a value: read a parameter of it.", text)
    return result


def evaluate_all(node: Any, scope: Scope | None = None) -> Any:
    """A copy of the JSON tree ``node`` with every expression in it evaluated."""
    if is_expression(node) or isinstance(node, str):
        return evaluate(node, scope)
    if isinstance(node, dict):
        return {key: evaluate_all(value, scope) for key, value in node.items()}
    if isinstance(node, list):
        return [evaluate_all(value, scope) for value in node]
    return node


# --- where given values land ---------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """Characters ``start:end`` of a result's text that came from values of the scope
    (``sources``: their ``(scope, name)`` pairs, as :func:`referenced` names them) rather
    than from the expression. ``kind`` is what the piece is the text of: ``"number"``,
    ``"boolean"`` or ``"text"``."""

    start: int
    end: int
    sources: tuple[tuple[str, str], ...]
    kind: str


@dataclass(frozen=True)
class Traced:
    """What :func:`evaluate_traced` found: the value, and the pieces of its text
    (:func:`as_text`) that came from the scope's values."""

    value: Any
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return as_text(self.value)


class ValueRefused(ExpressionError):
    """A given value that cannot be put where the expression puts it (a query's text:
    see the connector's ``place_values``); ``line``/``column`` are 1-based, 0 unknown."""

    def __init__(self, message: str, *, line: int = 0, column: int = 0) -> None:
        super().__init__(message + (f" (line {line}, column {column})" if line else ""))
        self.message = message
        self.line = line
        self.column = column


def describe_reference(scope: str, name: str) -> str:
    """``pipeline().parameters.day``, ``variables('x')``, ``item().name`` ..."""
    return _describe_reference(scope, name)


@dataclass(frozen=True)
class _Origin:
    sources: frozenset[tuple[str, str]]
    kind: str


_Chars = list[_Origin | None]
_SCOPE_CALLS = ("linkedService", "dataset", "item")
_KEEP_PROVENANCE = frozenset({"concat", "string", "tolower", "toupper", "trim"})
_SLICES = frozenset({"substring", "first", "last"})


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "text"


class _Tracer(_Evaluator):
    """The evaluator, noting for each node which values of the scope its result came
    from: per character for a text, as a whole for any other value. Functions that only
    join, convert or cut texts (concat, interpolation, string, toLower, toUpper, trim,
    substring, first, last, replace, join) keep each character's origin; any other
    function's result comes, as a whole, from every value its arguments came from."""

    def __init__(self, scope: Scope, text: str) -> None:
        super().__init__(scope, text)
        self.values: dict[int, Any] = {}
        self.traces: dict[int, _Origin | _Chars] = {}

    def run(self, node: Any) -> Any:
        value = super().run(node)
        self.values[id(node)] = value
        trace = self._trace(node, value)
        if trace is not None:
            self.traces[id(node)] = trace
        return value

    def chars(self, node: Any) -> _Chars:
        value = self.values[id(node)]
        trace = self.traces.get(id(node))
        size = len(as_text(value))
        if isinstance(trace, list):
            return trace
        if trace is None:
            return [None] * size
        return [_Origin(trace.sources, _value_kind(value))] * size

    def _whole(self, value: Any, nodes: Any) -> _Origin | None:
        sources: set[tuple[str, str]] = set()
        for node in nodes:
            trace = self.traces.get(id(node))
            if isinstance(trace, _Origin):
                sources |= trace.sources
            elif trace is not None:
                sources.update(s for origin in trace if origin for s in origin.sources)
        return _Origin(frozenset(sources), _value_kind(value)) if sources else None

    def _trace(self, node: Any, value: Any) -> _Origin | _Chars | None:
        if isinstance(node, _Literal):
            return None
        if isinstance(node, _Interpolation):
            chars: _Chars = []
            for part in node.parts:
                chars += [None] * len(part) if isinstance(part, str) else self.chars(part)
            return chars if any(chars) else None
        if isinstance(node, (_Member, _Index)):
            read = self._scope_read(node)
            if read is not None:
                return _Origin(frozenset({read}), _value_kind(value))
            parts = [node.target] + ([node.index] if isinstance(node, _Index) else [])
            return self._whole(value, parts)
        assert isinstance(node, _Call)
        return self._call(node, value)

    def _scope_read(self, node: _Member | _Index) -> tuple[str, str] | None:
        if isinstance(node, _Member):
            name: Any = node.name
        else:
            name = self.values.get(id(node.index))
            if not isinstance(name, str):
                return None
        for scope in _SCOPE_CALLS:
            if _is_call(node.target, scope):
                return scope, name
        if isinstance(self.values.get(id(node.target)), _PipelineParameters):
            return "pipeline", name
        return None

    def _call(self, node: _Call, value: Any) -> _Origin | _Chars | None:
        lowered = node.name.lower()
        args = node.args
        if lowered == "variables":
            return _Origin(frozenset({("variables", str(self.values[id(args[0])]))}), "text")
        if lowered == "item" and not args:
            return _Origin(frozenset({("item", "")}), _value_kind(value))
        if lowered in ("linkedservice", "dataset", "pipeline"):
            return None
        if lowered == "if":
            return self.traces.get(id(args[1] if self.values[id(args[0])] else args[2]))
        if lowered == "coalesce":
            chosen = next((a for a in args if self.values.get(id(a)) is not None), None)
            return self.traces.get(id(chosen)) if chosen is not None else None
        if isinstance(value, str) and lowered in _KEEP_PROVENANCE | _SLICES | {"replace"}:
            chars = self._text_chars(lowered, args, value)
            if chars is not None:
                return chars if any(chars) else None
        if isinstance(value, str) and lowered == "join":
            return self._join_chars(args)
        return self._whole(value, args)

    def _text_chars(self, lowered: str, args: tuple[Any, ...], value: str) -> _Chars | None:
        """Each character's origin for the text functions, or None (then: as a whole)."""
        if lowered == "concat":
            return [c for a in args for c in self.chars(a)]
        if lowered == "string":  # the value's text: a number's stays a number's
            return self.chars(args[0])
        source = self.values[id(args[0])]
        chars = self.chars(args[0])
        if lowered == "replace":
            return self._replace_chars(args, source, chars)
        if not isinstance(source, str) or len(chars) != len(source):
            return None
        if lowered in ("tolower", "toupper"):
            return chars if len(value) == len(chars) else None
        if lowered == "trim":
            left = len(source) - len(source.lstrip())
            return chars[left : left + len(value)]
        start = {"first": 0, "last": len(source) - len(value)}.get(lowered)
        if start is None:  # substring
            start = int(self.values[id(args[1])])
        return [
            _Origin(c.sources, "text") if c else None for c in chars[start : start + len(value)]
        ]

    def _replace_chars(self, args: tuple[Any, ...], source: Any, chars: _Chars) -> _Chars | None:
        old, new = self.values[id(args[1])], self.values[id(args[2])]
        if not isinstance(source, str) or not isinstance(old, str) or not isinstance(new, str):
            return None
        new_chars = self.chars(args[2])
        out: _Chars = []
        at = 0
        while (found := source.find(old, at)) >= 0:
            out += chars[at:found]
            matched = {s for c in chars[found : found + len(old)] if c for s in c.sources}
            out += [
                _Origin(frozenset(matched | (c.sources if c else set())), "text")
                if matched or c
                else None
                for c in new_chars
            ]
            at = found + len(old)
        return out + chars[at:]

    def _join_chars(self, args: tuple[Any, ...]) -> _Chars:
        items = self.values[id(args[0])]
        whole = self.traces.get(id(args[0]))
        separator = self.chars(args[1])
        out: _Chars = []
        for index, item in enumerate(items):
            if index:
                out += separator
            origin = _Origin(whole.sources, "text") if isinstance(whole, _Origin) else None
            out += [origin] * len(as_text(item))
        return out


def _pieces(chars: _Chars) -> tuple[Piece, ...]:
    """Runs of characters that came from values (next to each other: one piece)."""
    pieces: list[Piece] = []
    at = 0
    while at < len(chars):
        if chars[at] is None:
            at += 1
            continue
        end = at
        while end < len(chars) and chars[end] is not None:
            end += 1
        run = [c for c in chars[at:end] if c is not None]
        kinds = {c.kind for c in run}
        sources = sorted({s for c in run for s in c.sources})
        pieces.append(Piece(at, end, tuple(sources), kinds.pop() if len(kinds) == 1 else "text"))
        at = end
    return tuple(pieces)


def evaluate_traced(value: Any, scope: Scope | None = None) -> Traced:
    """:func:`evaluate`, and which pieces of the result's text came from ``scope``'s
    values (a test value pasted into a query is a piece of it)."""
    scope = scope or Scope()
    tree = _tree(value)
    if isinstance(tree, _Literal) and not is_expression(value):
        return Traced(literal(value), ())
    text = expression_text(value) if is_expression_object(value) else str(value)
    tracer = _Tracer(scope, text)
    result = tracer.run(tree)
    if isinstance(result, (_ScopeObject, _PipelineParameters)):
        raise ExpressionError("pipeline() is an object, not a value: read a parameter of it.", text)
    return Traced(result, _pieces(tracer.chars(tree)))
