"""Background work: reads on a small pool, writes on one serialising worker (STYLE A1, B5).

Callables run on worker threads and must not touch Qt widgets (they may only use values
they were given, e.g. a ``Database``, and ``ProgressState``). Their ``Future`` is handed
back to the GUI thread through a queued signal, where the caller's callback runs.

``run_query`` and ``run_op`` are the two builders screens use (Anki's ``QueryOp`` and
``CollectionOp``): one read through a read-only ``Reader`` (``core.services.store``),
or one write through a service's write door with a delayed progress dialog, then
``AppBus.changes_applied``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from core.changes import Changes
from core.errors import OperationCancelledError, RiskDeskError
from core.progress import ProgressState
from desktop import collector

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from core.services.store import Reader
    from desktop.context import DesktopContext

T = TypeVar("T")
THREAD_PREFIX = "riskdesk-"
"""Worker thread names start with this; tests fail if such a thread outlives a test."""

_running = threading.local()  # the ProgressState of the op running on this worker


def report_wait(message: str) -> None:
    """``Database.on_wait`` of the window: the write that waits for another writer (a
    settlement or import from another process) says so in its progress dialog. Called
    on the write worker by the write door; the dialog's Cancel stops the wait."""
    from desktop.i18n import translate

    progress: ProgressState | None = getattr(_running, "progress", None)
    if progress is not None:
        text = translate("Faults", "Waiting for another writer: %1").replace("%1", message)
        progress.report(text, 0, None)


class TaskManager(QObject):
    """Runs callables off the GUI thread and calls back on the GUI thread.

    Create and use it on the GUI thread. ``idle`` is emitted (queued, on the GUI thread)
    whenever the last pending task's callback has run.
    """

    idle = Signal()
    _future_done = Signal(object)

    def __init__(self, parent: QObject | None = None, *, read_workers: int = 2) -> None:
        super().__init__(parent)
        self._reads = ThreadPoolExecutor(read_workers, thread_name_prefix=f"{THREAD_PREFIX}read")
        self._writes = ThreadPoolExecutor(1, thread_name_prefix=f"{THREAD_PREFIX}write")
        # Callbacks and owners by future, held here only: a reference to a screen inside
        # the future (its done-callback) would be dropped with the future by the worker
        # thread, and a screen whose last reference dies there is destroyed off the GUI
        # thread (a crash). The worker side sees the future alone.
        self._pending: dict[Future[Any], tuple[Callable[[Future[Any]], None], Any]] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._future_done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        collector.watch(self)  # cycles collected on this thread while no task runs

    def submit(
        self,
        fn: Callable[[], T],
        on_done: Callable[[Future[T]], None],
        *,
        writes: bool = False,
        owner: QObject | None = None,
    ) -> Future[T]:
        """Run ``fn`` on a worker; call ``on_done(future)`` on the GUI thread afterwards.

        ``writes=True`` uses the single write worker, so writes never overlap. When
        ``owner`` is given and has been deleted by the time ``fn`` finishes, ``on_done`` is
        skipped (the screen that asked is gone).
        """
        if self._closed:
            raise RuntimeError("TaskManager is shut down")
        pool = self._writes if writes else self._reads
        with self._lock:
            future = pool.submit(fn)
            self._pending[future] = (on_done, owner)  # before any worker can finish it
        future.add_done_callback(self._future_done.emit)
        return future

    def _deliver(self, future: Future[Any]) -> None:
        with self._lock:
            on_done, owner = self._pending.pop(future)
            now_idle = not self._pending
        try:
            if not self._closed and (owner is None or shiboken6.isValid(owner)):
                on_done(future)
        finally:
            if now_idle:
                self.idle.emit()

    @property
    def is_idle(self) -> bool:
        """No task is running or waiting for its callback."""
        with self._lock:
            return not self._pending

    def wait_idle(self, timeout: float | None = 10.0) -> None:
        """Block until running tasks have finished (their callbacks still run later)."""
        with self._lock:
            pending = set(self._pending)
        wait(pending, timeout=timeout)

    def shutdown(self) -> None:
        """Cancel queued tasks, wait for running ones, stop the worker threads."""
        self._closed = True
        self._reads.shutdown(wait=True, cancel_futures=True)
        self._writes.shutdown(wait=True, cancel_futures=True)
        collector.forget(self)

    @property
    def is_closed(self) -> bool:
        return self._closed


# ------------------------------------------------------------------------- builders
def run_query(
    ctx: DesktopContext,
    query: Callable[[Reader], T],
    on_success: Callable[[T], None],
    *,
    owner: QObject | None = None,
    on_failure: Callable[[RiskDeskError], None] | None = None,
) -> Future[T]:
    """Run a read-only ``query(reader)`` on a worker, then ``on_success(result)``.

    The query gets its own ``Reader`` (``Database.reader()``: one session, writes
    refused), closed when it returns; it calls read services and must return plain
    values (DataFrames, frozen dataclasses), never ORM objects. A ``RiskDeskError`` goes to
    ``on_failure`` (default: an error dialog over ``owner``); any other exception is
    re-raised on the GUI thread, where the global excepthook reports it.
    """
    db = ctx.db

    def job() -> T:
        with db.reader() as reader:
            return query(reader)

    def done(future: Future[T]) -> None:
        try:
            result = future.result()
        except CancelledError:
            return
        except RiskDeskError as exc:
            if on_failure is not None:
                on_failure(exc)
            else:
                from desktop.widgets.error_view import show_error

                show_error(owner if _is_widget(owner) else None, exc)  # type: ignore[arg-type]
            return
        on_success(result)

    return ctx.tasks.submit(job, done, owner=owner)


def run_op(
    ctx: DesktopContext,
    parent: QWidget | None,
    label: str,
    op: Callable[[ProgressState], tuple[T, Changes]],
    on_success: Callable[[T], None],
) -> Future[tuple[T, Changes]]:
    """Run a mutating ``op(progress)`` on the write worker with a delayed progress dialog.

    The op calls a write service, which owns its transaction and its audit entry
    (``core.services.store.write``), and returns ``(result, changes)``. On success:
    ``on_success(result)``, then ``bus.changes_applied(changes, parent)``. Cancelling is
    silent; a ``RiskDeskError`` is shown in an error dialog; anything else reaches the
    excepthook.
    """
    from desktop.progress_dialog import ProgressDialog
    from desktop.widgets.error_view import show_error

    progress = ProgressState()
    dialog = ProgressDialog.delayed(parent, label, progress)

    def done(future: Future[tuple[T, Changes]]) -> None:
        dialog.finish()
        try:
            result, changes = future.result()
        except (CancelledError, OperationCancelledError):
            return
        except RiskDeskError as exc:
            show_error(parent, exc)
            return
        on_success(result)
        ctx.bus.changes_applied.emit(changes, parent)

    def job() -> tuple[T, Changes]:
        _running.progress = progress
        try:
            return op(progress)
        finally:
            _running.progress = None

    return ctx.tasks.submit(job, done, writes=True)


class ProgressQuery:
    """One long read at a time for a section of a screen, with a delayed progress
    dialog and Cancel (the Stress screen's grid and safe ranges): a new ``start``
    cancels the running one (it stops at its next progress report) and a superseded
    run's result or error is dropped. GUI thread only."""

    def __init__(self, ctx: DesktopContext, owner: QWidget) -> None:
        self._ctx = ctx
        self._owner = owner
        self._generation = 0
        self._running = False
        self._dialog: Any = None
        self._progress: ProgressState | None = None

    @property
    def running(self) -> bool:
        return self._running

    def start(
        self,
        label: str,
        query: Callable[[Reader, ProgressState], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[RiskDeskError], None],
    ) -> None:
        """Run ``query(reader, progress)`` on a worker, then ``on_success(result)`` or
        ``on_failure(error)`` (``OperationCancelledError`` when cancelled), unless
        another ``start`` came meanwhile."""
        from desktop.progress_dialog import ProgressDialog

        self._generation += 1
        generation = self._generation
        self._finish()
        progress = ProgressState()
        self._progress = progress
        self._dialog = ProgressDialog.delayed(self._owner, label, progress)
        self._running = True

        def current() -> bool:
            if generation != self._generation:
                return False
            self._finish()
            self._running = False
            return True

        def done(result: T) -> None:
            if current():
                on_success(result)

        def failed(exc: RiskDeskError) -> None:
            if current():
                on_failure(exc)

        run_query(
            self._ctx,
            lambda reader: query(reader, progress),
            done,
            owner=self._owner,
            on_failure=failed,
        )

    def _finish(self) -> None:
        if self._dialog is not None:
            if self._progress is not None and self._running:
                self._progress.cancel()  # a superseded run stops at its next report
            self._dialog.finish()
        self._dialog, self._progress = None, None


def _is_widget(obj: object) -> bool:
    from PySide6.QtWidgets import QWidget

    return isinstance(obj, QWidget)
