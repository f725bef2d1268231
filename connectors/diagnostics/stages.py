"""The staged runner shared by every connector's connection test.

A test is a list of named stages run in order. Each records its status (passed, failed,
skipped), its duration and a detail line; a failure also gets what was observed and what to
change (the connector's advice). The run stops at the first failure that stops it, then
skips, saying so, every stage not run. :meth:`StageRunner.run` times the whole test and
calls the connector's ``cleanup`` whatever happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from enum import Enum
from typing import Any, ClassVar, Generic, Protocol, TypeVar


class StageStatus(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


class NamedStage(Protocol):
    """A stage as the runner knows it: a member of a connector's ``Stage`` enum, or anything
    else with the stage's name as ``value``."""

    @property
    def value(self) -> str: ...


@dataclass
class StageResult:
    name: str
    status: StageStatus
    duration_ms: float
    detail: str = ""
    observed: str | None = None
    change: str | None = None


NOT_REPORTED = {"reported": False}
"""Field metadata: a field of a report that :meth:`StageReport.to_dict` leaves out."""


@dataclass
class StageReport:
    """The stages of one test. A connector's report derives from it, adding what its test
    learnt about the server; its dict shows ``ok``, ``stages``, those fields in their order,
    then the fields named in ``LAST`` (the total time)."""

    __test__ = False  # not a pytest test class
    LAST: ClassVar[tuple[str, ...]] = ("total_ms",)

    ok: bool = False
    stages: list[StageResult] = field(default_factory=list)
    total_ms: float = 0.0

    def stage(self, name: NamedStage | str) -> StageResult:
        wanted = name.value if isinstance(name, Enum) or not isinstance(name, str) else name
        return next(s for s in self.stages if s.name == wanted)

    @property
    def first_failure(self) -> StageResult | None:
        return next((s for s in self.stages if s.status == StageStatus.FAILED), None)

    def finish(self, total_ms: float) -> None:
        self.ok = self.first_failure is None
        self.total_ms = round(total_ms, 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (str, numbers, lists, dicts; dates in ISO form), field by field."""
        data = _plain(self)
        assert isinstance(data, dict)
        for name in self.LAST:
            data[name] = data.pop(name)
        return data


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in fields(value)
            if f.metadata.get("reported", True)
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class StageFailed(Exception):
    """A stage failed and the test stops (the report says why)."""


class StageProblem(Exception):
    """A stage's own verdict: what was observed, and what to change."""

    def __init__(self, observed: str, change: str) -> None:
        super().__init__(observed)
        self.observed = observed
        self.change = change


Advice = tuple[str | None, str | None]
"""What was observed and what to change, for a failed stage's report."""


Report = TypeVar("Report", bound=StageReport)


class StageRunner(Generic[Report]):
    """Runs one test's stages into ``report``. A connector's runner subclasses it: it gives
    ``stage_order`` (every stage a test can have), ``advise`` (its advice for a failure) and
    ``cleanup`` (what to close after the test), and runs its stages in :meth:`stage`."""

    def __init__(self, report: Report) -> None:
        self.report = report

    # -- what a connector gives ----------------------------------------------------
    def stage_order(self) -> Iterable[NamedStage]:
        raise NotImplementedError

    def advise(self, stage: NamedStage, exc: BaseException, *, first: bool, **hints: Any) -> Advice:
        """Observed and change for a failure (``first``: the test's first; ``hints``: what
        the stage learnt that explains it). None, None for none."""
        return None, None

    def cleanup(self) -> None:
        """Close what the stages opened; runs after every test, passed or not."""

    # -- the run ---------------------------------------------------------------------
    def run(self, stages: Callable[[], None]) -> None:
        """Run ``stages`` (the connector's stages, in order), then clean up, skip the
        stages not run, and set the report's verdict and total time."""
        started = time.perf_counter()
        try:
            stages()
        except StageFailed:
            pass
        finally:
            self.cleanup()
            self.skip_remaining()
        self.report.finish(elapsed_ms(started))

    def record(self, stage: NamedStage, status: StageStatus, ms: float, detail: str) -> StageResult:
        result = StageResult(stage.value, status, round(ms, 1), detail)
        self.report.stages.append(result)
        return result

    def skip(self, stage: NamedStage, why: str) -> None:
        self.record(stage, StageStatus.SKIPPED, 0.0, why)

    def fail(self, stage: NamedStage, ms: float, exc: BaseException, **hints: Any) -> StageResult:
        """Record ``stage`` as failed by ``exc``, with the connector's advice."""
        first = self.report.first_failure is None
        result = self.record(stage, StageStatus.FAILED, ms, one_line(exc))
        observed, change = self.advise(stage, exc, first=first, **hints)
        if observed is not None or change is not None:
            result.observed, result.change = observed, change
        return result

    def fail_with(self, stage: NamedStage, ms: float, problem: StageProblem) -> StageResult:
        result = self.record(stage, StageStatus.FAILED, ms, problem.observed)
        result.observed, result.change = problem.observed, problem.change
        return result

    @contextmanager
    def stage(self, stage: NamedStage, *, stop: bool = True) -> Iterator[list[str]]:
        """Time a stage; the body appends its detail lines to the yielded list. A failure
        ends in the report and stops the test (a :class:`StageProblem` only when ``stop``)."""
        detail: list[str] = []
        started = time.perf_counter()
        try:
            yield detail
        except StageFailed:
            raise
        except StageProblem as problem:
            self.fail_with(stage, elapsed_ms(started), problem)
            if stop:
                raise StageFailed from problem
            return
        except Exception as exc:  # every failure, even unexpected, ends in the report
            self.fail(stage, elapsed_ms(started), exc)
            raise StageFailed from exc
        self.record(stage, StageStatus.PASSED, elapsed_ms(started), "; ".join(detail))

    def skip_remaining(self) -> None:
        done = {s.name for s in self.report.stages}
        for stage in self.stage_order():
            if stage.value not in done:
                self.skip(stage, "not run: an earlier stage failed")


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a :func:`time.perf_counter` reading)."""
    return (time.perf_counter() - started) * 1000


def one_line(exc: BaseException) -> str:
    """An exception as one line of at most 500 characters."""
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:500]


__all__ = [
    "NOT_REPORTED",
    "Advice",
    "NamedStage",
    "StageFailed",
    "StageProblem",
    "StageReport",
    "StageResult",
    "StageRunner",
    "StageStatus",
    "elapsed_ms",
    "one_line",
]
