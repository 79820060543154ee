"""The Notices screen on the small demo: a client's history one click from the call list,
a status marked by hand through the write door, PDFs opened and exported, contacts,
filters, Chinese labels."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel, Qt

from core.audit import recent
from core.services.notice_delivery import mark_notice
from core.services.notices import GenerateRequest, generate_notices
from desktop import i18n
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens import notices as notices_module
from desktop.screens.calls import CallsScreen
from desktop.screens.notices import NoticesScreen, create
from tests.desktop.test_calls_screen import cell as call_cell
from tests.desktop.test_calls_screen import plain, select_clients
from tests.desktop.test_reduction_screen import (
    demo_ctx,
    demo_template,
    demo_url,
    open_screen,
    wait_loaded,
)

__all__ = ["demo_ctx", "demo_template", "demo_url"]  # fixtures shared with that module

DAY = date(2026, 11, 20)


def cell(screen: NoticesScreen, row: int, key: str) -> str:
    return str(screen.model.index(row, screen.model.column_of(key)).data())


def row_of(screen: NoticesScreen, number: str) -> int:
    for r in range(screen.model.rowCount()):
        if cell(screen, r, "number") == number:
            return r
    raise AssertionError(number)


def history(screen: NoticesScreen) -> list[tuple[str, str, str, str]]:
    m = screen.history_model
    keys = ("status", "channel", "user", "detail")
    return [
        tuple(str(m.index(r, m.column_of(k)).data()) for k in keys)  # type: ignore[misc]
        for r in range(m.rowCount())
    ]


@pytest.fixture
def noticed(demo_ctx: DesktopContext) -> DesktopContext:
    """Three notices of the demo's settled day: two margin calls, one forced close."""
    db = demo_ctx.db
    generate_notices(db, GenerateRequest(day=DAY, clients=("10000032", "10000347")), user="ops")
    generate_notices(
        db, GenerateRequest(day=DAY, kind="forced_close", clients=("10000370",)), user="ops"
    )
    return demo_ctx


def test_a_status_marked_by_hand_from_the_clients_history(
    noticed: DesktopContext, qtbot: Any
) -> None:
    ctx = noticed
    window = MainWindow(ctx, "calls")
    window.set_save_on_close(False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=20_000)
    calls = window.current_page()
    assert isinstance(calls, CallsScreen)
    select_clients(calls, ["10000347"])
    qtbot.mouseClick(calls.history_button, Qt.MouseButton.LeftButton)  # one click
    assert window.current_key == "notices"
    screen = window.current_page()
    assert isinstance(screen, NoticesScreen)
    qtbot.waitUntil(lambda: window.is_ready() and screen.history is not None, timeout=20_000)
    assert screen.client_edit.text() == "10000347"
    assert [cell(screen, r, "number") for r in range(screen.model.rowCount())] == ["MC2026-000002"]
    assert (cell(screen, 0, "kind"), cell(screen, 0, "status"), cell(screen, 0, "channel")) == (
        "Margin call notice",
        "Generated",
        "E-mail",
    )
    assert cell(screen, 0, "call_fen") == "51,986.36"
    assert cell(screen, 0, "deadline") == "2026-11-23 09:00"
    assert history(screen) == [("Generated", "E-mail", "ops", "")]
    assert screen.history_title.text() == (
        "History of MC2026-000002 · client 10000347 张燕轩 · e-mail — · mobile —"
    )

    qtbot.mouseClick(screen.mark_button, Qt.MouseButton.LeftButton)
    dialog = screen.mark_dialog
    assert dialog is not None
    offered = [dialog.status_combo.itemData(i) for i in range(dialog.status_combo.count())]
    assert offered == ["sent", "received", "confirmed", "failed"]
    dialog.status_combo.setCurrentIndex(offered.index("received"))
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData("hand"))
    dialog.note_edit.setText("signed for by the client at the counter")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(
        lambda: window.is_ready() and cell(screen, 0, "status") == "Received", timeout=15_000
    )
    assert cell(screen, 0, "channel") == "By hand"
    assert plain(screen.banner.text()) == "Recorded for 1 notice(s)."
    qtbot.waitUntil(lambda: len(history(screen)) == 2, timeout=10_000)
    assert history(screen)[-1] == (
        "Received",
        "By hand",
        "tester",
        "signed for by the client at the counter",
    )
    with ctx.db.reader() as r:
        (entry,) = recent(r.session, 5, action="notice.mark")
    assert entry.user == "tester"
    assert entry.detail_data() == {
        "number": "MC2026-000002",
        "status": "received",
        "channel": "hand",
        "note": "signed for by the client at the counter",
    }
    # back on the call list, the row shows it (the list watches notices)
    window.select_screen("calls")
    qtbot.waitUntil(window.is_ready, timeout=20_000)
    row = next(
        r for r in range(calls.model.rowCount()) if call_cell(calls, r, "client_code") == "10000347"
    )
    assert call_cell(calls, row, "notice_status") == "Received"
    window.close()


def test_statuses_only_move_forward(noticed: DesktopContext, qtbot: Any) -> None:
    mark_notice(noticed.db, "MC2026-000001", "confirmed", "hand")
    screen = open_screen(create, noticed, qtbot)
    screen.select_number("MC2026-000001")
    assert screen.ask_mark() is None  # confirmed is final: no dialog
    assert "a confirmed notice is final" in screen.banner.text()
    assert screen.banner.tone == "warning"
    screen.select_number("MC2026-000002")
    dialog = screen.ask_mark()
    assert dialog is not None
    dialog.reject()


def test_filters_and_the_notice_pdf(
    noticed: DesktopContext, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(notices_module, "open_file", lambda path: opened.append(path) or True)
    screen = open_screen(create, noticed, qtbot)
    assert screen.model.rowCount() == 3
    assert screen.count_label.text() == "3 rows"
    screen.kind_combo.setCurrentIndex(screen.kind_combo.findData("forced_close"))
    screen.kind_combo.activated.emit(screen.kind_combo.currentIndex())
    wait_loaded(screen, noticed, qtbot)
    assert [cell(screen, r, "number") for r in range(screen.model.rowCount())] == ["FC2026-000001"]
    assert cell(screen, 0, "kind") == "Forced-close notice"
    screen.kind_combo.setCurrentIndex(0)
    screen.kind_combo.activated.emit(0)
    wait_loaded(screen, noticed, qtbot)
    screen.filter_edit.setText("王立")  # search within the rows: by client name
    assert [cell(screen, r, "number") for r in range(screen.model.rowCount())] == ["MC2026-000001"]
    screen.filter_edit.clear()

    with noticed.db.reader() as r:
        audited = len(recent(r.session, 100))
    screen.select_number("MC2026-000001")
    qtbot.mouseClick(screen.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened) and noticed.tasks.is_idle, timeout=10_000)
    (path,) = opened
    assert Path(path).name == "MC2026-000001.pdf"
    text = PdfReader(io.BytesIO(Path(path).read_bytes())).pages[0].extract_text()
    assert "MC2026-000001" in text
    assert "22,611.63" in text
    with noticed.db.reader() as r:
        assert len(recent(r.session, 100)) == audited  # opening is a read: no audit entry

    folder = tmp_path / "out"
    folder.mkdir()
    selection = screen.view.selectionModel()
    selection.select(
        screen.model.index(row_of(screen, "MC2026-000002"), 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    screen.export(screen.selected_numbers(), folder)
    qtbot.waitUntil(
        lambda: noticed.tasks.is_idle and screen.banner.tone == "success", timeout=10_000
    )
    assert sorted(p.name for p in folder.iterdir()) == ["MC2026-000001.pdf", "MC2026-000002.pdf"]
    assert plain(screen.banner.text()) == f"Wrote 2 PDF file(s) to {folder}"
    with noticed.db.reader() as r:
        (entry,) = recent(r.session, 5, action="export.notices")
    assert entry.detail_data()["numbers"] == ["MC2026-000001", "MC2026-000002"]


def test_a_clients_contact_is_kept_for_its_notices(noticed: DesktopContext, qtbot: Any) -> None:
    screen = open_screen(create, noticed, qtbot)
    screen.select_number("MC2026-000001")
    qtbot.waitUntil(lambda: screen.history is not None, timeout=10_000)
    dialog = screen.ask_contact()
    assert dialog is not None
    dialog.email_edit.setText("not an address")
    dialog.accept()
    qtbot.waitUntil(
        lambda: noticed.tasks.is_idle and screen.banner.tone == "danger", timeout=10_000
    )
    assert "'not an address' is not an e-mail address" in plain(screen.banner.text())
    dialog = screen.ask_contact()
    assert dialog is not None
    dialog.email_edit.setText("wang@client.example")
    dialog.phone_edit.setText("13800000000")
    dialog.accept()
    qtbot.waitUntil(
        lambda: (
            screen.is_loaded
            and noticed.tasks.is_idle
            and screen.history is not None
            and screen.history.email == "wang@client.example"
        ),
        timeout=10_000,
    )
    assert "e-mail wang@client.example · mobile 13800000000" in screen.history_title.text()
    assert plain(screen.banner.text()) == "Contact of 10000032 saved."


def test_chinese_labels(noticed: DesktopContext, qtbot: Any) -> None:
    i18n.set_language("zh")
    screen = open_screen(create, noticed, qtbot)
    assert screen.title_label.text() == "通知书"
    row = row_of(screen, "FC2026-000001")
    assert (cell(screen, row, "kind"), cell(screen, row, "status")) == ("强行平仓通知书", "已生成")
    assert cell(screen, row, "channel") == "电子邮件"
    assert screen.mark_button.text() == "登记状态…"
    assert screen.status_combo.itemText(0) == "全部状态"


def test_an_empty_list_says_where_notices_come_from(demo_ctx: DesktopContext, qtbot: Any) -> None:
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.model.rowCount() == 0
    assert plain(screen.banner.text()) == (
        "No notice yet: generate notices on the Margin calls screen."
    )
