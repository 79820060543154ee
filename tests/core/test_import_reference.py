"""Reference-data imports on an empty database: members, clients (with their trading
codes), contracts (with what the product rules define) and warehouses, then every daily
sample on top; idempotent re-imports, Chinese headers, bad rows and batches of files
that depend on each other."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core.cli import main as cli_main
from core.db.base import Base
from core.db.engine import Database, open_database
from core.db.tables import (
    Client,
    Contract,
    ImportBatch,
    Member,
    Position,
    TradingCode,
    Warehouse,
)
from core.errors import InputError, ValidationErrors
from core.imports import (
    KINDS,
    LAYOUTS,
    REFERENCE_KINDS,
    ImportResult,
    check_files,
    validate_file,
)
from core.services.imports import import_file
from tests.core.test_imports import SAMPLES, sample_header, to_xlsx

TABLES: dict[str, type[Base]] = {
    "members": Member,
    "clients": Client,
    "contracts": Contract,
    "warehouses": Warehouse,
}
SAMPLE_ROWS = {"members": 1, "clients": 13, "contracts": 5, "warehouses": 3}
DAILY_ROWS = {
    "positions": 6,
    "trades": 6,
    "settlement-prices": 8,
    "fund-movements": 3,
    "receipts": 3,
    "closing-orders": 3,
    "delivery-matches": 3,
    "efp": 3,
}


# --------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding nothing but the product table."""
    path = tmp_path_factory.mktemp("reference") / "empty.sqlite"
    open_database(f"sqlite:///{path}").engine.dispose()
    return path


@pytest.fixture
def db(empty_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "risk.sqlite"
    shutil.copy(empty_template, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.engine.dispose()


def sample(kind: str) -> Path:
    return SAMPLES / f"{kind}.csv"


def import_sample(db: Database, kind: str) -> ImportResult:
    return import_file(db, kind, sample(kind), user="tester")[0]


def import_reference(db: Database) -> None:
    for kind in REFERENCE_KINDS:
        import_sample(db, kind)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Database, model: type[Base]) -> list[tuple[Any, ...]]:
    table = model.__table__
    with db.sessions() as session:
        return [tuple(r) for r in session.execute(select(table).order_by(*table.c))]


def count(db: Database, model: type[Base]) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def everything(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    models: tuple[type[Base], ...] = (*TABLES.values(), TradingCode, ImportBatch)
    return {m.__tablename__: rows(db, m) for m in models}


def refused(db: Database, kind: str, path: Path) -> list[str]:
    """The errors of an import, after checking that it wrote nothing at all."""
    before = everything(db)
    with pytest.raises(ValidationErrors) as info:
        import_file(db, kind, path, user="tester")
    assert everything(db) == before
    described = [e.describe() for e in info.value.errors]
    assert [e.describe() for e in validate_file(db, kind, path)] == described
    return described


# --------------------------------------------------------------------- good files
def test_reference_then_every_daily_sample_imports_on_an_empty_database(db: Database) -> None:
    assert count(db, Member) == count(db, Client) == count(db, Contract) == 0
    for kind in KINDS:
        result = import_sample(db, kind)
        n = SAMPLE_ROWS.get(kind) or DAILY_ROWS[kind]
        assert (result.rows, result.inserted, result.updated, result.unchanged) == (n, n, 0, 0)
    assert count(db, ImportBatch) == len(KINDS)
    assert count(db, Position) == 6


def test_reference_rows_are_stored_with_what_the_rules_define(db: Database) -> None:
    import_reference(db)
    with db.sessions() as session:
        member = session.get(Member, "0101")
        assert member is not None
        assert (member.name, member.kind, member.min_reserve_fen) == (
            "大连恒泰期货有限公司",
            "brokerage",
            200_000_000,
        )
        seller = session.get(Client, "10000331")
        assert seller is not None
        assert (seller.member_code, seller.is_individual, seller.opened_on) == (
            "0101",
            False,
            date(2014, 9, 4),
        )
        person = session.get(Client, "10000001")
        assert person is not None
        assert person.is_individual
        code = session.get(TradingCode, "010110000001")
        assert code is not None
        assert (code.client_code, code.member_code, code.opened_on) == (
            "10000001",
            "0101",
            date(2019, 11, 27),
        )
        # In its delivery month: dates from corn's rules (10th trading day; +3).
        c2611 = session.get(Contract, "c2611")
        assert c2611 is not None
        assert (
            c2611.product_code,
            c2611.delivery_month,
            c2611.listing_date,
            c2611.last_trading_day,
            c2611.last_delivery_day,
        ) == ("c", date(2026, 11, 1), date(2025, 11, 17), date(2026, 11, 13), date(2026, 11, 18))
        # Iron ore: tick 0.50 from products.toml; January 2027 is beyond the calendar.
        i2701 = session.get(Contract, "i2701")
        assert i2701 is not None
        assert (
            i2701.tick_fen,
            i2701.listing_date,
            i2701.last_trading_day,
            i2701.last_delivery_day,
            i2701.price_limit_ppm,
            i2701.general_margin_ppm,
            i2701.hedge_margin_ppm,
        ) == (50, date(2026, 1, 19), None, None, 100_000, 130_000, 120_000)
        factory = session.get(Warehouse, "FY01")
        assert factory is not None
        assert (factory.kind, factory.city) == ("factory", "张家港")
    assert count(db, TradingCode) == 13


@pytest.mark.parametrize("kind", REFERENCE_KINDS)
def test_reimport_is_idempotent(db: Database, kind: str) -> None:
    import_reference(db)
    before = everything(db)
    again = import_sample(db, kind)
    n = SAMPLE_ROWS[kind]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, n)
    after = everything(db)
    assert after.pop("import_batch")[:-1] == before.pop("import_batch")  # the trail grows
    assert after == before


@pytest.mark.parametrize("kind", REFERENCE_KINDS)
def test_xlsx_imports_the_same_rows_as_csv(db: Database, tmp_path: Path, kind: str) -> None:
    import_reference(db)
    stored = rows(db, TABLES[kind])
    xlsx = to_xlsx(kind, sample(kind), tmp_path / f"{kind}.xlsx")
    result, _ = import_file(db, kind, xlsx, user="tester")
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, SAMPLE_ROWS[kind])
    assert rows(db, TABLES[kind]) == stored


def test_empty_cells_take_the_products_defaults(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "contracts.csv",
        sample_header("contracts") + "\nM2705,,,,,,\njm2709,jm,2026-06-01,1,8%,0.12,\n",
    )
    assert import_file(db, "contracts", path, user="tester")[0].inserted == 2
    with db.sessions() as session:
        m = session.get(Contract, "m2705")
        jm = session.get(Contract, "jm2709")
    assert m is not None
    assert jm is not None
    # m: products.toml tick 1, contract limit 4 %, minimum margin 5 % (hedge = speculative)
    assert (m.product_code, m.delivery_month, m.listing_date) == (
        "m",
        date(2027, 5, 1),
        date(2026, 5, 20),
    )
    assert (m.tick_fen, m.price_limit_ppm, m.general_margin_ppm, m.hedge_margin_ppm) == (
        100,
        40_000,
        50_000,
        50_000,
    )
    # jm: given listing day, tick, 8 % limit and 12 % margin; hedge = the speculative rate
    assert (jm.listing_date, jm.tick_fen, jm.price_limit_ppm) == (date(2026, 6, 1), 100, 80_000)
    assert (jm.general_margin_ppm, jm.hedge_margin_ppm) == (120_000, 120_000)


def test_absent_optional_columns_keep_stored_values(db: Database, tmp_path: Path) -> None:
    import_reference(db)
    path = write(tmp_path, "contracts.csv", "contract,margin_rate\nm2701,0.09\nm2703,\n")
    result, _ = import_file(db, "contracts", path, user="tester")
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 0)
    with db.sessions() as session:
        m2701 = session.get(Contract, "m2701")
        m2703 = session.get(Contract, "m2703")
    assert m2701 is not None
    assert m2703 is not None
    # The rate given is updated; the hedge rate and limit, not in the file, are kept.
    assert (m2701.general_margin_ppm, m2701.hedge_margin_ppm, m2701.price_limit_ppm) == (
        90_000,
        60_000,
        50_000,
    )
    assert (m2703.general_margin_ppm, m2703.hedge_margin_ppm, m2703.price_limit_ppm) == (
        50_000,
        50_000,
        40_000,
    )
    # A client file without opening dates keeps the clients' and their trading codes'.
    clients = write(
        tmp_path, "clients.csv", "client,name,member,individual\n10000001,汪雪,0101,1\n"
    )
    assert import_file(db, "clients", clients, user="tester")[0].unchanged == 1
    with db.sessions() as session:
        assert session.get(Client, "10000001").opened_on == date(2019, 11, 27)  # type: ignore[union-attr]
        assert session.get(TradingCode, "010110000001").opened_on == date(2019, 11, 27)  # type: ignore[union-attr]


def test_corrected_client_updates_it_and_its_trading_code(db: Database, tmp_path: Path) -> None:
    import_reference(db)
    text = sample("clients").read_text(encoding="utf-8") + "10000500,新客户,0101,0,2026-11-20\n"
    text = text.replace("10000002,赵桂,0101,1,2020-11-25", "10000002,赵桂芳,0101,1,2020-11-26")
    result, _ = import_file(db, "clients", write(tmp_path, "clients.csv", text), user="tester")
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 12)
    with db.sessions() as session:
        client = session.get(Client, "10000002")
        code = session.get(TradingCode, "010110000002")
        new = session.get(TradingCode, "010110000500")
    assert client is not None
    assert code is not None
    assert new is not None
    assert (client.name, client.opened_on, code.opened_on) == (
        "赵桂芳",
        date(2020, 11, 26),
        date(2020, 11, 26),
    )
    assert (new.client_code, new.member_code) == ("10000500", "0101")


def test_chinese_headers_and_values(db: Database, tmp_path: Path) -> None:
    files = {
        "members": "会员号,会员名称,会员类型,最低结算准备金(元)\n"
        "0101,大连恒泰期货有限公司,期货公司会员,2000000\n"
        "0188,某某实业集团,非期货公司会员,0\n",
        "clients": "客户号,客户名称,会员号,客户类型,开户日期\n"
        "10000001,汪雪,0101,个人,2019/11/27\n"
        "10000331,武汉永盛农业发展有限公司,0101,机构,20140904\n",
        "contracts": "合约,品种,上市日期,最小变动价位,涨跌停板幅度,保证金率,套保保证金率\n"
        "m2701,m,,,5%,7%,6%\n",
        "warehouses": "仓库代码,仓库名称,英文名称,城市,仓库类型\n"
        "FY01,张家港油脂工业厂库,,张家港,厂库\n",
    }
    for kind, text in files.items():
        result, _ = import_file(db, kind, write(tmp_path, f"{kind}.csv", text), user="tester")
        assert result.ignored_columns == ()
        assert result.inserted == text.count("\n") - 1
    with db.sessions() as session:
        own = session.get(Member, "0188")
        company = session.get(Client, "10000331")
        m2701 = session.get(Contract, "m2701")
        factory = session.get(Warehouse, "FY01")
    assert own is not None
    assert own.kind == "non_brokerage"
    assert company is not None
    assert not company.is_individual
    assert company.opened_on == date(2014, 9, 4)
    assert m2701 is not None
    assert (m2701.price_limit_ppm, m2701.general_margin_ppm, m2701.hedge_margin_ppm) == (
        50_000,
        70_000,
        60_000,
    )
    assert factory is not None
    assert (factory.kind, factory.name_en) == ("factory", "")
    # Same rows as the English samples: re-importing those changes nothing in them.
    again = import_sample(db, "contracts")
    assert again.unchanged == 1


# --------------------------------------------------------------------- bad files
BAD_FILES = {
    "members": (
        sample_header("members") + "\n"
        "0101,大连恒泰期货有限公司,brokerage,2000000.00\n"
        "0102,,clearing,-1\n"
        "0101,重复,brokerage,0\n"
        "01234567890123456,太长,brokerage,0.001\n",
        [
            "members.csv, row 3, field 'name': required value is missing",
            "members.csv, row 3, field 'kind': must be one of brokerage, non_brokerage, "
            "got 'clearing'",
            "members.csv, row 3, field 'min_reserve': must be an amount >= 0.00, got '-1'",
            "members.csv, row 4, field 'member': duplicate key (member=0101): already on row 2",
            "members.csv, row 5, field 'member': must be at most 16 characters, got 17",
            "members.csv, row 5, field 'min_reserve': must have at most two decimals (whole "
            "fen), got '0.001'",
        ],
    ),
    "clients": (
        sample_header("clients") + "\n"
        "10000001,汪雪,0199,1,2019-11-27\n"
        "10000002,赵桂,0101,maybe,2020-11-31\n"
        "1234567890123,长号客户,0101,0,\n",
        [
            "clients.csv, row 2, field 'member': unknown member (not in the member table), "
            "got '0199'",
            "clients.csv, row 3, field 'individual': must be 1 (individual) or 0 "
            "(institution), got 'maybe'",
            "clients.csv, row 3, field 'opened_on': must be a date YYYY-MM-DD, got '2020-11-31'",
            "clients.csv, row 4, field 'client': member code + client code make the trading "
            "code '01011234567890123', longer than 16 characters",
        ],
    ),
    "contracts": (
        sample_header("contracts") + "\n"
        "m27010,,,,,,\n"
        "zz2701,,,,,,\n"
        "a2702,,,,,,\n"
        "c2701,m,,,,,\n"
        "y2701,,2027-02-01,0.001,1.5,0.04,\n"
        "i2701,,,,4.00001%,,0.049\n",
        [
            "contracts.csv, row 2, field 'contract': must be a contract code: product letters "
            "+ YYMM such as m2701, got 'm27010'",
            "contracts.csv, row 3, field 'contract': unknown product (not in the product "
            "table), got 'zz'",
            "contracts.csv, row 4, field 'contract': must be a delivery month the product "
            "lists (01, 03, 05, 07, 09, 11), got 'a2702'",
            "contracts.csv, row 5, field 'product': must be the product of contract c2701, got 'm'",
            "contracts.csv, row 6, field 'tick': must have at most two decimals (whole fen), "
            "got '0.001'",
            "contracts.csv, row 6, field 'price_limit': must be a rate > 0 and <= 1 such as "
            "0.07 or 7%, got '1.5'",
            "contracts.csv, row 6, field 'margin_rate': must not be below the contract "
            "minimum margin rate (5%), got '0.04'",
            "contracts.csv, row 7, field 'price_limit': must be a whole number of millionths "
            "(at most 6 decimals, 4 in percent), got '4.00001%'",
            "contracts.csv, row 7, field 'hedge_margin_rate': must not be below the contract "
            "minimum margin rate (5%), got '0.049'",
        ],
    ),
    "warehouses": (
        sample_header("warehouses") + "\nDL09,,,大连,silo\n",
        [
            "warehouses.csv, row 2, field 'name_zh': required value is missing",
            "warehouses.csv, row 2, field 'kind': must be one of factory, warehouse, got 'silo'",
        ],
    ),
}


@pytest.mark.parametrize("kind", REFERENCE_KINDS)
def test_bad_rows_name_file_row_field_and_write_nothing(
    db: Database, tmp_path: Path, kind: str
) -> None:
    import_sample(db, "members")
    text, expected = BAD_FILES[kind]
    assert refused(db, kind, write(tmp_path, f"{kind}.csv", text)) == expected


def test_listing_after_the_last_trading_day_is_refused(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "contracts.csv", "contract,listing_date\nc2611,2026-11-16\n")
    assert refused(db, "contracts", path) == [
        "contracts.csv, row 2, field 'listing_date': must not be after the last trading day "
        "(2026-11-13), got '2026-11-16'"
    ]


def test_a_stored_client_keeps_its_member(db: Database, tmp_path: Path) -> None:
    import_reference(db)
    other = write(
        tmp_path, "members.csv", "member,name,kind,min_reserve\n0102,另一会员,brokerage,0\n"
    )
    import_file(db, "members", other, user="tester")
    moved = write(
        tmp_path, "clients.csv", "client,name,member,individual\n10000003,罗成玉,0102,1\n"
    )
    assert refused(db, "clients", moved) == [
        "clients.csv, row 2, field 'member': client 10000003 belongs to member 0101, not to 0102"
    ]


def test_a_trading_code_of_another_client_is_refused(db: Database, tmp_path: Path) -> None:
    # Member 01 + client 0110000001 and member 0101 + client 10000001 share the digits.
    import_sample(db, "members")
    first = write(
        tmp_path,
        "a.csv",
        "member,name,kind,min_reserve\n01,短号会员,brokerage,0\n",
    )
    import_file(db, "members", first, user="tester")
    import_file(
        db,
        "clients",
        write(tmp_path, "b.csv", "client,name,member,individual\n0110000001,甲,01,1\n"),
        user="tester",
    )
    clash = write(tmp_path, "clients.csv", "client,name,member,individual\n10000001,乙,0101,1\n")
    assert refused(db, "clients", clash) == [
        "clients.csv, row 2, field 'client': the trading code '010110000001' (member code + "
        "client code) belongs to client 0110000001"
    ]


# --------------------------------------------------------------------- batches, CLI
def test_a_batch_validates_in_dependency_order_and_writes_nothing(db: Database) -> None:
    files = [(sample(kind), kind) for kind in KINDS]
    before = everything(db)
    checks = check_files(db, files)
    assert [c.errors for c in checks] == [()] * len(KINDS)
    assert [c.result.inserted for c in checks if c.result] == [
        SAMPLE_ROWS.get(k) or DAILY_ROWS[k] for k in KINDS
    ]
    assert everything(db) == before  # the reference files were written, then rolled back
    assert count(db, Member) == 0
    # Each file alone, on the empty database, names what is not there.
    alone = validate_file(db, "positions", sample("positions"))
    assert "unknown client" in alone[0].describe()


def test_a_batch_lists_the_errors_of_each_file(db: Database, tmp_path: Path) -> None:
    bad = write(tmp_path, "clients.csv", "client,name,member,individual\n10000001,汪雪,0101,x\n")
    checks = check_files(
        db, [(sample("members"), "members"), (bad, "clients"), (sample("contracts"), "contracts")]
    )
    described: list[list[str]] = [[e.describe() for e in c.errors] for c in checks]
    assert described == [
        [],
        [
            "clients.csv, row 2, field 'individual': must be 1 (individual) or 0 "
            "(institution), got 'x'"
        ],
        [],
    ]
    assert count(db, Member) == 0


def test_cli_imports_reference_data_in_order(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in (*REFERENCE_KINDS, "positions"):
        assert cli_main(["--db", db.url, "import", kind, str(sample(kind))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        out[1]
        == "clients.csv: imported 13 clients row(s): 13 new, 0 updated, 0 unchanged (batch 2)"
    )
    assert out[-1].startswith("positions.csv: imported 6 positions row(s): 6 new")


def test_layouts_define_the_dependency_order() -> None:
    # Every kind a layout uses comes before it, so sorting a batch by KINDS works.
    for position, kind in enumerate(KINDS):
        for used in LAYOUTS[kind].uses:
            assert KINDS.index(used) < position, (kind, used)


def test_errors_are_input_errors_with_a_field(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "members.csv", "member,name,kind\n0101,x,brokerage\n")
    (error,) = validate_file(db, "members", path)
    assert isinstance(error, InputError)
    assert (error.row, error.field) == (1, "min_reserve")
