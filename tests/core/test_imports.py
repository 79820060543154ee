"""File imports: layouts, validation messages, all-or-nothing writes, idempotent upserts."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.cli import main as cli_main
from core.cli.cmd_import import KINDS as CLI_KINDS
from core.db.base import Base
from core.db.delivery_tables import DeliveryMatch, EfpRecord
from core.db.engine import Database, open_database
from core.db.tables import (
    AuditLog,
    Client,
    ClosingOrder,
    Contract,
    FundMovement,
    ImportBatch,
    Member,
    Position,
    SettlementPrice,
    Trade,
    Warehouse,
    WarehouseReceipt,
)
from core.errors import InputError, OperationCancelledError, ValidationErrors
from core.imports import (
    KINDS,
    LAYOUTS,
    REFERENCE_KINDS,
    ImportResult,
    layout_markdown,
    validate_file,
)
from core.imports.layouts import ValueType, normalise_header
from core.imports.values import BEIJING
from core.money import fen_to_str
from core.services.imports import import_file

# The daily kinds, imported here into a database holding the reference rows below; the
# reference kinds (members, clients, contracts, warehouses) start from an empty database
# in tests/core/test_import_reference.py.
DAILY_KINDS = tuple(k for k in KINDS if k not in REFERENCE_KINDS)
REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "resources" / "samples"
DOCS = REPO / "docs" / "imports.md"

TABLES: dict[str, type[Base]] = {
    "positions": Position,
    "trades": Trade,
    "settlement-prices": SettlementPrice,
    "fund-movements": FundMovement,
    "receipts": WarehouseReceipt,
    "closing-orders": ClosingOrder,
    "delivery-matches": DeliveryMatch,
    "efp": EfpRecord,
}
SAMPLE_ROWS = {
    "positions": 6,
    "trades": 6,
    "settlement-prices": 8,
    "fund-movements": 3,
    "receipts": 3,
    "closing-orders": 3,
    "delivery-matches": 3,
    "efp": 3,
}
CONTRACTS = {
    "m2701": ("m", 100),
    "i2701": ("i", 50),
    "c2701": ("c", 100),
    "y2701": ("y", 200),
}
# Companies (not individuals: they may deliver) named by the delivery and EFP samples,
# with their codes in the demo database.
INSTITUTIONS = (
    "10000027",
    "10000041",
    "10000073",
    "10000096",
    "10000122",
    "10000159",
    "10000185",
    "10000211",
    "10000331",
)


# --------------------------------------------------------------------- fixtures
def add_reference_rows(session: Session) -> None:
    """The member, clients, contracts and warehouses the samples and tests name."""
    session.add_all(
        [
            Member(code="0101", name="大连测试期货", kind="brokerage", min_reserve_fen=0),
            Member(code="0102", name="另一会员", kind="brokerage", min_reserve_fen=0),
        ]
    )
    session.flush()
    session.add_all(
        Client(code=f"{10_000_000 + i}", member_code="0101", name=f"客户{i}") for i in range(1, 6)
    )
    session.add_all(
        Client(code=code, member_code="0101", name=f"公司{code}", is_individual=False)
        for code in INSTITUTIONS
    )
    session.add(Client(code="20000001", member_code="0102", name="其他会员客户"))
    for code, (product, tick) in CONTRACTS.items():
        session.add(
            Contract(
                code=code,
                product_code=product,
                delivery_month=date(2026, 1, 1),
                tick_fen=tick,
                price_limit_ppm=50_000,
                general_margin_ppm=70_000,
                hedge_margin_ppm=60_000,
            )
        )
    session.add(  # an expired contract
        Contract(
            code="m2611",
            product_code="m",
            delivery_month=date(2026, 11, 1),
            listing_date=date(2025, 11, 17),
            last_trading_day=date(2026, 11, 13),
            last_delivery_day=date(2026, 11, 19),
            tick_fen=100,
            price_limit_ppm=50_000,
            general_margin_ppm=70_000,
            hedge_margin_ppm=60_000,
        )
    )
    session.add(  # in its delivery month: rolling delivery 2026-11-02 to 2026-11-12
        Contract(
            code="c2611",
            product_code="c",
            delivery_month=date(2026, 11, 1),
            listing_date=date(2025, 11, 17),
            last_trading_day=date(2026, 11, 13),
            last_delivery_day=date(2026, 11, 18),
            tick_fen=100,
            price_limit_ppm=50_000,
            general_margin_ppm=70_000,
            hedge_margin_ppm=60_000,
        )
    )
    session.add_all(Warehouse(code=code, name_zh=code, name_en=code) for code in ("DL01", "DL02"))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with reference rows, built once; tests copy it (STYLE B9)."""
    path = tmp_path_factory.mktemp("imports") / "template.sqlite"
    db = open_database(f"sqlite:///{path}")
    with db.sessions.begin() as session:
        add_reference_rows(session)
    db.engine.dispose()  # the last close checkpoints the WAL into the file
    return path


def copy_db(template: Path, folder: Path) -> Database:
    path = folder / "risk.sqlite"
    shutil.copy(template, path)
    return open_database(f"sqlite:///{path}")


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Iterator[Database]:
    database = copy_db(template_db, tmp_path)
    yield database
    database.engine.dispose()


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def counts(db: Database) -> dict[str, int]:
    models: tuple[type[Base], ...] = (*TABLES.values(), ImportBatch, AuditLog)
    with db.sessions() as session:
        return {
            model.__tablename__: session.execute(
                select(func.count()).select_from(model.__table__)
            ).scalar_one()
            for model in models
        }


def contents(db: Database, model: type[Base]) -> list[tuple[Any, ...]]:
    table = model.__table__
    with db.sessions() as session:
        return [tuple(r) for r in session.execute(select(table).order_by(*table.c))]


def import_sample(db: Database, kind: str, **kwargs: Any) -> ImportResult:
    return import_file(db, kind, SAMPLES / f"{kind}.csv", user="tester", **kwargs)[0]


def errors_of(db: Database, kind: str, path: Path) -> list[InputError]:
    """The errors of an import, after checking that it wrote nothing at all."""
    before = counts(db)
    with pytest.raises(ValidationErrors) as info:
        import_file(db, kind, path, user="tester")
    assert counts(db) == before
    assert described(validate_file(db, kind, path)) == described(info.value.errors)
    return info.value.errors


def described(errors: list[InputError]) -> list[str]:
    return [e.describe() for e in errors]


def sample_header(kind: str) -> str:
    return (SAMPLES / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[0]


POSITIONS_HEADER = sample_header("positions")


# --------------------------------------------------------------------- layouts & docs
def test_cli_kinds_match_layouts() -> None:
    assert CLI_KINDS == KINDS


def test_docs_show_every_layout_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for layout in LAYOUTS.values():
        assert layout_markdown(layout) in text, f"docs/imports.md: {layout.kind} table"


@pytest.mark.parametrize("kind", KINDS)
def test_headers_and_aliases_are_unambiguous(kind: str) -> None:
    names = [normalise_header(a) for c in LAYOUTS[kind].columns for a in (c.name, *c.aliases)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("kind", KINDS)
def test_sample_headers_are_the_layout_in_order(kind: str) -> None:
    assert sample_header(kind).split(",") == [c.name for c in LAYOUTS[kind].columns]


# --------------------------------------------------------------------- good files
@pytest.mark.parametrize("kind", DAILY_KINDS)
def test_sample_csv_imports_every_row(db: Database, kind: str) -> None:
    result = import_sample(db, kind)
    n = SAMPLE_ROWS[kind]
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (
        n,
        n,
        0,
        0,
    )
    assert counts(db)[TABLES[kind].__tablename__] == n
    with db.sessions() as session:
        batch = session.scalars(select(ImportBatch)).one()
        audit = session.scalars(select(AuditLog)).one()
    assert (batch.kind, batch.file_name, batch.rows, batch.inserted, batch.updated) == (
        kind,
        f"{kind}.csv",
        n,
        n,
        0,
    )
    assert batch.sha256 == result.sha256
    assert batch.id == result.batch_id
    assert audit.action == f"import.{kind}"
    assert audit.user == "tester"
    assert result.sha256 in audit.detail


def test_sample_values_are_stored_exactly(db: Database) -> None:
    for kind in DAILY_KINDS:
        import_sample(db, kind)
    with db.sessions() as session:
        pos = session.scalars(
            select(Position).where(
                Position.client_code == "10000001", Position.contract_code == "i2701"
            )
        ).one()
        assert (pos.trading_day, pos.side, pos.hedge, pos.lots, pos.today_lots) == (
            date(2026, 11, 20),
            "short",
            False,
            10,
            0,
        )
        assert (pos.open_price_fen, pos.margin_fen) == (78_650, 10_276_500)
        trade = session.scalars(select(Trade).where(Trade.trade_no == "T20261120-0001")).one()
        assert trade.traded_at is not None
        assert trade.traded_at.replace(tzinfo=BEIJING) == datetime(
            2026, 11, 19, 21, 5, 14, tzinfo=BEIJING
        )
        assert (trade.price_fen, trade.fee_fen, trade.action) == (301_500, 750, "open")
        price = session.get(SettlementPrice, (date(2026, 11, 20), "i2701"))
        assert price is not None
        assert (price.settlement_fen, price.upper_limit_fen, price.lower_limit_fen) == (
            79_050,
            87_450,
            71_550,
        )
        reserve = session.scalars(
            select(FundMovement).where(FundMovement.movement_no == "F20261120-0003")
        ).one()
        assert (reserve.client_code, reserve.amount_fen) == (None, 1_000_000_000)
        receipt = session.get(WarehouseReceipt, "WR-C-0001")
        assert receipt is not None
        assert (receipt.production_date, receipt.status, receipt.tons) == (
            None,
            "held",
            200,
        )
        order = session.scalars(
            select(ClosingOrder).where(ClosingOrder.order_no == "O20261120-0003")
        ).one()
        assert (order.side, order.lots, order.price_fen) == ("short", 4, 318_600)


def to_xlsx(kind: str, source: Path, target: Path) -> Path:
    """The CSV as a workbook with typed cells (numbers, dates) as Excel would hold them."""
    types = {c.name: c.type for c in LAYOUTS[kind].columns}
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[Any] = []
        for name, text in zip(rows[0], row, strict=True):
            t = types[name]
            if not text:
                cells.append(None)
            elif t in (ValueType.INTEGER, ValueType.INDIVIDUAL):
                cells.append(int(text))
            elif t in (ValueType.PRICE, ValueType.MONEY, ValueType.RATE):
                cells.append(float(text))
            elif t in (ValueType.DATE, ValueType.TRADING_DAY):
                cells.append(date.fromisoformat(text))
            elif t is ValueType.DATETIME:
                cells.append(datetime.fromisoformat(text))
            else:
                cells.append(text)
        sheet.append(cells)
    book.save(target)
    return target


@pytest.mark.parametrize("kind", DAILY_KINDS)
def test_xlsx_imports_the_same_rows_as_csv(db: Database, tmp_path: Path, kind: str) -> None:
    import_sample(db, kind)
    stored = contents(db, TABLES[kind])
    xlsx = to_xlsx(kind, SAMPLES / f"{kind}.csv", tmp_path / f"{kind}.xlsx")
    result, _ = import_file(db, kind, xlsx, user="tester")
    n = SAMPLE_ROWS[kind]
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, n)
    assert contents(db, TABLES[kind]) == stored


def test_sample_xlsx_with_chinese_headers_matches_positions_csv(db: Database) -> None:
    import_sample(db, "positions")
    stored = contents(db, Position)
    result, _ = import_file(db, "positions", SAMPLES / "positions.xlsx", user="tester")
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 6)
    assert contents(db, Position) == stored


# --------------------------------------------------------------------- idempotence
@pytest.mark.parametrize("kind", DAILY_KINDS)
def test_reimport_is_idempotent(db: Database, kind: str) -> None:
    import_sample(db, kind)
    before, stored = counts(db), contents(db, TABLES[kind])
    again = import_sample(db, kind)
    n = SAMPLE_ROWS[kind]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, n)
    assert contents(db, TABLES[kind]) == stored
    after = counts(db)
    assert after[TABLES[kind].__tablename__] == before[TABLES[kind].__tablename__]
    assert after["import_batch"] == before["import_batch"] + 1  # the audit trail grows


def test_corrected_reimport_updates_changed_rows_only(db: Database, tmp_path: Path) -> None:
    import_sample(db, "positions")
    text = (SAMPLES / "positions.csv").read_text(encoding="utf-8")
    fixed = text.replace(
        "10000003,m2701,short,0,15,0,3040,31710.00",
        "10000003,m2701,short,0,16,1,3039,33824.00",
    )
    fixed += "2026-11-20,10000005,c2701,short,0,1,1,2318,1622.60\n"
    result, _ = import_file(db, "positions", write(tmp_path, "positions.csv", fixed), user="tester")
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (
        7,
        1,
        1,
        5,
    )
    with db.sessions() as session:
        pos = session.scalars(select(Position).where(Position.client_code == "10000003")).one()
        assert (pos.lots, pos.today_lots, pos.open_price_fen, pos.margin_fen) == (
            16,
            1,
            303_900,
            3_382_400,
        )
        batch = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        assert batch is not None
        assert (batch.inserted, batch.updated) == (1, 1)


def test_absent_optional_column_keeps_stored_values(db: Database, tmp_path: Path) -> None:
    import_sample(db, "positions")
    lines = (SAMPLES / "positions.csv").read_text(encoding="utf-8").splitlines()
    without_margin = "\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n"
    result, _ = import_file(
        db, "positions", write(tmp_path, "p.csv", without_margin), user="tester"
    )
    assert result.unchanged == 6
    with db.sessions() as session:
        assert session.scalar(select(func.sum(Position.margin_fen))) == 31_847_740


def test_dry_run_counts_and_writes_nothing(db: Database) -> None:
    before = counts(db)
    result = import_sample(db, "trades", dry_run=True)
    assert (result.dry_run, result.inserted, result.batch_id) == (True, 6, None)
    assert counts(db) == before
    assert "dry run" in result.summary()


# --------------------------------------------------------------------- bad files
BAD_FILES = {
    # kind: (file text, expected message), one bad cell each
    "positions": (
        POSITIONS_HEADER + "\n2026-11-20,10000001,m2701,long,0,20,5,3012,1.00\n"
        "2026-11-20,10000002,m2701,long,0,-5,0,3012,1.00\n",
        "positions.csv, row 3, field 'lots': must be a whole number >= 0, got '-5'",
    ),
    "trades": (
        sample_header("trades") + "\n2026-11-20,T1,,10000001,m2701,long,open,0,1,3012,0\n"
        "2026-11-20,T2,,10000001,m2701,long,open,0,0,3012,0\n",
        "trades.csv, row 3, field 'lots': must be a whole number >= 1, got '0'",
    ),
    "settlement-prices": (
        sample_header("settlement-prices") + "\n2026-11-20,y2701,7817,,,none,0,0\n",
        "settlement-prices.csv, row 2, field 'settlement_price': must be a multiple of "
        "the tick of y2701 (2.00 yuan), got '7817'",
    ),
    "fund-movements": (
        sample_header("fund-movements") + "\nF1,2026-11-20,0101,10000001,refund,1.00,\n",
        "fund-movements.csv, row 2, field 'kind': must be one of deposit, withdrawal, got 'refund'",
    ),
    "receipts": (
        sample_header("receipts") + "\nR1,m,XX99,0101,10000001,1,10,,2026-11-02,,\n",
        "receipts.csv, row 2, field 'warehouse': unknown warehouse (not in the warehouse "
        "table), got 'XX99'",
    ),
    "closing-orders": (
        sample_header("closing-orders") + "\n2026-11-20,O1,10000001,m2701,long,0,1,2884\n"
        "2026-11-20,O1,10000002,m2701,long,0,1,2884\n",
        "closing-orders.csv, row 3, field 'trading_day+order_no': duplicate key "
        "(trading_day=2026-11-20, order_no=O1): already on row 2",
    ),
    "delivery-matches": (
        sample_header("delivery-matches") + "\n2026-11-10,c2611,10000331,10000331,10,2200\n",
        "delivery-matches.csv, row 2, field 'buyer': must be a different client from the "
        "other party, got '10000331' for both",
    ),
    "efp": (
        sample_header("efp") + "\n2026-11-19,m2701,10000027,10000041,5,2540.00,futures\n",
        "efp.csv, row 2, field 'kind': must be one of non_standard, standard, got 'futures'",
    ),
}


@pytest.mark.parametrize("kind", DAILY_KINDS)
def test_bad_file_names_file_row_field_and_writes_nothing(
    db: Database, tmp_path: Path, kind: str
) -> None:
    for sample in DAILY_KINDS:
        import_sample(db, sample)
    text, expected = BAD_FILES[kind]
    errors = errors_of(db, kind, write(tmp_path, f"{kind}.csv", text))
    assert described(errors) == [expected]


def bad_positions(
    db: Database, tmp_path: Path, *rows: str, header: str = POSITIONS_HEADER
) -> list[str]:
    text = header + "\n" + "\n".join(rows) + "\n"
    return described(errors_of(db, "positions", write(tmp_path, "positions.csv", text)))


GOOD = "2026-11-20,10000001,m2701,long,0,20,5,3012,42280.00"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(
            "2026-11-20,10000001,m2799,long,0,20,5,3012,0",
            "field 'contract': unknown contract (not in the contract table), got 'm2799'",
            id="unknown-contract",
        ),
        pytest.param(
            "2026-11-20,10000001,m2611,long,0,20,5,3012,0",
            "field 'contract': contract m2611 had expired by 2026-11-20 (last day 2026-11-19)",
            id="expired-contract",
        ),
        pytest.param(
            "2026-11-20,99999999,m2701,long,0,20,5,3012,0",
            "field 'client': unknown client (not in the client table), got '99999999'",
            id="unknown-client",
        ),
        pytest.param(
            "2026-11-20,10000001,m2701,long,0,-5,0,3012,0",
            "field 'lots': must be a whole number >= 0, got '-5'",
            id="negative-lots",
        ),
        pytest.param(
            "2026-11-20,10000001,m2701,long,0,2.5,0,3012,0",
            "field 'lots': must be a whole number >= 0, got '2.5'",
            id="fractional-lots",
        ),
        pytest.param(
            "20/11/2026,10000001,m2701,long,0,20,5,3012,0",
            "field 'trading_day': must be a date YYYY-MM-DD, got '20/11/2026'",
            id="unparseable-date",
        ),
        pytest.param(
            "2026-02-30,10000001,m2701,long,0,20,5,3012,0",
            "field 'trading_day': must be a date YYYY-MM-DD, got '2026-02-30'",
            id="impossible-date",
        ),
        pytest.param(
            "2026-11-21,10000001,m2701,long,0,20,5,3012,0",
            "field 'trading_day': must be a trading day, got '2026-11-21' (a Saturday)",
            id="weekend",
        ),
        pytest.param(
            "2026-10-01,10000001,m2701,long,0,20,5,3012,0",
            "field 'trading_day': must be a trading day, got '2026-10-01' "
            "(a Thursday, exchange closed)",
            id="holiday",
        ),
        pytest.param(
            "2026-11-20,10000001,i2701,long,0,20,5,786.3,0",
            "field 'open_price': must be a multiple of the tick of i2701 (0.50 yuan), got '786.3'",
            id="off-tick",
        ),
        pytest.param(
            "2026-11-20,10000001,m2701,long,0,20,5,3012.001,0",
            "field 'open_price': must have at most two decimals (whole fen), got '3012.001'",
            id="three-decimals",
        ),
        pytest.param(
            "2026-11-20,10000001,m2701,long,0,20,5,abc,0",
            "field 'open_price': must be a price in yuan such as 3012.50, got 'abc'",
            id="not-a-number",
        ),
        pytest.param(
            "2026-11-20,10000001,m2701,long,0,20,5,0,0",
            "field 'open_price': must be a price > 0, got '0'",
            id="zero-price",
        ),
        pytest.param(
            "2026-11-20,10000001,m2701,up,0,20,5,3012,0",
            "field 'side': must be one of buy, long, sell, short, got 'up'",
            id="bad-side",
        ),
        pytest.param(
            "2026-11-20,10000001,m2701,long,maybe,20,5,3012,0",
            "field 'hedge': must be 0 (speculative) or 1 (hedge), got 'maybe'",
            id="bad-hedge",
        ),
        pytest.param(
            "2026-11-20,10000001,m2701,long,0,20,25,3012,0",
            "field 'today_lots': must not exceed lots (20), got '25'",
            id="today-above-lots",
        ),
        pytest.param(
            "2026-11-20,,m2701,long,0,20,5,3012,0",
            "field 'client': required value is missing",
            id="empty-required",
        ),
        pytest.param(
            "2026-11-20,10000001,m2701,long,0,20,5,3012,-1.00",
            "field 'margin': must be an amount >= 0.00, got '-1.00'",
            id="negative-money",
        ),
        pytest.param(
            "2027-03-01,10000001,m2701,long,0,20,5,3012,0",
            "field 'trading_day': 2027-03-01 is beyond the trading calendar",
            id="beyond-calendar",
        ),
    ],
)
def test_bad_position_cell(db: Database, tmp_path: Path, row: str, expected: str) -> None:
    (message,) = bad_positions(db, tmp_path, GOOD.replace("10000001", "10000002"), row)
    assert message.startswith(f"positions.csv, row 3, {expected}")


def test_duplicate_position_key_names_both_rows(db: Database, tmp_path: Path) -> None:
    messages = bad_positions(
        db,
        tmp_path,
        GOOD,
        GOOD.replace("10000001", "10000002"),
        GOOD.replace(",long,", ",buy,"),
    )
    assert messages == [
        "positions.csv, row 4, field 'trading_day+client+contract+side+hedge': duplicate "
        "key (trading_day=2026-11-20, client=10000001, contract=m2701, side=long, hedge=0): "
        "already on row 2"
    ]


def test_missing_and_doubled_columns_are_reported_on_row_1(db: Database, tmp_path: Path) -> None:
    header = "trading_day,client,contract,side,lots,手数,margin"
    messages = bad_positions(db, tmp_path, "2026-11-20,10000001,m2701,long,1,1,0", header=header)
    assert messages == [
        "positions.csv, row 1, field '手数': column 'lots' appears twice (as 'lots' in "
        "column 5 and in column 6)",
        "positions.csv, row 1, field 'open_price': required column is missing "
        "(accepted headers: open_price, 开仓价, 开仓均价, 持仓均价)",
    ]


def test_all_errors_are_collected_in_row_order(db: Database, tmp_path: Path) -> None:
    messages = bad_positions(
        db,
        tmp_path,
        "2026-11-21,10000001,m2799,long,0,-1,0,3012,0",
        GOOD,
        "2026-11-20,10000002,m2701,long,0,3,0,3012.5,0",
    )
    assert [m.split(": ")[0] for m in messages] == [
        "positions.csv, row 2, field 'trading_day'",
        "positions.csv, row 2, field 'contract'",
        "positions.csv, row 2, field 'lots'",
        "positions.csv, row 4, field 'open_price'",
    ]


def test_errors_are_capped_with_a_count_of_the_rest(db: Database, tmp_path: Path) -> None:
    rows = [f"2026-11-20,10000001,m26{i:02d},long,0,1,0,3012,0" for i in range(13, 263)]
    errors = validate_file(
        db,
        "positions",
        write(tmp_path, "p.csv", POSITIONS_HEADER + "\n" + "\n".join(rows)),
        max_errors=200,
    )
    assert len(errors) == 201
    assert errors[0].row == 2
    assert errors[199].row == 201
    assert errors[-1].describe() == "p.csv: 50 more error(s) not shown; fix these and re-run"


def test_blank_rows_are_skipped_but_keep_row_numbers(db: Database, tmp_path: Path) -> None:
    messages = bad_positions(
        db,
        tmp_path,
        GOOD,
        "",
        ",,,,,,,,",
        "2026-11-20,10000002,m2701,long,0,x,0,3012,0",
    )
    assert messages == ["positions.csv, row 5, field 'lots': must be a whole number >= 0, got 'x'"]


def test_client_of_another_member_is_refused(db: Database, tmp_path: Path) -> None:
    text = sample_header("fund-movements") + "\nF1,2026-11-20,0101,20000001,deposit,1.00,\n"
    errors = errors_of(db, "fund-movements", write(tmp_path, "f.csv", text))
    assert described(errors) == [
        "f.csv, row 2, field 'client': client 20000001 belongs to member 0102, not to 0101"
    ]


def test_limit_prices_must_bracket_the_settlement_price(db: Database, tmp_path: Path) -> None:
    text = sample_header("settlement-prices") + "\n2026-11-20,m2701,3020,3010,3030,,,\n"
    errors = errors_of(db, "settlement-prices", write(tmp_path, "s.csv", text))
    assert [e.field for e in errors] == ["upper_limit", "lower_limit"]


def test_unreadable_files_are_input_errors(db: Database, tmp_path: Path) -> None:
    cases = {
        "empty.csv": b"",
        "header-only.csv": POSITIONS_HEADER.encode(),
        "binary.csv": b"\xff\xfe\x00\x81\x00",
        "book.xlsx": b"not a zip file",
        "notes.txt": b"hello",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ValidationErrors) as info:
            import_file(db, "positions", path, user="tester")
        (error,) = info.value.errors
        assert error.source == name
    missing = validate_file(db, "positions", tmp_path / "nope.csv")
    assert "cannot read the file" in missing[0].describe()
    assert counts(db)["import_batch"] == 0


# --------------------------------------------------------------------- formats
def test_chinese_headers_and_values(db: Database, tmp_path: Path) -> None:
    text = (
        "交易日,客户号,合约,买卖,投保,手数,今仓,开仓均价(元),保证金,备注\n"
        "20261120,10000001,M2701,买,投机,20,5,3012.00,42280,多头\n"
        "2026/11/20,10000001,m2701,卖,套保,3,0,3 012,0,空头\n"
    )
    messages = described(errors_of(db, "positions", write(tmp_path, "持仓.csv", text)))
    assert messages == [
        "持仓.csv, row 3, field '开仓均价(元)': must be a price in yuan "
        "such as 3012.50, got '3 012'"
    ]
    result, _ = import_file(
        db,
        "positions",
        write(tmp_path, "持仓.csv", text.replace("3 012", "3012")),
        user="tester",
    )
    assert result.inserted == 2
    assert result.ignored_columns == ("备注",)
    with db.sessions() as session:
        rows = session.execute(
            select(Position.side, Position.hedge, Position.lots).order_by(Position.lots)
        ).all()
    assert [tuple(r) for r in rows] == [("short", True, 3), ("long", False, 20)]


def test_utf8_bom_and_gb18030_files(db: Database, tmp_path: Path) -> None:
    text = "交易日,客户号,合约,方向,手数,开仓价\n2026-11-20,10000001,m2701,多,1,3012\n"
    bom = write(tmp_path, "bom.csv", "\ufeff" + text)
    assert import_file(db, "positions", bom, user="tester")[0].inserted == 1
    gbk = write(tmp_path, "gbk.csv", text.replace(",多,", ",空,"), encoding="gb18030")
    assert import_file(db, "positions", gbk, user="tester")[0].inserted == 1


def test_trade_buy_sell_resolved_with_action(db: Database, tmp_path: Path) -> None:
    text = (
        sample_header("trades") + "\n"
        "2026-11-20,B1,,10000001,m2701,buy,open,0,1,3012,\n"
        "2026-11-20,B2,,10000001,m2701,sell,close,0,1,3012,\n"
        "2026-11-20,B3,,10000001,m2701,卖,开仓,0,1,3012,\n"
        "2026-11-20,B4,,10000001,m2701,买,平今,0,1,3012,\n"
    )
    import_file(db, "trades", write(tmp_path, "t.csv", text), user="tester")
    with db.sessions() as session:
        got = session.execute(
            select(Trade.trade_no, Trade.side, Trade.action).order_by(Trade.trade_no)
        ).all()
    assert [tuple(r) for r in got] == [
        ("B1", "long", "open"),
        ("B2", "long", "close"),
        ("B3", "short", "open"),
        ("B4", "short", "close"),
    ]


def test_receipt_holder_may_be_the_member_itself(db: Database, tmp_path: Path) -> None:
    text = (
        sample_header("receipts") + "\n"
        "R1,m,DL01,0101,0101,1,10,,2026-11-02,,\n"
        "R2,m,DL01,0101,0102,1,10,2026-11-03,2026-11-02,,\n"
    )
    messages = described(errors_of(db, "receipts", write(tmp_path, "r.csv", text)))
    assert messages == [
        "r.csv, row 3, field 'holder': must be a client of member 0101 or the member "
        "itself, got member code '0102'",
        "r.csv, row 3, field 'production_date': must not be after the registration date "
        "(2026-11-02), got '2026-11-03'",
    ]


# --------------------------------------------------------------------- progress & CLI
def test_progress_reports_stages_and_cancel_rolls_back(db: Database) -> None:
    stages: list[str] = []

    def progress(stage: str, done: int, total: int | None) -> None:
        stages.append(stage)
        if stage == "write":
            raise OperationCancelledError(stage)

    before = counts(db)
    with pytest.raises(OperationCancelledError):
        import_sample(db, "positions", progress=progress)
    assert counts(db) == before
    assert list(dict.fromkeys(stages)) == ["read", "validate", "compare", "write"]


def test_cli_imports_and_reports(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["--db", db.url, "import", "receipts", str(SAMPLES / "receipts.csv")])
    assert code == 0
    assert "3 new, 0 updated, 0 unchanged" in capsys.readouterr().out


def test_cli_prints_each_error_and_exits_2(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "positions.csv",
        POSITIONS_HEADER + "\n2026-11-20,10000001,m2799,long,0,-5,0,3012,0\n",
    )
    code = cli_main(["--db", db.url, "import", "positions", str(path), "--dry-run"])
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "positions.csv, row 2, field 'contract': unknown contract (not in the contract "
        "table), got 'm2799'",
        "positions.csv, row 2, field 'lots': must be a whole number >= 0, got '-5'",
        "2 error(s); nothing was imported",
    ]


# --------------------------------------------------------------------- round trip
def _price_text(fen: int, style: int) -> str:
    text = fen_to_str(fen)
    if style == 1:
        return text.rstrip("0").rstrip(".")
    if style == 2:
        return text + "0"
    return text


position_rows = st.lists(
    st.tuples(
        st.sampled_from(["10000001", "10000002", "10000003", "10000004", "10000005"]),
        st.sampled_from(sorted(CONTRACTS)),
        st.sampled_from(["long", "short"]),
        st.booleans(),
        st.integers(0, 10**6),
        st.integers(0, 10**6),
        st.integers(1, 5 * 10**5),  # price in ticks (y2701's 2.00: up to the plausible 1e6 yuan)
        st.integers(0, 10**12),  # margin fen
        st.integers(0, 2),  # text style of the numbers
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda r: r[:4],
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=position_rows)
def test_random_positions_round_trip(db: Database, tmp_path: Path, rows: list[Any]) -> None:
    out = io.StringIO()
    out.write(POSITIONS_HEADER + "\n")
    expected = {}
    for client, contract, side, hedge, lots, today, ticks, margin, style in rows:
        today = min(today, lots)
        price_fen = ticks * CONTRACTS[contract][1]
        out.write(
            f"2026-11-20,{client},{contract},{side},{int(hedge)},{lots},{today},"
            f"{_price_text(price_fen, style)},{_price_text(margin, style)}\n"
        )
        expected[(client, contract, side, hedge)] = (lots, today, price_fen, margin)
    path = write(tmp_path, "positions.csv", out.getvalue())
    result, _ = import_file(db, "positions", path, user="tester")
    assert result.rows == len(rows)
    with db.sessions() as session:
        stored = {
            (p.client_code, p.contract_code, p.side, p.hedge): (
                p.lots,
                p.today_lots,
                p.open_price_fen,
                p.margin_fen,
            )
            for p in session.scalars(select(Position))
        }
    assert {k: stored[k] for k in expected} == expected
    again, _ = import_file(db, "positions", path, user="tester")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(rows))
