"""Names and colours of notice kinds, delivery statuses and channels (catalogue context
"Notices"), shared by the Margin calls and Notices screens.

The codes are core's (``core.rules.notice_status``, ``core.reports.notices.KINDS``,
``core.services.call_desk.NOT_GENERATED``); the desktop only names and colours them.
Statuses read as the desk's delivery chain: not generated → generated → sent →
received → confirmed (failed: a send that did not go out).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QBrush

from core.services.call_desk import NOT_GENERATED
from desktop import palette
from desktop.i18n import QT_TRANSLATE_NOOP

CONTEXT = "Notices"

STATUS_LABELS: Mapping[str, str] = {
    NOT_GENERATED: QT_TRANSLATE_NOOP("Notices", "Not generated"),
    "generated": QT_TRANSLATE_NOOP("Notices", "Generated"),
    "sent": QT_TRANSLATE_NOOP("Notices", "Sent"),
    "received": QT_TRANSLATE_NOOP("Notices", "Received"),
    "confirmed": QT_TRANSLATE_NOOP("Notices", "Confirmed"),
    "failed": QT_TRANSLATE_NOOP("Notices", "Failed"),
}
STATUS_BRUSHES: Mapping[str, QBrush] = {
    NOT_GENERATED: palette.MUTED_BRUSH,
    "failed": palette.RED_BRUSH,
    "confirmed": palette.GREEN_BRUSH,
}
"""Text colour of a status: muted before any notice, red for a failed send, green once
the client confirmed (the delivery is proven)."""
KIND_LABELS: Mapping[str, str] = {
    "margin_call": QT_TRANSLATE_NOOP("Notices", "Margin call notice"),
    "forced_close": QT_TRANSLATE_NOOP("Notices", "Forced-close notice"),
}
CHANNEL_LABELS: Mapping[str, str] = {
    "system": QT_TRANSLATE_NOOP("Notices", "System"),
    "sms": QT_TRANSLATE_NOOP("Notices", "SMS"),
    "email": QT_TRANSLATE_NOOP("Notices", "E-mail"),
    "hand": QT_TRANSLATE_NOOP("Notices", "By hand"),
}
LANG_LABELS: Mapping[str, str] = {
    "zh": QT_TRANSLATE_NOOP("Notices", "Chinese"),
    "en": QT_TRANSLATE_NOOP("Notices", "English"),
}
