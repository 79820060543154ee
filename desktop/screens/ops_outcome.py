"""The outcome of an operation whose refusal or cancel the screen itself must show.

``run_op`` shows a ``RiskDeskError`` in a message box and drops a cancel silently. The
settlement and imports screens show both inline instead (the list of every problem, or
"cancelled, rolled back"), so their ops run through ``capture``: the expected failures
are caught on the worker thread, *after* the service's transaction has rolled back, and
come back as an ``OpOutcome`` value. Unexpected exceptions still propagate to the
excepthook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.changes import Changes
from core.errors import InputError, OperationCancelledError, RiskDeskError, ValidationErrors
from core.progress import ProgressState, ProgressStep

T = TypeVar("T")


@dataclass(frozen=True)
class OpOutcome(Generic[T]):
    """Exactly one of: ``value`` (success), ``errors`` (refused), ``cancelled``."""

    value: T | None = None
    errors: tuple[InputError, ...] = ()
    message: str = ""
    cancelled: bool = False

    @property
    def succeeded(self) -> bool:
        return not self.cancelled and not self.errors and not self.message

    @property
    def refused(self) -> bool:
        return bool(self.errors or self.message)


def errors_of(exc: RiskDeskError) -> tuple[InputError, ...]:
    """The InputErrors an error stands for (a plain RiskDeskError becomes one, no place)."""
    if isinstance(exc, ValidationErrors):
        return tuple(exc.errors)
    if isinstance(exc, InputError):
        return (exc,)
    return (InputError(str(exc)),)


def capture(
    op: Callable[[ProgressState], tuple[T, Changes]],
) -> Callable[[ProgressState], tuple[OpOutcome[T], Changes]]:
    """Wrap ``op`` for ``run_op``: refusals and cancels become values, with no changes.

    Worker thread. The wrapped op has already left its ``sessions.begin()`` block when
    the exception reaches here, so nothing it wrote is kept.
    """

    def wrapped(progress: ProgressState) -> tuple[OpOutcome[T], Changes]:
        try:
            value, changes = op(progress)
        except OperationCancelledError:
            return OpOutcome(cancelled=True), Changes.none()
        except RiskDeskError as exc:
            return OpOutcome(errors=errors_of(exc), message=str(exc)), Changes.none()
        return OpOutcome(value=value), changes

    return wrapped


class StageNamedProgress(ProgressState):
    """A ``ProgressState`` for a service that reports stage keys ("read", "write"): it
    records them under display names in ``inner``, which the progress dialog polls.

    ``names`` is built on the GUI thread (translated there); the worker only looks it up.
    Cancelling either object cancels the operation.
    """

    def __init__(self, inner: ProgressState, names: Mapping[str, str]) -> None:
        super().__init__()
        self._inner = inner
        self._names = dict(names)

    def report(self, stage: str, done: int, total: int | None = None) -> None:
        self._inner.report(self._names.get(stage, stage), done, total)

    def check_cancelled(self) -> None:
        self._inner.check_cancelled()

    def latest(self) -> ProgressStep:
        return self._inner.latest()

    def cancel(self) -> None:
        self._inner.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self._inner.is_cancelled
