"""The imports screen on the small demo database: drop a good sample and see the counts,
re-import it unchanged, a bad file listed cell by cell with nothing written."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from sqlalchemy import func, select

from core.changes import Changes
from core.config import AppConfig
from core.db.engine import open_database
from core.db.tables import Client, Contract, ImportBatch, Member, Position, TradingCode
from core.imports import KINDS, LAYOUTS, REFERENCE_KINDS
from core.resources import resources_dir
from core.services.delivery import DeliveryRequest, delivery_view
from core.services.demo import create_demo_data
from desktop.bus import AppBus
from desktop.context import DesktopContext
from desktop.screens.imports import ImportsScreen
from desktop.screens.ops_imports import kind_from_name
from desktop.screens.ops_layout_text import LAYOUT_TEXTS
from desktop.settings import UiSettings
from desktop.tasks import TaskManager

TIMEOUT = 20_000
SAMPLES = resources_dir() / "samples"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("imports-demo") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    try:
        create_demo_data(db, scale="small", user="tester")
    finally:
        db.engine.dispose()
    return path


@pytest.fixture
def demo_ctx(demo_template: Path, tmp_path: Path, qapp: object) -> Iterator[DesktopContext]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    url = f"sqlite:///{path}"
    context = DesktopContext(
        db=open_database(url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=url, user="tester"),
    )
    yield context
    context.close()


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    return folder


@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot: Any) -> ImportsScreen:
    widget = ImportsScreen(demo_ctx)
    qtbot.addWidget(widget)
    widget.resize(1166, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.is_loaded and demo_ctx.tasks.is_idle, timeout=TIMEOUT)
    return widget


def _drop(screen: ImportsScreen, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    action = Qt.DropAction.CopyAction
    with warnings.catch_warnings():  # PySide6 marks its only constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(
            QPoint(20, 20), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
    screen.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(20, 20), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    screen.dropEvent(drop)
    assert drop.isAccepted()


def _click(screen: ImportsScreen, button: Any, qtbot: Any) -> Any:
    with qtbot.waitSignal(screen.run_finished, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.ctx.tasks.is_idle, timeout=TIMEOUT)
    return blocker.args[0]


def _row(screen: ImportsScreen, row: int = 0) -> list[str]:
    model = screen.files_model
    return [model.index(row, c).data() for c in range(model.columnCount())]


def _counts(ctx: DesktopContext) -> tuple[int, int]:
    with ctx.db.sessions() as s:
        positions = s.scalar(select(func.count()).select_from(Position))
        batches = s.scalar(select(func.count()).select_from(ImportBatch))
    return int(positions or 0), int(batches or 0)


def test_drop_good_sample_shows_counts_and_reimport_is_unchanged(
    screen: ImportsScreen, demo_ctx: DesktopContext, samples: Path, qtbot: Any
) -> None:
    changes: list[Changes] = []
    demo_ctx.bus.changes_applied.connect(lambda c, _i: changes.append(c))
    positions_before, _ = _counts(demo_ctx)
    _drop(screen, [samples / "positions.csv"])
    assert screen.files_model.entries[0].kind == "positions"
    assert screen.current_kind() == "positions"

    outcome = _click(screen, screen.import_button, qtbot)
    assert outcome.succeeded
    (result,) = outcome.value.results
    name, kind, status, rows, new, updated, unchanged = _row(screen)
    assert (name, kind, status) == ("positions.csv", "Positions", "Imported")
    assert int(rows) == 6 == result.rows
    assert (int(new), int(updated), int(unchanged)) == (
        result.inserted,
        result.updated,
        result.unchanged,
    )
    assert result.inserted + result.updated > 0
    assert _counts(demo_ctx)[0] == positions_before + result.inserted
    assert screen.banner.tone == "success"
    assert changes
    assert changes[-1].positions
    assert changes[-1].audit
    qtbot.waitUntil(lambda: screen.history_model.rowCount() == 1, timeout=TIMEOUT)

    again = _click(screen, screen.import_button, qtbot)
    _name, _kind, status, rows, new, updated, unchanged = _row(screen)
    assert (status, rows, new, updated, unchanged) == ("Imported", "6", "0", "0", "6")
    assert not again.value.results[0].inserted
    assert not changes[-1].positions  # nothing changed: other screens need not reload
    assert changes[-1].audit


def test_bad_file_lists_every_error_and_imports_nothing(
    screen: ImportsScreen,
    demo_ctx: DesktopContext,
    samples: Path,
    tmp_path: Path,
    qtbot: Any,
    qtmodeltester: Any,
) -> None:
    bad = tmp_path / "positions_bad.csv"
    bad.write_text(
        "trading_day,client,contract,side,hedge,lots,today_lots,open_price,margin\n"
        "2026-11-20,10000001,m2701,long,0,-5,0,3012,100.00\n"
        "2026-11-20,10000001,zz9999,long,0,3,0,3012,100.00\n",
        encoding="utf-8",
    )
    before = _counts(demo_ctx)
    screen.add_files([samples / "fund-movements.csv", bad])
    outcome = _click(screen, screen.import_button, qtbot)
    assert outcome.value.failed
    assert _counts(demo_ctx) == before  # fund-movements.csv was valid; nothing was imported
    assert screen.banner.tone == "danger"
    assert "Nothing was imported" in screen.banner.text()
    model = screen.errors_view.error_model
    qtmodeltester.check(model)
    cells = {
        tuple(model.index(r, c).data() for c in range(3)): model.index(r, 3).data()
        for r in range(model.rowCount())
    }
    assert ("positions_bad.csv", "2", "lots") in cells
    assert ("positions_bad.csv", "3", "contract") in cells
    assert "zz9999" in cells[("positions_bad.csv", "3", "contract")]
    statuses = {e.path.name: e.status for e in screen.files_model.entries}
    assert statuses == {"fund-movements.csv": "skipped", "positions_bad.csv": "invalid"}
    assert "2 error(s)" in _row(screen, 1)[2]

    # sortable and copyable
    screen.errors_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 1).data() == "3"
    screen.errors_view.selectRow(0)
    text = screen.errors_view.copy_selection()
    assert text.splitlines()[0] == "File\tRow\tField\tMessage"
    assert text.splitlines()[1].startswith("positions_bad.csv\t3\tcontract\t")
    assert QGuiApplication.clipboard().text() == text
    qtmodeltester.check(screen.files_model)


def test_all_samples_validate_then_import(
    screen: ImportsScreen, demo_ctx: DesktopContext, samples: Path, qtbot: Any
) -> None:
    files = sorted(samples.iterdir())
    screen.add_files(files)
    kinds = {e.path.name: e.kind for e in screen.files_model.entries}
    assert kinds == {
        "members.csv": "members",
        "clients.csv": "clients",
        "contracts.csv": "contracts",
        "warehouses.csv": "warehouses",
        "closing-orders.csv": "closing-orders",
        "delivery-matches.csv": "delivery-matches",
        "efp.csv": "efp",
        "fund-movements.csv": "fund-movements",
        "positions.csv": "positions",
        "positions.xlsx": "positions",
        "receipts.csv": "receipts",
        "settlement-prices.csv": "settlement-prices",
        "trades.csv": "trades",
    }
    before = _counts(demo_ctx)
    checked = _click(screen, screen.validate_button, qtbot)
    assert not checked.value.failed
    assert _counts(demo_ctx) == before  # a dry run writes nothing
    assert {_row(screen, r)[2] for r in range(len(files))} == {"Valid"}
    assert screen.banner.tone == "success"
    imported = _click(screen, screen.import_button, qtbot)
    assert len(imported.value.imported) == len(files)
    assert "Imported 13 file(s)" in screen.banner.text()
    assert _counts(demo_ctx)[1] == before[1] + len(files)
    # The reference samples hold the demo's own members, clients, contracts, warehouses.
    reference = {r.kind: r for r in imported.value.imported if r.kind in REFERENCE_KINDS}
    assert {k: (r.inserted, r.updated) for k, r in reference.items()} == dict.fromkeys(
        REFERENCE_KINDS, (0, 0)
    )


def test_kind_box_applies_to_unnamed_files(screen: ImportsScreen, tmp_path: Path) -> None:
    other = tmp_path / "export_1120.csv"
    other.write_text("x\n", encoding="utf-8")
    # The daily default, although the reference kinds come first in the list.
    assert screen.current_kind() == "positions"
    assert "open_price" in screen.layout_help.toPlainText()
    screen.kind_combo.setCurrentIndex(screen.kind_combo.findData("trades"))
    assert screen.add_files([other, tmp_path / "notes.txt"]) == 1
    assert screen.files_model.entries[0].kind == "trades"
    assert "notes.txt" in screen.banner.text()
    screen.files_view.selectRow(0)
    screen.kind_combo.setCurrentIndex(screen.kind_combo.findData("receipts"))
    assert screen.files_model.entries[0].kind == "receipts"
    assert "receipt_no" in screen.layout_help.toPlainText()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("positions.csv", "positions"),
        ("Positions_20261120.xlsx", "positions"),
        ("settlement-prices.csv", "settlement-prices"),
        ("settlement_prices 1120.csv", "settlement-prices"),
        ("closing-orders.csv", "closing-orders"),
        ("持仓20261120.csv", "positions"),
        ("平仓委托.xlsx", "closing-orders"),
        ("出入金.csv", "fund-movements"),
        ("delivery-matches.csv", "delivery-matches"),
        ("delivery_matches_20261110.xlsx", "delivery-matches"),
        ("交割配对1110.csv", "delivery-matches"),
        ("efp.csv", "efp"),
        ("期转现_1120.xlsx", "efp"),
        ("members.csv", "members"),
        ("clients_20261120.xlsx", "clients"),
        ("客户资料.csv", "clients"),
        ("contracts.csv", "contracts"),
        ("合约参数.xlsx", "contracts"),
        ("warehouses.csv", "warehouses"),
        ("warehouse-receipts.csv", "receipts"),
        ("export.csv", None),
    ],
)
def test_kind_from_file_name(name: str, kind: str | None) -> None:
    assert kind_from_name(Path(name)) == kind


def test_every_layout_text_is_in_the_catalogue_list() -> None:
    texts = {
        t.replace("`", "")
        for layout in LAYOUTS.values()
        for c in layout.columns
        for t in (c.type_text(), c.meaning)
    }
    assert texts <= set(LAYOUT_TEXTS)
    assert set(KINDS) == set(LAYOUTS)


def test_chinese_screen(screen: ImportsScreen) -> None:
    from desktop import i18n

    i18n.set_language("zh")
    screen.retranslate()
    assert screen.import_button.text() == "导入"
    screen.kind_combo.setCurrentIndex(screen.kind_combo.findData("positions"))
    assert "交易日" in screen.layout_help.toPlainText()
    screen.kind_combo.setCurrentIndex(screen.kind_combo.findData("contracts"))
    assert screen.help_title.text() == "合约文件的列（第 1 行为表头）"
    help_text = screen.layout_help.toPlainText()
    assert "保证金率" in help_text  # the Chinese headers the file may use
    assert "品种代码 + 年月（YYMM）" in help_text


BAD_POSITIONS = (
    "trading_day,client,contract,side,hedge,lots,today_lots,open_price,margin\n"
    "2026-11-20,10000001,m2701,long,0,-5,0,3012,100.00\n"
    "2026-11-20,10000001,zz9999,long,0,3,0,3012,100.00\n"
    "2026-11-20,10000001,m2701,up,0,3,0,3012.5,100.00\n"
    "2026-11-21,10000001,m2701,long,0,3,5,3012,x\n"
    "2026-11-20,10000001,m2701,long,0,3,0,3012,100.00\n"
)
BAD_POSITIONS_SHOWN = {
    "en": [
        ("2", "lots", "must be a whole number >= 0, got '-5'"),
        ("3", "contract", "unknown contract (not in the contract table), got 'zz9999'"),
        ("4", "side", "must be one of buy, long, sell, short, got 'up'"),
        ("4", "open_price", "must be a multiple of the tick of m2701 (1.00 yuan), got '3012.5'"),
        ("5", "trading_day", "must be a trading day, got '2026-11-21' (a Saturday)"),
        ("5", "today_lots", "must not exceed lots (3), got '5'"),
        ("5", "margin", "must be a yuan amount such as 3012.50, got 'x'"),
        (
            "6",
            "trading_day+client+contract+side+hedge",
            "duplicate key (trading_day=2026-11-20, client=10000001, contract=m2701, "
            "side=long, hedge=0): already on row 2",
        ),
    ],
    "zh": [
        ("2", "手数", "应为不小于 0 的整数，实际为“-5”"),
        ("3", "合约", "未知合约“zz9999”（不在合约表中）"),
        ("4", "买卖", "应为 buy, long, sell, short 之一，实际为“up”"),
        ("4", "开仓价", "应为 m2701 最小变动价位（1.00 元）的整数倍，实际为“3012.5”"),
        ("5", "交易日", "应为交易日，实际为“2026-11-21”（星期六）"),
        ("5", "今仓", "不得超过手数（3），实际为“5”"),
        ("5", "保证金", "应为以元为单位的金额（如 3012.50），实际为“x”"),
        (
            "6",
            "交易日+客户号+合约+买卖+投保",
            "匹配键重复（交易日=2026-11-20，客户号=10000001，合约=m2701，买卖=long，投保=0）"
            "：已在第 2 行出现",
        ),
    ],
}


def _error_table(screen: ImportsScreen) -> list[tuple[str, ...]]:
    model = screen.errors_view.error_model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_bad_file_errors_in_the_ui_language(
    screen: ImportsScreen, tmp_path: Path, qtbot: Any, qtmodeltester: Any, language: str
) -> None:
    from desktop import i18n

    i18n.set_language(language)
    screen.retranslate()
    bad = tmp_path / "positions_bad.csv"
    bad.write_text(BAD_POSITIONS, encoding="utf-8")
    screen.add_files([bad])
    outcome = _click(screen, screen.validate_button, qtbot)
    assert outcome.value.failed
    qtmodeltester.check(screen.errors_view.error_model)
    expected = [("positions_bad.csv", *cells) for cells in BAD_POSITIONS_SHOWN[language]]
    assert _error_table(screen) == expected
    banner = {
        "zh": "校验未通过：1 个文件中有 8 处错误。未导入任何数据。",
        "en": "Validation failed: 8 error(s) in 1 file(s). Nothing was imported.",
    }
    assert screen.banner.text() == banner[language]
    screen.errors_view.selectRow(0)
    copied = screen.errors_view.copy_selection().splitlines()
    assert copied[1] == "\t".join(expected[0])

    # Switching language re-words the errors already shown.
    other = "en" if language == "zh" else "zh"
    i18n.set_language(other)
    screen.retranslate()
    assert _error_table(screen) == [
        ("positions_bad.csv", *cells) for cells in BAD_POSITIONS_SHOWN[other]
    ]


def test_chinese_headers_of_the_file_are_shown_as_written(
    screen: ImportsScreen, tmp_path: Path, qtbot: Any
) -> None:
    from desktop import i18n

    i18n.set_language("zh")
    screen.retranslate()
    bad = tmp_path / "持仓_1120.csv"
    bad.write_text(
        "交易日,客户号,合约,方向,投保,持仓量,今仓,开仓均价\n"
        "2026-11-20,10000001,m2701,多,0,二十,0,3012\n",
        encoding="utf-8",
    )
    missing = tmp_path / "positions_missing.csv"
    missing.write_text("trading_day,client,contract,side,lots\n2026-11-20,1,m2701,long,1\n")
    screen.add_files([bad, missing])
    _click(screen, screen.validate_button, qtbot)
    assert _error_table(screen) == [
        ("持仓_1120.csv", "2", "持仓量", "应为不小于 0 的整数，实际为“二十”"),
        (
            "positions_missing.csv",
            "1",
            "开仓价",
            "缺少必需的列（可用的列标题：open_price, 开仓价, 开仓均价, 持仓均价）",
        ),
    ]


# --------------------------------------------------------------------- delivery kinds
def _matches(ctx: DesktopContext) -> pd.DataFrame:
    """What the Delivery screen shows: its worker-thread loader, run here directly."""
    with ctx.db.reader() as reader:
        data = delivery_view(reader, DeliveryRequest("10000331", "c2611"))
    frame = data.matches.copy()
    frame["match_day"] = [pd.Timestamp(d).date().isoformat() for d in frame["match_day"]]
    frame["delivery_day"] = [pd.Timestamp(d).date().isoformat() for d in frame["delivery_day"]]
    assert ("10000331", "c2611") in data.sellers
    return frame


def test_delivery_matches_and_efp_through_the_screen_show_on_the_delivery_screen(
    screen: ImportsScreen, demo_ctx: DesktopContext, samples: Path, qtbot: Any
) -> None:
    changes: list[Changes] = []
    demo_ctx.bus.changes_applied.connect(lambda c, _i: changes.append(c))
    assert screen.kind_combo.findData("delivery-matches") >= 0  # the kind chooser lists them
    assert screen.kind_combo.findData("efp") >= 0
    before = _matches(demo_ctx)
    screen.kind_combo.setCurrentIndex(screen.kind_combo.findData("efp"))
    assert "long_client" in screen.layout_help.toPlainText()
    _drop(screen, [samples / "delivery-matches.csv", samples / "efp.csv"])
    assert [e.kind for e in screen.files_model.entries] == ["delivery-matches", "efp"]

    outcome = _click(screen, screen.import_button, qtbot)
    assert outcome.succeeded
    assert [_row(screen, r)[1:] for r in range(2)] == [
        ["Delivery matches", "Imported", "3", "3", "0", "0"],
        ["EFP", "Imported", "3", "3", "0", "0"],
    ]
    assert changes[-1].positions  # the Delivery screen watches positions
    after = _matches(demo_ctx)
    assert len(after) == len(before) + 3
    new = after[~after["id"].isin(before["id"])].sort_values(["match_day", "buyer_code"])
    columns = ["match_day", "seller_code", "buyer_code", "lots", "price_fen", "delivery_day"]
    assert [tuple(r) for r in new[columns].itertuples(index=False)] == [
        ("2026-11-10", "10000331", "10000159", 40, 220_000, "2026-11-12"),
        ("2026-11-10", "10000331", "10000211", 20, 220_000, "2026-11-12"),
        ("2026-11-11", "10000185", "10000073", 30, 219_800, "2026-11-13"),
    ]
    assert set(new["allocation_state"]) == {"pending"}

    again = _click(screen, screen.import_button, qtbot)
    assert [r.unchanged for r in again.value.results] == [3, 3]
    assert [_row(screen, r)[2:] for r in range(2)] == [["Imported", "3", "0", "0", "3"]] * 2
    assert not changes[-1].positions
    assert len(_matches(demo_ctx)) == len(after)


def test_bad_delivery_file_in_chinese(
    screen: ImportsScreen, demo_ctx: DesktopContext, tmp_path: Path, qtbot: Any
) -> None:
    from desktop import i18n

    i18n.set_language("zh")
    screen.retranslate()
    labels = [screen.kind_combo.itemText(i) for i in range(screen.kind_combo.count())]
    assert {"滚动交割配对", "期转现"} <= set(labels)
    screen.kind_combo.setCurrentIndex(screen.kind_combo.findData("delivery-matches"))
    assert "配对日：自合约交割月第一个交易日" in screen.layout_help.toPlainText()
    bad = tmp_path / "交割配对_1110.csv"
    bad.write_text(
        "match_day,contract,seller,buyer,lots,price\n"
        "2026-11-10,c2611,10000001,10000159,40,\n"
        "2026-11-13,c2611,10000331,10000331,40,2200\n"
        "2026-11-10,c2611,10000331,10000159,40,2201\n",
        encoding="utf-8",
    )
    before = len(_matches(demo_ctx))
    screen.add_files([bad])
    assert screen.files_model.entries[0].kind == "delivery-matches"
    outcome = _click(screen, screen.import_button, qtbot)
    assert outcome.value.failed
    assert _error_table(screen) == [
        (
            "交割配对_1110.csv",
            "2",
            "卖方",
            "不得为自然人客户（自然人不得参与交割），实际为“10000001”",
        ),
        (
            "交割配对_1110.csv",
            "3",
            "配对日",
            "应为 c2611 的滚动交割配对日（2026-11-02 至 2026-11-12），实际为“2026-11-13”",
        ),
        ("交割配对_1110.csv", "3", "买方", "应与另一方为不同客户，实际双方均为“10000331”"),
        (
            "交割配对_1110.csv",
            "4",
            "交割结算价",
            "应为 c2611 在 2026-11-10 的结算价（2200.00），实际为“2201”",
        ),
    ]
    assert len(_matches(demo_ctx)) == before


# --------------------------------------------------------------------- a new database
@pytest.fixture
def empty_ctx(tmp_path: Path, qapp: object) -> Iterator[DesktopContext]:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    context = DesktopContext(
        db=open_database(url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=url, user="tester"),
    )
    yield context
    context.close()


@pytest.fixture
def empty_screen(empty_ctx: DesktopContext, qtbot: Any) -> ImportsScreen:
    widget = ImportsScreen(empty_ctx)
    qtbot.addWidget(widget)
    widget.resize(1166, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.is_loaded and empty_ctx.tasks.is_idle, timeout=TIMEOUT)
    return widget


def _stored(ctx: DesktopContext) -> dict[str, int]:
    with ctx.db.sessions() as s:
        return {
            model.__tablename__: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Member, Client, TradingCode, Contract, Position, ImportBatch)
        }


def test_a_new_firm_imports_its_reference_data_then_positions_on_an_empty_database(
    empty_screen: ImportsScreen, empty_ctx: DesktopContext, samples: Path, qtbot: Any
) -> None:
    changes: list[Changes] = []
    empty_ctx.bus.changes_applied.connect(lambda c, _i: changes.append(c))
    nothing = dict.fromkeys(
        ("member", "client", "trading_code", "contract", "position", "import_batch"), 0
    )
    assert _stored(empty_ctx) == nothing
    # Dropped in any order: positions name the clients and contracts of the other files.
    names = ("positions.csv", "contracts.csv", "clients.csv", "members.csv")
    _drop(empty_screen, [samples / name for name in names])
    assert [e.kind for e in empty_screen.files_model.entries] == [
        "positions",
        "contracts",
        "clients",
        "members",
    ]

    checked = _click(empty_screen, empty_screen.validate_button, qtbot)
    assert not checked.value.failed
    assert {_row(empty_screen, r)[2] for r in range(4)} == {"Valid"}
    assert empty_screen.banner.tone == "success"
    assert _stored(empty_ctx) == nothing  # validating wrote nothing

    imported = _click(empty_screen, empty_screen.import_button, qtbot)
    assert [r.kind for r in imported.value.imported] == [
        "members",
        "clients",
        "contracts",
        "positions",
    ]
    rows = {_row(empty_screen, r)[0]: _row(empty_screen, r)[1:] for r in range(4)}
    assert rows == {
        "members.csv": ["Members", "Imported", "1", "1", "0", "0"],
        "clients.csv": ["Clients", "Imported", "13", "13", "0", "0"],
        "contracts.csv": ["Contracts", "Imported", "5", "5", "0", "0"],
        "positions.csv": ["Positions", "Imported", "6", "6", "0", "0"],
    }
    assert "Imported 4 file(s)" in empty_screen.banner.text()
    assert _stored(empty_ctx) == {
        "member": 1,
        "client": 13,
        "trading_code": 13,
        "contract": 5,
        "position": 6,
        "import_batch": 4,
    }
    assert changes[-1].members
    assert changes[-1].clients
    assert changes[-1].reference
    assert changes[-1].positions

    again = _click(empty_screen, empty_screen.import_button, qtbot)
    assert [r.unchanged for r in again.value.imported] == [1, 13, 5, 6]
    assert not changes[-1].touches("members", "clients", "reference", "positions")


def test_a_bad_reference_file_stops_the_whole_batch_in_chinese(
    empty_screen: ImportsScreen,
    empty_ctx: DesktopContext,
    samples: Path,
    tmp_path: Path,
    qtbot: Any,
) -> None:
    from desktop import i18n

    i18n.set_language("zh")
    empty_screen.retranslate()
    bad = tmp_path / "合约_1120.csv"
    bad.write_text("合约,保证金率\nm2701,4%\na2702,\n", encoding="utf-8")
    empty_screen.add_files([samples / "members.csv", samples / "clients.csv", bad])
    assert [e.kind for e in empty_screen.files_model.entries][2] == "contracts"
    outcome = _click(empty_screen, empty_screen.import_button, qtbot)
    assert outcome.value.failed
    assert _error_table(empty_screen) == [
        ("合约_1120.csv", "2", "保证金率", "不得低于合约最低保证金率（5%），实际为“4%”"),
        (
            "合约_1120.csv",
            "3",
            "合约",
            "应为该品种挂牌的交割月份（01, 03, 05, 07, 09, 11），实际为“a2702”",
        ),
    ]
    statuses = [e.status for e in empty_screen.files_model.entries]
    assert statuses == ["skipped", "skipped", "invalid"]
    assert _stored(empty_ctx)["member"] == 0  # the valid members file was not imported
