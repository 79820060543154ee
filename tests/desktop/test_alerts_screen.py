"""Alerts screen: stored alert history and the audit log, both filterable."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from core import audit
from core.live import Acknowledgement, Alert
from core.services.alerts import acknowledge_alerts, store_alerts
from desktop.context import DesktopContext
from desktop.screens.alerts import AlertsScreen
from tests.desktop.conftest import DAY

AT = datetime(2024, 9, 13, 2, 30, tzinfo=UTC)


def _seed(ctx: DesktopContext) -> None:
    alerts = [
        Alert(
            1,
            AT,
            "risk_ratio",
            "critical",
            "risk ratio 125.00 % crossed 100.00 %",
            "C0004",
            threshold_ppm=1_000_000,
        ),
        Alert(2, AT, "limit_lock", "warning", "a2501 locked at its upper limit", contract="a2501"),
    ]
    store_alerts(ctx.db, DAY, alerts)
    acknowledge_alerts(ctx.db, DAY, [Acknowledgement(1, "risk.officer", AT)], user="risk.officer")
    with ctx.db.sessions.begin() as s:
        audit.record(s, "settlement.run", {"day": "2024-09-13"}, user="zhang.san")
        audit.record(s, "preview.reduction", {"contract": "m2501"}, user="li.si")


def test_alerts_screen_lists_history_and_audit_with_filters(
    qtbot: Any, ctx: DesktopContext
) -> None:
    _seed(ctx)
    screen = AlertsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=10_000)
    history, log = screen.history.model, screen.audit.model
    assert history.rowCount() == 2
    texts = {history.index(r, history.column_of("subject")).data() for r in range(2)}
    assert texts == {"C0004", "a2501"}
    acked_col = history.column_of("acknowledged_by")
    assert {history.index(r, acked_col).data() for r in range(2)} == {"risk.officer", ""}
    screen.history.choice.setCurrentIndex(1)  # open (unacknowledged) only
    assert history.rowCount() == 1
    assert history.index(0, history.column_of("subject")).data() == "a2501"
    screen.history.choice.setCurrentIndex(0)
    qtbot.keyClicks(screen.history.filter_edit, "c0004")
    assert history.rowCount() == 1
    users = {log.index(r, log.column_of("user")).data() for r in range(log.rowCount())}
    assert {"zhang.san", "li.si"} <= users
    index = screen.audit.choice.findData("settlement.run")
    screen.audit.choice.setCurrentIndex(index)
    assert log.rowCount() == 1
    assert log.index(0, log.column_of("user")).data() == "zhang.san"


def test_alert_messages_follow_the_language(qtbot: Any, ctx: DesktopContext) -> None:
    from desktop import i18n

    _seed(ctx)
    screen = AlertsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=10_000)
    history = screen.history.model
    col = history.column_of("message")

    def messages() -> set[str]:
        return {history.index(r, col).data() for r in range(history.rowCount())}

    assert "risk ratio 125.00 % crossed 100.00 %" in messages()
    i18n.set_language("zh")
    try:
        screen.retranslate()
        assert "风险度 125.00% 超过 100.00%" in messages()
    finally:
        i18n.set_language("en")
        screen.retranslate()
    assert "risk ratio 125.00 % crossed 100.00 %" in messages()


def test_audit_log_in_words_with_action_and_user_filters(
    qtbot: Any, ctx: DesktopContext, tmp_path: Any
) -> None:
    """An export made on a screen appears in the audit log in words (no raw key, no
    JSON), and the log filters by action and by user; in Chinese too."""
    from core.services.exports import TableExport, export_table
    from desktop import i18n

    _seed(ctx)
    frame = pd.DataFrame({"receipt_no": ["R1", "R2", "R3"]})
    export_table(ctx.db, TableExport("receipts", frame), tmp_path / "due.csv", user="wang.wu")
    screen = AlertsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=10_000)
    log = screen.audit.model

    def rows() -> list[tuple[str, str, str]]:
        cols = [log.column_of(k) for k in ("user", "action", "detail")]
        return [
            tuple(str(log.index(r, c).data()) for c in cols)  # type: ignore[misc]
            for r in range(log.rowCount())
        ]

    assert (
        "wang.wu",
        "Export: warehouse receipts",
        "Kind: warehouse receipts · Rows: 3 · File: due.csv",
    ) in rows()
    assert ("zhang.san", "Daily settlement run", "Day: 2024-09-13") in rows()
    # No JSON anywhere; a key no code writes any more is shown as stored.
    assert not any("{" in detail for _, _, detail in rows())
    assert ("li.si", "preview.reduction", "Contract: m2501") in rows()
    # Filter by action (listed in words) and by user.
    choice = screen.audit.choice
    assert choice.itemText(choice.findData("export.receipts")) == "Export: warehouse receipts"
    choice.setCurrentIndex(choice.findData("export.receipts"))
    assert [r[0] for r in rows()] == ["wang.wu"]
    choice.setCurrentIndex(0)
    users = screen.audit.user_choice
    assert users.isVisible()
    users.setCurrentIndex(users.findData("zhang.san"))
    assert [r[1] for r in rows()] == ["Daily settlement run"]
    users.setCurrentIndex(0)
    i18n.set_language("zh")
    try:
        screen.retranslate()
        assert (
            "wang.wu",
            "导出：标准仓单",
            "类型：标准仓单 · 行数：3 · 文件：due.csv",
        ) in rows()
        assert users.itemText(0) == "全部用户"
    finally:
        i18n.set_language("en")
        screen.retranslate()


def test_audit_details_keep_identifiers_as_stored_and_group_amounts() -> None:
    from desktop.audit_text import detail_text

    text = detail_text('{"rows": 12345, "seed": 20261120, "numbers": [100231, 100232]}')
    assert "12,345" in text  # a count reads with separators
    assert "20261120" in text  # a seed is an identifier
    assert "20,261,120" not in text
    assert "100231, 100232" in text
