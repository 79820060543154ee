"""Write actions the desk's role may not start are disabled, and say why (server mode,
issue #14).

A screen lists its write actions and the buttons and menu actions that start them
(``Screen.role_gates``); ``gate`` disables each one the login's role may not use
(``core.access.Identity.may``) and puts the reason in its tooltip. The screens' own
enabling logic (a selection, a loaded day) keeps running: a gated widget that it
enables again is disabled at once, so the role always wins. PostgreSQL refuses the
write anyway; this only saves the user a click that cannot succeed. A single desk
(SQLite, or PostgreSQL without ``server init``) is never gated.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from core.access import Identity, allowed_roles
from desktop.desk_role import role_name
from desktop.i18n import translate

_LOCK = "roleGateReason"


class _KeepDisabled(QObject):
    """Disables a gated widget again whenever something enables it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.EnabledChange
            and isinstance(watched, QWidget)
            and watched.property(_LOCK)
            and watched.isEnabled()
        ):
            watched.setEnabled(False)
        return False


_KEEPER: _KeepDisabled | None = None


def _keeper() -> _KeepDisabled:
    global _KEEPER
    if _KEEPER is None:
        _KEEPER = _KeepDisabled()
    return _KEEPER


def refusal_text(desk: Identity, action: str) -> str:
    """ "Your role (viewer) may not do this: it needs the role clearing." in words."""
    roles = [role_name(r) for r in allowed_roles(action)] or [role_name("owner")]
    return (
        translate("Roles", "Your role (%1) may not do this: it needs the role %2.")
        .replace("%1", role_name(desk.role))
        .replace("%2", translate("Roles", " or ").join(roles))
    )


def gate(desk: Identity, gates: Sequence[tuple[str, Sequence[QWidget | QAction]]]) -> None:
    """Disable (with the reason as tooltip) every widget or action of a write the
    ``desk`` may not run; lift the gate from those it may (another book was opened)."""
    for action, targets in gates:
        reason = "" if desk.may(action) else refusal_text(desk, action)
        for target in targets:
            if isinstance(target, QAction):
                _gate_action(target, reason)
            else:
                _gate_widget(target, reason)


def _gate_widget(widget: QWidget, reason: str) -> None:
    was = widget.property(_LOCK)
    if reason:
        if not was:
            widget.setProperty("roleGateTip", widget.toolTip())
            widget.installEventFilter(_keeper())
        widget.setProperty(_LOCK, reason)
        widget.setToolTip(reason)
        widget.setEnabled(False)
    elif was:
        widget.setProperty(_LOCK, "")
        widget.removeEventFilter(_keeper())
        widget.setToolTip(str(widget.property("roleGateTip") or ""))
        widget.setEnabled(True)


def _gate_action(action: QAction, reason: str) -> None:
    was = bool(action.property(_LOCK))
    action.setProperty(_LOCK, reason)
    if reason:
        if not was:
            action.setProperty("roleGateTip", action.toolTip())
        if not action.property("roleGateWatched"):  # once: a gate lifted and set again
            action.setProperty("roleGateWatched", True)
            action.changed.connect(lambda a=action: _keep_action(a))
        action.setToolTip(reason)
        action.setEnabled(False)
    elif was:
        action.setToolTip(str(action.property("roleGateTip") or ""))
        action.setEnabled(True)


def _keep_action(action: QAction) -> None:
    if action.property(_LOCK) and action.isEnabled():
        action.setEnabled(False)
