"""CFMMC daily statements and the member settlement CSV on the small demo (settled day
2026-11-20, 500 clients, member 0101), SQLite: RiskDesk's own statements written in
each layout and read back reconcile to zero; seeded perturbations in the files are
found and named; the quirks of real files are read to the figures they print; bad
files are refused naming file, sheet, row and field, and change nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwt

from core import audit
from core.cli import main
from core.errors import InputError
from core.reconcile.cfmmc_writer import ClientRows, write_cfmmc_workbook
from core.reconcile.cfmmc_xls import read_cfmmc_file
from core.reconcile.compare import compare
from core.reconcile.ctp_text import read_ctp_file
from core.reconcile.ctp_writer import ContractInfo
from core.reconcile.formats import detect_format
from core.reconcile.member_csv import read_member_csv
from core.reconcile.statements import StatementFormatError, StatementFrames, StatementRows
from core.services import reconcile as rec
from core.services.demo import create_demo_data
from core.services.store import Database, open_database
from tests.core.cfmmc_grid import drop_row, get, put, put_pair, read_grid, write_grid

DAY = date(2026, 11, 20)
DAILY, TRADES, CLOSED, POSITIONS = "客户交易结算日报", "成交明细", "平仓明细", "持仓明细"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    folder = tmp_path_factory.mktemp("formats")
    path = folder / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    create_demo_data(db, scale="small", user="tester")
    books = folder / "cfmmc"
    rec.write_cfmmc_statements(db, DAY, books, user="tester")
    member = folder / "member.csv"
    rec.write_member_statements(db, DAY, member, user="tester")
    text = folder / "counter.txt"
    rec.write_riskdesk_statements(db, DAY, text, user="tester")
    db.engine.dispose()
    return path, books, member, text


@pytest.fixture
def db(template: tuple[Path, Path, Path, Path], tmp_path: Path) -> Database:
    target = tmp_path / "demo.sqlite"
    shutil.copy(template[0], target)
    database = open_database(f"sqlite:///{target}")
    yield database  # type: ignore[misc]
    database.engine.dispose()


@pytest.fixture
def book(template: tuple[Path, Path, Path, Path], tmp_path: Path) -> Path:
    """Client 10000001's CFMMC statement, a copy the test may change."""
    name = "10000001_2026-11-20.xls"
    target = tmp_path / name
    shutil.copy(template[1] / name, target)
    return target


@pytest.fixture
def member(template: tuple[Path, Path, Path, Path], tmp_path: Path) -> Path:
    target = tmp_path / "member.csv"
    shutil.copy(template[2], target)
    return target


def _runs(db: Database) -> int:
    with db.reader() as reader:
        return len([e for e in audit.recent(reader.session, 50) if e.action == "reconcile.run"])


# ----------------------------------------------------------------- round trips
def test_every_clients_cfmmc_workbook_and_the_member_csv_reconcile_to_zero(
    db: Database, template: tuple[Path, Path, Path, Path]
) -> None:
    _path, books, member, _text = template
    assert len(list(books.iterdir())) == 500
    run, _ = rec.reconcile(db, [books, member], user="tester")
    (day,) = run.result.days
    # 500 client statements and the member's, every figure equal to the fen
    assert (day.statements_counter, day.statements_riskdesk) == (501, 501)
    assert (day.matched, day.differing, day.only_counter, day.only_riskdesk) == (501, 0, 0, 0)
    assert run.result.total_differences == 0
    assert run.formats == {"cfmmc": 500, "member": 1}
    with db.reader() as reader:
        (entry,) = [e for e in audit.recent(reader.session, 20) if e.action == "reconcile.run"]
    detail = entry.detail_data()
    assert detail["formats"] == {"cfmmc": 500, "member": 1}
    # 501 files: one count and one digest, not 501 entries
    assert detail["files"]["count"] == 501
    assert len(detail["files"]["sha256_of_digests"]) == 64


def test_the_cfmmc_workbook_reads_to_the_figures_it_prints(book: Path) -> None:
    frames = read_cfmmc_file(book).frames()
    ((client, day, source),) = frames.statements
    assert (client, day, source) == ("10000001", DAY, book.name)
    assert frames.names[client] == "汪雪"
    s = frames["summary"].set_index("field")["value"]
    # hand-read from the workbook (the same figures as the CTP statement of 10000001)
    assert s["prior_balance"] == 50_208_745  # 上日结存 502087.45
    assert s["transfers"] == 0
    assert s["daily_pnl"] == 2_084_000  # 当日盈亏 20840.00: no close, position P&L only
    assert s["fees"] == 2_353  # 当日手续费 23.53
    assert s["balance"] == 52_290_392
    assert s["margin"] == 22_260_550  # 保证金占用 222605.50
    assert s["available"] == 30_029_842
    assert s["risk_ratio_bp"] == 4_257  # 风险度 42.57%
    pos = frames["positions"].set_index("contract")
    # one side of each contract held: the 持仓汇总 margin is the line's
    assert pos.loc["c2701", "margin_fen"] == 460_320  # 4603.20
    assert pos.loc["c2701", "open_cost_milli"] == 2_301_000 * 3
    assert pos.loc["i2703", "side"] == 1
    assert int(pos["margin_fen"].sum()) == 22_260_550
    (trade,) = frames["trades"].itertuples()
    assert (trade.trade_no, trade.contract, trade.lots, trade.fee_fen) == (
        "00000476",
        "j2702",
        1,
        2_353,
    )


def test_a_close_of_lots_opened_the_same_day_round_trips(tmp_path: Path) -> None:
    # the demo day closes carried lots only: a hand-made statement opens 3 lots of m2701
    # and closes 2 of them the same day (first in, first out: against the 3,000 open)
    rows = StatementRows()
    add = rows.add
    c, d = "C1", DAY
    for fld, v in (("prior_balance", 10_000_000), ("fees", 600), ("balance", 9_999_400)):
        add("summary", client=c, day=d, field=fld, value=v)
    add(
        "trades",
        client=c,
        day=d,
        trade_no="7",
        contract="m2701",
        side=0,
        action=0,
        hedge=True,
        price_milli=3_000_000,
        lots=3,
        fee_fen=300,
        pnl_fen=0,
    )
    add(
        "trades",
        client=c,
        day=d,
        trade_no="9",
        contract="m2701",
        side=0,
        action=1,
        hedge=True,
        price_milli=3_010_000,
        lots=2,
        fee_fen=300,
        pnl_fen=20_000,
    )
    add(
        "closed",
        client=c,
        day=d,
        contract="m2701",
        side=0,
        hedge=True,
        today=True,
        close_milli=3_010_000,
        lots=2,
        open_cost_milli=6_000_000,
        prev_settle_milli=2_990_000,
        pnl_fen=20_000,
    )
    add(
        "positions",
        client=c,
        day=d,
        exchange="DCE",
        contract="m2701",
        side=0,
        hedge=True,
        lots=1,
        today_lots=1,
        open_cost_milli=3_000_000,
        prev_settle_milli=2_990_000,
        settle_milli=3_020_000,
        mtm_fen=20_000,
        margin_fen=24_160,
    )
    rows.statements.append((c, d, "RiskDesk"))
    frames = rows.frames()
    summary = dict(zip(frames["summary"]["field"], frames["summary"]["value"], strict=True))
    one = ClientRows(
        c,
        "Test",
        d,
        summary,
        frames["trades"],
        frames["closed"],
        frames["positions"],
        frames["deposits"],
    )
    path = tmp_path / "C1_2026-11-20.xls"
    write_cfmmc_workbook(one, path, firm="F", contracts={"m2701": ContractInfo("豆粕", 10)})
    grid = read_grid(path)
    assert get(grid, CLOSED, "m2701", "开仓价") == "3000"
    # the close names today's opening fill (原成交序号) and its own fill (成交序号)
    assert get(grid, CLOSED, "m2701", "原成交序号") == "7"
    assert get(grid, CLOSED, "m2701", "成交序号") == "9"
    back = read_cfmmc_file(path).frames()
    closed = back["closed"].iloc[0]
    assert (bool(closed["today"]), bool(closed["hedge"]), int(closed["side"])) == (True, True, 0)
    result = compare(back, frames)
    assert result.total_differences == 0, result.differences


# ----------------------------------------------------------------- perturbations
def test_a_fee_off_by_a_fen_in_the_cfmmc_file_is_found_and_named(db: Database, book: Path) -> None:
    grid = read_grid(book)
    assert get(grid, TRADES, "j2702", "手续费") == "23.53"
    put(grid, TRADES, "j2702", "手续费", "23.54")
    put(grid, TRADES, "合计", "手续费", "23.54")
    assert put_pair(grid, DAILY, "当日手续费", "23.54") == "23.53"
    write_grid(book, grid)
    run, _ = rec.reconcile(db, [book], user="tester")
    d = run.result.differences.sort_values("section").reset_index(drop=True)
    assert d[["client", "section", "key", "field"]].values.tolist() == [
        ["10000001", "summary", "fees", "fees"],
        ["10000001", "trades", "00000476", "fee"],
    ]
    assert d[["counter", "riskdesk", "difference"]].values.tolist() == [
        [2_354, 2_353, 1],
        [2_354, 2_353, 1],
    ]
    assert set(d["cause"]) == {"rounding"}
    (day,) = run.result.days
    # only the file's client takes part: 10000001, differing
    assert (day.matched, day.differing, day.only_riskdesk) == (0, 1, 0)


def test_a_missing_position_in_the_cfmmc_file_is_only_in_riskdesk(db: Database, book: Path) -> None:
    grid = read_grid(book)
    drop_row(grid, POSITIONS, "c2701", "买持仓")
    drop_row(grid, DAILY, "c2701", "买持仓")
    put(grid, POSITIONS, "合计", "买持仓", "10")
    put(grid, DAILY, "合计", "买持仓", "10")
    put(grid, DAILY, "合计", "交易保证金", "218002.30")  # 222605.50 − 4603.20
    write_grid(book, grid)
    run, _ = rec.reconcile(db, [book], user="tester")
    d = run.result.differences
    assert d[["section", "key", "field", "counter", "riskdesk"]].values.tolist() == [
        ["positions", "c2701 long spec", "lots", None, 3]
    ]


def test_a_flipped_hedge_flag_in_the_cfmmc_file_is_named(db: Database, book: Path) -> None:
    grid = read_grid(book)
    assert put(grid, POSITIONS, "c2701", "投机/套保", "套保") == "投机"
    put(grid, DAILY, "c2701", "投机/套保", "套保")
    write_grid(book, grid)
    run, _ = rec.reconcile(db, [book], user="tester")
    d = run.result.differences
    assert sorted(d["key"]) == ["c2701 long hedge", "c2701 long spec"]
    assert set(d["cause"]) == {"hedge_flag"}
    assert sorted(zip(d["counter"], d["riskdesk"], strict=True), key=str) == [
        (3, None),
        (None, 3),
    ]


def test_a_contracts_margin_off_by_a_fen_where_both_sides_are_held(
    db: Database, template: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    # 10000002 holds both sides of i2612: the statement prints one margin for the two
    path = tmp_path / "10000002_2026-11-20.xls"
    shutil.copy(template[1] / path.name, path)
    grid = read_grid(path)
    assert get(grid, DAILY, "i2612", "交易保证金") == "131742"  # 87828.00 + 43914.00
    put(grid, DAILY, "i2612", "交易保证金", "131742.01")
    put(grid, DAILY, "合计", "交易保证金", "")  # the total row left empty: not checked
    write_grid(path, grid)
    frames = read_cfmmc_file(path).frames()
    pos = frames["positions"]
    assert pos[pos["contract"] == "i2612"]["margin_fen"].tolist() == [-(2**63)] * 2  # unknown
    run, _ = rec.reconcile(db, [path], user="tester")
    d = run.result.differences
    assert d[["section", "key", "field", "counter", "riskdesk", "difference"]].values.tolist() == [
        ["positions", "i2612 long+short spec", "margin", 13_174_201, 13_174_200, 1]
    ]


def test_a_members_contract_margin_off_by_a_fen_is_found(db: Database, member: Path) -> None:
    text = member.read_text(encoding="utf-8-sig")
    line = "position,0101,2026-11-20,,,a2701,long,spec,16554,51966316.80"
    assert line in text
    member.write_text(text.replace(line, line[:-1] + "1"), encoding="utf-8-sig")
    run, _ = rec.reconcile(db, [member], user="tester")
    d = run.result.differences
    cols = ["client", "section", "key", "field", "counter", "riskdesk", "difference"]
    assert d[cols].values.tolist() == [
        ["0101", "member", "a2701 long spec", "margin", 5_196_631_681, 5_196_631_680, 1]
    ]
    (day,) = run.result.days
    assert (day.statements_counter, day.matched, day.differing) == (1, 0, 1)
    table = rec.breaks_frame(run)
    assert table.loc[0, "name"] == "大连恒泰期货有限公司"
    assert (table.loc[0, "counter"], table.loc[0, "difference"]) == ("51966316.81", "0.01")


def test_a_member_line_missing_and_an_item_changed_are_named(db: Database, member: Path) -> None:
    lines = member.read_text(encoding="utf-8-sig").splitlines()
    lines = [ln for ln in lines if ",a2703,long,hedge," not in ln]
    lines = [ln.replace(",reserve,25184002.28", ",reserve,25184002.38") for ln in lines]
    member.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run, _ = rec.reconcile(db, [member], user="tester")
    d = run.result.differences.sort_values("key").reset_index(drop=True)
    assert d[["key", "field", "counter", "riskdesk", "difference"]].values.tolist() == [
        ["", "reserve", 2_518_400_238, 2_518_400_228, 10],
        ["a2703 long hedge", "lots", None, 12, None],
    ]


def test_counter_text_and_the_member_csv_in_one_run(
    db: Database, template: tuple[Path, Path, Path, Path]
) -> None:
    run, _ = rec.reconcile(db, [template[3], template[2]], user="tester")
    (day,) = run.result.days
    assert (day.matched, day.differing, day.only_riskdesk) == (501, 0, 0)
    assert run.formats == {"ctp": 1, "member": 1}


def test_a_losing_lines_margin_is_compared(
    template: tuple[Path, Path, Path, Path], db: Database
) -> None:
    # a line with a position loss (negative P&L) still has its P&L and margin compared
    counter = read_ctp_file(template[3]).frames()
    tables = dict(counter.tables)
    pos = tables["positions"].copy()
    i = int(pos.index[(pos["mtm_fen"] < 0)][0])
    pos.loc[i, "margin_fen"] += 1
    tables["positions"] = pos
    with db.reader() as reader:
        side = rec.riskdesk_side(reader, DAY)
    clients = tuple(s for s in side.frames.statements if s[0] in counter.names)
    riskdesk = StatementFrames(side.frames.tables, clients, side.frames.names)
    result = compare(StatementFrames(tables, counter.statements, counter.names), riskdesk)
    d = result.differences
    assert d[["client", "section", "field", "difference"]].values.tolist() == [
        [pos.loc[i, "client"], "positions", "margin", 1]
    ]


# ----------------------------------------------------------------- the real files' quirks
def _quirky(path: Path) -> None:
    """A statement as real downloads look: merged label and value cells, full-width
    spaces and colons, numbers as text with separators and parentheses, blank rows,
    共 N 条 and 合计 rows, options and other sections not compared."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("客户交易结算日报")
    ws.write_merge(0, 0, 0, 9, "客户交易结算日报（逐日盯市）")
    ws.write(2, 0, "基本资料")
    ws.write_merge(3, 3, 0, 1, "客户期货期权内部资金账户：")
    ws.write_merge(3, 3, 2, 4, "00012345")
    ws.write_merge(3, 3, 5, 6, "交易日期")
    ws.write(3, 7, "20261120")
    ws.write_merge(4, 4, 0, 1, "客户　名称")
    ws.write_merge(4, 4, 2, 4, "测试　客户")
    ws.write(6, 0, "期货期权账户资金状况")
    pairs = (
        ("上日结存", "1,000,000.00", "客户权益", "1,002,380.00"),
        ("当日存取合计", "5,000.00", "实有货币资金", "1,002,380.00"),
        ("当日盈亏", "(2,600.00)", "非货币充抵金额", "0.00"),
        ("当日总权利金", "0.00", "货币充抵金额", "0.00"),
        ("当日手续费", "20.00", "冻结资金", "0.00"),
        ("当日结存", "1,002,380.00", "保证金占用", "30,000.00"),
        ("", "", "可用资金", "972,380.00"),
        ("", "", "风险度", "2.99%"),
        ("", "", "追加保证金", "--"),
    )
    for i, (a, av, b, bv) in enumerate(pairs):
        r = 7 + i
        if a:
            ws.write_merge(r, r, 0, 1, a)
            ws.write_merge(r, r, 2, 4, av)
        ws.write_merge(r, r, 5, 6, b)
        ws.write(r, 7, bv)
    ws.write(17, 0, "期货期权账户出入金明细")
    for c, h in enumerate(("发生日期", "入金", "出金", "方式", "摘要")):
        ws.write(18, c, h)
    ws.write(19, 0, "2026-11-20")
    ws.write(19, 1, 5000.0)
    ws.write(19, 2, 0.0)
    ws.write(19, 3, "银期转账")
    ws.write(20, 0, "共 1 条")
    ws.write(22, 0, "期权持仓汇总")  # not compared: RiskDesk holds no options
    ws.write(23, 0, "品种合约")
    ws.write(24, 0, "m2701-C-3000")
    ws.write(26, 0, "期货持仓汇总")
    heads = ("合约", "买持仓", "买均价", "卖持仓", "卖均价", "昨结算价", "今结算价")
    heads += ("持仓盯市盈亏", "交易保证金", "投机/套保")
    for c, h in enumerate(heads):
        ws.write_merge(27, 27, 2 * c, 2 * c + 1, h)  # each header over two merged cells
    row = ("m2701", "2", "3,010.000", "0", "", "2,990.000", "2,980.000")
    row += ("-2,600.00", "30,000.00", "投机")
    for c, v in enumerate(row):
        ws.write(29, 2 * c + (c % 2), v)  # under its merged header, either cell
    ws.write(30, 0, "合计")
    ws.write(30, 2, "2")
    ws.write(30, 16, "30,000.00")
    ws.write(32, 0, "注：本结算单仅供参考")
    for name, heads, data in (
        (
            "成交明细",
            (
                "合约",
                "成交序号",
                "成交时间",
                "买／卖",
                "投机／套保",
                "成交价",
                "手数",
                "成交额",
                "开／平",
                "手续费",
                "平仓盈亏",
                "实际成交日期",
            ),
            [
                (
                    "m2701",
                    "A1",
                    "21:05:00",
                    "买",
                    "投机",
                    "3,010",
                    "2",
                    "60,200",
                    "开",
                    "20.00",
                    "--",
                    "2026-11-19",
                )
            ],
        ),
        (
            "平仓明细",
            (
                "合约",
                "成交序号",
                "买/卖",
                "成交价",
                "开仓价",
                "手数",
                "昨结算价",
                "平仓盈亏",
                "原成交序号",
                "实际成交日期",
            ),
            [],
        ),
        (
            "持仓明细",
            (
                "合约",
                "成交序号",
                "买持仓",
                "买入价",
                "卖持仓",
                "卖出价",
                "昨结算价",
                "今结算价",
                "持仓盈亏",
                "投机/套保",
                "交易编码",
                "实际成交日期",
            ),
            [
                (
                    "m2701",
                    "A1",
                    "2",
                    "3,010.000",
                    "0",
                    "",
                    "2,990.000",
                    "2,980.000",
                    "(2,600.00)",
                    "投机",
                    "88001234",
                    "2026-11-19",
                )
            ],
        ),
        ("品种汇总", ("品种", "手数", "成交额", "手续费", "平仓盈亏"), []),
    ):
        sh = wb.add_sheet(name)
        sh.write(0, 0, "客户交易结算日报（逐日盯市）")
        sh.write(3, 0, "客户期货期权内部资金账户")
        sh.write(3, 2, "00012345")
        sh.write(8, 0, name)
        for c, h in enumerate(heads):
            sh.write(9, c, h)
        r = 10
        for values in data:
            r += 1  # a blank row before each data row
            for c, v in enumerate(values):
                sh.write(r, c, v)
        sh.write(r + 1, 0, f"共{len(data)}条")
    wb.save(str(path))


def test_the_quirks_of_real_files_are_read_to_the_figures_printed(tmp_path: Path) -> None:
    path = tmp_path / "00012345_2026-11-20.xls"
    _quirky(path)
    frames = read_cfmmc_file(path).frames()
    assert frames.statements == (("00012345", DAY, path.name),)
    assert frames.names["00012345"] == "测试 客户"
    s = frames["summary"].set_index("field")["value"].to_dict()
    assert s == {
        "prior_balance": 100_000_000,
        "transfers": 500_000,
        "daily_pnl": -260_000,
        "fees": 2_000,
        "balance": 100_238_000,
        "equity": 100_238_000,
        "offset": 0,
        "margin": 3_000_000,
        "available": 97_238_000,
        "risk_ratio_bp": 299,
    }
    (pos,) = frames["positions"].itertuples()
    assert (pos.contract, pos.side, pos.lots, pos.open_cost_milli) == ("m2701", 0, 2, 6_020_000)
    assert (pos.mtm_fen, pos.margin_fen, pos.settle_milli) == (-260_000, 3_000_000, 2_980_000)
    (trade,) = frames["trades"].itertuples()
    assert (trade.trade_no, trade.price_milli, trade.fee_fen, trade.pnl_fen) == (
        "A1",
        3_010_000,
        2_000,
        0,
    )
    (dep,) = frames["deposits"].itertuples()
    assert (dep.kind, dep.amount_fen, dep.on) == ("deposit", 500_000, DAY)
    # the same statement saved again as .xlsx reads the same
    xlsx = tmp_path / "again.xlsx"
    out = openpyxl.Workbook()
    out.remove(out.active)
    for name, rows in read_grid(path).items():
        ws = out.create_sheet(name)
        for row in rows:
            ws.append([v or None for v in row])
    out.save(xlsx)
    again = read_cfmmc_file(xlsx).frames()
    for table in ("summary", "positions", "trades", "deposits"):
        pd.testing.assert_frame_equal(again[table], frames[table])


def test_a_trade_by_trade_statement_is_refused(book: Path) -> None:
    grid = read_grid(book)
    grid[DAILY][0][0] = "客户交易结算日报(逐笔对冲)"
    write_grid(book, grid)
    with pytest.raises(StatementFormatError, match="逐笔对冲") as err:
        read_cfmmc_file(book)
    assert err.value.source == f"{book.name}, sheet {DAILY}"


# ----------------------------------------------------------------- bad input
def test_a_bad_number_names_file_sheet_row_and_field_and_changes_nothing(
    db: Database, book: Path
) -> None:
    grid = read_grid(book)
    put(grid, TRADES, "j2702", "手续费", "2x.53")
    write_grid(book, grid)
    with pytest.raises(InputError) as err:
        rec.reconcile(db, [book], user="tester")
    assert str(err.value).startswith(
        "10000001_2026-11-20.xls, sheet 成交明细, row 11, field '手续费': not a number"
    )
    assert _runs(db) == 0


def test_numbers_stored_as_text_read_as_numbers(db: Database, book: Path) -> None:
    write_grid(book, read_grid(book), as_text=True)
    run, _ = rec.reconcile(db, [book], user="tester")
    assert run.result.total_differences == 0


def test_a_missing_sheet_is_named(db: Database, book: Path) -> None:
    grid = read_grid(book)
    del grid[POSITIONS]
    write_grid(book, grid)
    with pytest.raises(InputError) as err:
        rec.reconcile(db, [book], user="tester")
    assert err.value.source == f"{book.name}, sheet 持仓明细"
    assert err.value.field == "sheet"
    assert "no sheet 持仓明细" in str(err.value)
    assert _runs(db) == 0


@pytest.mark.parametrize(
    ("code", "why"),
    [("zz2701", "of no exchange known"), ("m2799", "RiskDesk knows no contract 'm2799'")],
)
def test_an_unknown_contract_is_named(db: Database, book: Path, code: str, why: str) -> None:
    grid = read_grid(book)
    put(grid, TRADES, "j2702", "合约", code)
    write_grid(book, grid)
    with pytest.raises(InputError, match=why) as err:
        rec.reconcile(db, [book], user="tester")
    assert (err.value.source, err.value.row, err.value.field) == (
        f"{book.name}, sheet 成交明细",
        11,
        "合约",
    )
    assert _runs(db) == 0


def test_a_contract_of_a_product_riskdesk_does_not_carry_is_a_line_only_in_the_file(
    db: Database, book: Path
) -> None:
    # palm oil (p) is a DCE product outside RiskDesk's table: read, not refused
    grid = read_grid(book)
    put(grid, POSITIONS, "c2701", "合约", "p2701")
    put(grid, DAILY, "c2701", "合约", "p2701")
    write_grid(book, grid)
    run, _ = rec.reconcile(db, [book], user="tester")
    d = run.result.differences.sort_values("key")
    assert d[["key", "field", "counter", "riskdesk"]].values.tolist() == [
        ["c2701 long spec", "lots", None, 3],
        ["p2701 long spec", "lots", 3, None],
    ]


def test_a_total_row_that_disagrees_with_its_rows_is_refused(book: Path) -> None:
    grid = read_grid(book)
    put(grid, POSITIONS, "合计", "买持仓", "14")
    write_grid(book, grid)
    with pytest.raises(
        StatementFormatError, match="the total row says 14 but the rows add up to 13"
    ) as err:
        read_cfmmc_file(book)
    assert (err.value.row, err.value.field) == (15, "买持仓")


def test_detail_and_summary_that_disagree_are_refused(book: Path) -> None:
    grid = read_grid(book)
    drop_row(grid, POSITIONS, "c2701", "买持仓")
    put(grid, POSITIONS, "合计", "买持仓", "10")
    write_grid(book, grid)
    with pytest.raises(StatementFormatError, match="c2701 投机: 3 lots here, 0 in 持仓明细") as err:
        read_cfmmc_file(book)
    assert err.value.source == f"{book.name}, sheet {DAILY}"
    assert err.value.field == "买持仓"


@pytest.mark.parametrize(
    ("line", "field", "why"),
    [
        ("account,0101,2026-11-20,reserve,12x.00", "amount", "not a number"),
        ("account,0101,2026-11-20,bonus,1.00", "item", "unknown item 'bonus'"),
        ("account,0101,2026-11-32,reserve,1.00", "trading_day", "day is out of range"),
        ("position,0101,2026-11-20,,,m2799,long,spec,1,1.00", "contract", "no contract 'm2799'"),
        ("position,0101,2026-11-20,,,m2701,up,spec,1,1.00", "side", "neither long nor short"),
        ("position,0101,2026-11-20,,,m2701,long,spec,1.5,1.00", "lots", "not a whole number"),
        ("account,0101,2026-11-20,margin,1.00", "item", "listed twice"),
    ],
)
def test_a_bad_member_csv_row_names_file_row_and_field(
    db: Database, tmp_path: Path, line: str, field: str, why: str
) -> None:
    path = tmp_path / "member.csv"
    path.write_text(
        "# a comment\nsection,member,trading_day,item,amount,contract,side,hedge,lots,margin\n"
        "account,0101,2026-11-20,margin,1.00\n" + line + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=why) as err:
        rec.reconcile(db, [path], user="tester")
    assert (err.value.source, err.value.row, err.value.field) == ("member.csv", 4, field)
    assert _runs(db) == 0


def test_formats_are_told_by_content(
    template: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    _db, books, member, text = template
    assert detect_format(books / "10000001_2026-11-20.xls") == "cfmmc"
    assert detect_format(member) == "member"
    assert detect_format(text) == "ctp"
    renamed = tmp_path / "statements.dat"
    shutil.copy(member, renamed)
    assert detect_format(renamed) == "member"  # the name does not decide
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(StatementFormatError, match="not a member settlement CSV") as err:
        detect_format(bad)
    assert (err.value.source, err.value.field) == ("x.csv", "file")
    fake = tmp_path / "x.xls"
    fake.write_text("<html>", encoding="utf-8")
    with pytest.raises(StatementFormatError, match="not an Excel workbook"):
        detect_format(fake)
    # a member CSV in GBK reads as in UTF-8
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(member.read_text(encoding="utf-8-sig").encode("gbk"))
    assert (
        read_member_csv(gbk).frames()["members"].equals(read_member_csv(member).frames()["members"])
    )


# ----------------------------------------------------------------- the command line
def test_the_command_line_writes_and_reconciles_each_layout(db: Database, tmp_path: Path) -> None:
    url = str(db.engine.url)
    folder = tmp_path / "cfmmc"
    assert (
        main(
            [
                "--db",
                url,
                "cfmmc-statements",
                "--date",
                DAY.isoformat(),
                "--out",
                str(folder),
                "--client",
                "10000001",
                "--client",
                "10000002",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in folder.iterdir()) == [
        "10000001_2026-11-20.xls",
        "10000002_2026-11-20.xls",
    ]
    csv_path = tmp_path / "member.csv"
    assert (
        main(["--db", url, "member-statements", "--date", DAY.isoformat(), "--out", str(csv_path)])
        == 0
    )
    assert main(["--db", url, "reconcile", str(folder), str(csv_path)]) == 0
    text = csv_path.read_text(encoding="utf-8-sig")
    csv_path.write_text(
        text.replace(",reserve,25184002.28", ",reserve,25184002.29"), encoding="utf-8"
    )
    out = tmp_path / "breaks.csv"
    assert main(["--db", url, "reconcile", str(folder), str(csv_path), "--out", str(out)]) == 1
    exported = pd.read_csv(out, dtype=str, keep_default_na=False)
    cols = ["client", "section", "field", "counter", "riskdesk", "difference"]
    assert exported[cols].values.tolist() == [
        ["0101", "member", "reserve", "25184002.29", "25184002.28", "0.01"]
    ]
    assert (
        main(
            [
                "--db",
                url,
                "cfmmc-statements",
                "--date",
                DAY.isoformat(),
                "--out",
                str(folder),
                "--client",
                "99999999",
            ]
        )
        == 2
    )
