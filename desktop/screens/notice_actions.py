"""E-mailing notices from a screen: the question, the write-worker run with progress and
the outcome in the screen's banner. Shared by the Margin calls and Notices screens.

SMTP settings come from the settings file (``core.config.smtp_settings``:
``[notices.smtp]`` of ``riskdesk.toml`` or ``$RISKDESK_CONFIG``); the password is read
when sending, from the environment or a password file, never from the database
(``core.config.SmtpSettings.password``). A missing or bad setting is said in the
banner, naming the setting; nothing is sent then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from core.changes import Changes
from core.config import SmtpSettings, smtp_settings
from core.errors import RiskDeskError
from core.progress import ProgressState
from core.services.notice_delivery import SendReport, send_notices
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.screens.ops_outcome import OpOutcome, StageNamedProgress, capture
from desktop.tasks import run_op
from desktop.widgets.banner import Banner


def html_text(text: str) -> str:
    """``text`` for a rich-text label (a banner): markup characters escaped, quotes
    kept as they are."""
    return escape(text, quote=False)


STAGES = {
    "notices": QT_TRANSLATE_NOOP("Notices", "Numbering and storing the notices"),
    "send": QT_TRANSLATE_NOOP("Notices", "Sending e-mails"),
    "pdf": QT_TRANSLATE_NOOP("Notices", "Writing PDF files"),
}


def stage_names() -> dict[str, str]:
    """The services' progress stages in the UI language (GUI thread)."""
    return {key: translate("Notices", text) for key, text in STAGES.items()}


def ask_send(
    parent: QWidget,
    ctx: DesktopContext,
    banner: Banner,
    numbers: Sequence[str],
    notes: Sequence[str] = (),
) -> QMessageBox | None:
    """Ask before e-mailing ``numbers`` (``notes``: what is left out and why); on Yes
    they are sent on the write worker and the outcome lands in ``banner``. None (and
    the reason in ``banner``) when the SMTP settings are missing or bad."""
    try:
        smtp = smtp_settings()
    except RiskDeskError as exc:
        banner.set_message(
            html_text(translate("Notices", "E-mail is not set up: %1").replace("%1", str(exc))),
            "danger",
        )
        return None
    box = QMessageBox(
        QMessageBox.Icon.Question,
        translate("Notices", "Send by e-mail"),
        translate("Notices", "Send %1 notice(s) by e-mail through %2 as %3?")
        .replace("%1", f"{len(numbers):,}")
        .replace("%2", f"{smtp.host}:{smtp.port}")
        .replace("%3", smtp.sender),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("sendQuestion")
    if notes:
        box.setInformativeText(" ".join(notes))
    chosen = tuple(numbers)

    def answered(_result: int) -> None:
        yes = box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes
        box.deleteLater()
        if yes:
            send(parent, ctx, banner, chosen, smtp)

    box.finished.connect(answered)
    box.open()
    return box


def send(
    parent: QWidget,
    ctx: DesktopContext,
    banner: Banner,
    numbers: Sequence[str],
    smtp: SmtpSettings,
    on_done: Callable[[SendReport], None] | None = None,
) -> None:
    """E-mail ``numbers`` on the write worker (progress dialog); the outcome in
    ``banner``: counts, and each failure with its reason (the server's answer)."""
    db, user, names = ctx.db, ctx.config.user, stage_names()

    def op(progress: ProgressState) -> tuple[SendReport, Changes]:
        staged = StageNamedProgress(progress, names)
        return send_notices(db, list(numbers), smtp, user=user, progress=staged)

    def done(outcome: OpOutcome[SendReport]) -> None:
        report = outcome.value
        if report is None:
            if outcome.refused:
                banner.set_message(html_text(outcome.message), "danger")
            return
        banner.set_message(*send_report_text(report))
        if on_done is not None:
            on_done(report)

    run_op(ctx, parent, translate("Notices", "Sending e-mails"), capture(op), done)


def send_report_text(report: SendReport) -> tuple[str, str]:
    """The banner text (rich) and tone of a send: counts, then up to five failures."""
    text = (
        translate("Notices", "Sent %1, failed %2, skipped %3.")
        .replace("%1", f"{report.sent:,}")
        .replace("%2", f"{report.failed:,}")
        .replace("%3", f"{len(report.skipped):,}")
    )
    failures = [f"{a.number}: {a.detail}" for a in report.attempts if a.status == "failed"]
    lines = [html_text(text)] + [html_text(f) for f in failures[:5]]
    if len(failures) > 5:
        lines.append("…")
    return "<br>".join(lines), "danger" if failures else "success"


def outcome_message(outcome: OpOutcome[Any], banner: Banner) -> bool:
    """Show a refused op's message in ``banner``; True when the op succeeded."""
    if outcome.value is None:
        if outcome.refused:
            banner.set_message(html_text(outcome.message), "danger")
        return False
    return True
