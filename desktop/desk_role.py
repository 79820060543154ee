"""The desk's login and role as the window shows them (server mode, issue #14).

``core.access`` decides what a role may do; this module only names roles in the user's
language and words the status bar's user field and its tooltip.
"""

from __future__ import annotations

from core.access import Identity
from desktop.i18n import QT_TRANSLATE_NOOP, translate

ROLE_NAMES = {
    "viewer": QT_TRANSLATE_NOOP("Roles", "viewer"),
    "risk_officer": QT_TRANSLATE_NOOP("Roles", "risk officer"),
    "clearing": QT_TRANSLATE_NOOP("Roles", "clearing"),
    "head_of_risk": QT_TRANSLATE_NOOP("Roles", "head of risk"),
    "auditor": QT_TRANSLATE_NOOP("Roles", "auditor"),
    "owner": QT_TRANSLATE_NOOP("Roles", "administrator"),
    "none": QT_TRANSLATE_NOOP("Roles", "no desk role"),
}


def role_name(role: str) -> str:
    return translate("Roles", ROLE_NAMES.get(role, role))


def user_field(desk: Identity, os_user: str) -> tuple[str, str]:
    """The status bar's user text and tooltip: the OS user at a single desk; in server
    mode the database login and its role."""
    if not desk.server:
        text = translate("MainWindow", "User: %1").replace("%1", os_user)
        return text, translate("Roles", "Single desk: every action is allowed.")
    text = (
        translate("MainWindow", "User: %1").replace("%1", desk.user) + " · " + role_name(desk.role)
    )
    held = ", ".join(role_name(r) for r in desk.roles) or role_name(desk.role)
    tip = (
        translate("Roles", "Server mode: logged in to the database as %1 (%2).")
        .replace("%1", desk.user)
        .replace("%2", held)
    )
    return text, tip
