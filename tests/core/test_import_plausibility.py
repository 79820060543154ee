"""Implausible data is refused at import (issue #13, point 6), each with its own message
naming file, row and field: lot counts, prices against the limit band, fees, fill times,
receipt tons, lock flags, tick changes, look-alike codes, control characters, dates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db.engine import Database, open_database
from core.db.tables import Client, Contract, Position
from core.errors import InputError
from core.imports import ImportInputError
from core.services.imports import import_file
from tests.core.test_imports import add_reference_rows, copy_db, errors_of, write


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference rows of tests/core/test_imports.py in a migrated file, built once."""
    path = tmp_path_factory.mktemp("plausibility") / "template.sqlite"
    database = open_database(f"sqlite:///{path}")
    with database.sessions.begin() as session:
        add_reference_rows(session)
    database.engine.dispose()
    return path


@pytest.fixture
def db(reference_db: Path, tmp_path: Path) -> Iterator[Database]:
    database = copy_db(reference_db, tmp_path)
    yield database
    database.engine.dispose()


PRICES_HEADER = (
    "trading_day,contract,settlement_price,upper_limit,lower_limit,limit_lock,open_interest,volume"
)
# m2701 on 2026-11-20: settles at 2,188 in a band of 2,079–2,297 (tick 1.00).
PRICES = PRICES_HEADER + "\n2026-11-20,m2701,2188,2297,2079,none,1000,1000\n"
TRADES_HEADER = "trading_day,trade_no,traded_at,client,contract,side,action,hedge,lots,price,fee"
POSITIONS_HEADER = "trading_day,client,contract,side,hedge,lots,today_lots,open_price,margin"
CLIENTS_HEADER = "client,name,member,individual,opened_on"


def _import(db: Database, kind: str, folder: Path, text: str, name: str = "") -> None:
    import_file(db, kind, write(folder, name or f"{kind}.csv", text), user="tester")


def _one(db: Database, kind: str, folder: Path, text: str) -> ImportInputError:
    """The only error of importing ``text`` (after checking nothing was written)."""
    (error,) = errors_of(db, kind, write(folder, f"{kind}.csv", text))
    assert isinstance(error, ImportInputError)
    return error


def _where(error: InputError) -> tuple[str, int | None, str]:
    return error.source, error.row, error.field


# --------------------------------------------------------------------- lot counts
def test_a_too_long_lot_count_is_too_large_naming_client_and_contract(
    db: Database, tmp_path: Path
) -> None:
    digits = "123456789012345678901234567890"
    error = _one(
        db,
        "positions",
        tmp_path,
        POSITIONS_HEADER + f"\n2026-11-20,10000001,m2701,long,0,{digits},0,2188,0\n",
    )
    assert _where(error) == ("positions.csv", 2, "lots")
    assert error.message == (
        f"too large for client 10000001 in m2701: must be at most 10,000,000, got '{digits}'"
    )


def test_twenty_lines_of_four_trillion_lots_are_refused_each(db: Database, tmp_path: Path) -> None:
    """The issue's reproduction, at the door: nothing imported, every line named."""
    clients = [f"{10_000_000 + i}" for i in range(1, 6)]
    contracts = ["m2701", "i2701", "c2701", "y2701"]
    lines = [
        f"2026-11-20,{client},{contract},long,0,4000000000000,0,{price},0"
        for client in clients
        for contract, price in zip(contracts, ("2188", "790", "2300", "7800"), strict=True)
    ]
    errors = errors_of(
        db, "positions", write(tmp_path, "p.csv", "\n".join([POSITIONS_HEADER, *lines]))
    )
    assert len(errors) == 20
    for row, error in enumerate(errors, start=2):
        client, contract = lines[row - 2].split(",")[1:3]
        assert _where(error) == ("p.csv", row, "lots")
        assert error.message == (
            f"too large for client {client} in {contract}: must be at most 10,000,000, "
            "got '4000000000000'"
        )


def test_amounts_and_prices_beyond_the_limits_are_too_large(db: Database, tmp_path: Path) -> None:
    error = _one(
        db,
        "fund-movements",
        tmp_path,
        "movement_no,trading_day,member,client,kind,amount,note\n"
        "F1,2026-11-20,0101,10000001,deposit,10000000000000.00,x\n",
    )
    assert _where(error) == ("fund-movements.csv", 2, "amount")
    assert error.message == ("too large: must be at most 1000000000000.00, got '10000000000000.00'")
    error = _one(
        db,
        "positions",
        tmp_path,
        POSITIONS_HEADER + "\n2026-11-20,10000001,m2701,long,0,1,0,1e400,0\n",
    )
    assert error.msg.code == "yuan_price"  # an exponent is no price, however large
    error = _one(
        db,
        "positions",
        tmp_path,
        POSITIONS_HEADER + "\n2026-11-20,10000001,m2701,long,0,1,0,2000000,0\n",
    )
    assert (error.field, error.msg.code) == ("open_price", "too_large_line")


# --------------------------------------------------------------------- prices
def test_trade_price_outside_the_days_limit_band(db: Database, tmp_path: Path) -> None:
    _import(db, "settlement-prices", tmp_path, PRICES)
    error = _one(
        db,
        "trades",
        tmp_path,
        TRADES_HEADER
        + "\n2026-11-20,T1,2026-11-20 10:00:00,10000001,m2701,long,open,0,5,9000,7.50\n",
    )
    assert _where(error) == ("trades.csv", 2, "price")
    assert error.message == (
        "must lie within the limit prices of m2701 on 2026-11-20 (2079.00 to 2297.00), got '9000'"
    )


def test_without_the_days_band_the_prior_settlement_bounds_the_price(
    db: Database, tmp_path: Path
) -> None:
    _import(db, "settlement-prices", tmp_path, PRICES)
    # 2026-11-23 (Monday) has no stored row: 2,188 ± 3 × 5 % = 1,859.80 … 2,516.20
    text = TRADES_HEADER + "\n2026-11-23,T1,,10000001,m2701,long,open,0,5,{price},7.50\n"
    error = _one(db, "trades", tmp_path, text.format(price="2517"))
    assert error.message == (
        "must lie within 3 price limits of m2701's settlement price 2188.00 on 2026-11-20 "
        "(1859.80 to 2516.20), got '2517'"
    )
    _import(db, "trades", tmp_path, text.format(price="2516"))


def test_closing_order_price_outside_the_band(db: Database, tmp_path: Path) -> None:
    _import(db, "settlement-prices", tmp_path, PRICES)
    error = _one(
        db,
        "closing-orders",
        tmp_path,
        "trading_day,order_no,client,contract,side,hedge,lots,price\n"
        "2026-11-20,O1,10000001,m2701,long,0,5,2078\n",
    )
    assert (error.field, error.msg.code) == ("price", "outside_band")


def test_open_price_far_from_the_settlement_price(db: Database, tmp_path: Path) -> None:
    _import(db, "settlement-prices", tmp_path, PRICES)
    error = _one(
        db,
        "positions",
        tmp_path,
        POSITIONS_HEADER + "\n2026-11-20,10000001,m2701,long,0,5,0,10941,0\n",
    )
    assert _where(error) == ("positions.csv", 2, "open_price")
    assert error.message == (
        "must lie within 5 times m2701's settlement price 2188.00 on 2026-11-20 "
        "(437.60 to 10940.00), got '10941'"
    )


def test_fee_above_the_plausible_fee(db: Database, tmp_path: Path) -> None:
    error = _one(
        db,
        "trades",
        tmp_path,
        TRADES_HEADER
        + "\n2026-11-20,T1,2026-11-20 10:00:00,10000001,m2701,long,open,0,5,2188,1594.01\n",
    )
    # 5 lots × 100.00 + 1 % of 2,188 × 10 × 5 = 500.00 + 1,094.00
    assert _where(error) == ("trades.csv", 2, "fee")
    assert error.message == (
        "must not exceed 1594.00 for 5 lot(s) at 2188 (lots x 100.00 + 1% of the value), "
        "got '1594.01'"
    )


@pytest.mark.parametrize(
    ("at", "ok"),
    [
        ("2020-01-02 09:00:00", False),
        ("2026-11-18 21:00:00", False),
        ("2026-11-19 21:05:14", True),  # the night session of 11-20
        ("2026-11-20 14:59:59", True),
        ("2026-11-21 09:00:00", False),
    ],
)
def test_traded_at_within_the_trading_days_sessions(
    db: Database, tmp_path: Path, at: str, ok: bool
) -> None:
    text = TRADES_HEADER + f"\n2026-11-20,T1,{at},10000001,m2701,long,open,0,5,3010,7.50\n"
    if ok:
        _import(db, "trades", tmp_path, text)
        return
    error = _one(db, "trades", tmp_path, text)
    assert _where(error) == ("trades.csv", 2, "traded_at")
    assert error.message == (
        "must fall within the sessions of trading day 2026-11-20 (2026-11-19 00:00 to "
        f"2026-11-20 23:59:59, Beijing time), got '{at}'"
    )


def test_limit_lock_flag_needs_the_price_at_that_limit(db: Database, tmp_path: Path) -> None:
    error = _one(
        db,
        "settlement-prices",
        tmp_path,
        PRICES_HEADER + "\n2026-11-20,m2701,2200,2297,2079,limit_up,1000,1000\n",
    )
    assert _where(error) == ("settlement-prices.csv", 2, "limit_lock")
    assert error.message == (
        "a limit_up close needs the settlement price at the upper limit price 2297, "
        "got settlement price 2200"
    )
    _import(
        db,
        "settlement-prices",
        tmp_path,
        PRICES_HEADER + "\n2026-11-20,m2701,2079,2297,2079,limit_down,1000,1000\n",
    )


def test_contract_tick_change_that_leaves_stored_prices_off_tick(
    db: Database, tmp_path: Path
) -> None:
    _import(db, "settlement-prices", tmp_path, PRICES)
    header = "contract,product,listing_date,tick,price_limit,margin_rate,hedge_margin_rate\n"
    error = _one(db, "contracts", tmp_path, header + "m2701,m,,3,0.05,0.07,0.06\n")
    # 2,188 and 2,297 are not multiples of 3.00; 2,079 is
    assert _where(error) == ("contracts.csv", 2, "tick")
    assert error.message == (
        "a tick of 3.00 yuan leaves 2 distinct stored price(s) of m2701 off the tick "
        "(e.g. the settlement price 2188.00), got '3.00'"
    )
    _import(db, "contracts", tmp_path, header + "m2701,m,,0.5,0.05,0.07,0.06\n")
    with db.sessions() as s:
        assert s.scalar(select(Contract.tick_fen).where(Contract.code == "m2701")) == 50


def test_receipt_tons_implausible_for_its_lots(db: Database, tmp_path: Path) -> None:
    error = _one(
        db,
        "receipts",
        tmp_path,
        "receipt_no,product,warehouse,member,holder,lots,tons,production_date,"
        "registration_date,status,status_since\n"
        "WR1,m,DL01,0101,10000001,1000,1,,2026-11-02,held,\n",
    )
    assert _where(error) == ("receipts.csv", 2, "tons")
    assert error.message == "must be 9000 to 11000 tons for 1000 lot(s) of m (10 t a lot), got '1'"


# --------------------------------------------------------------------- codes and names
@pytest.mark.parametrize(
    ("code", "character", "position"),
    [
        ("1000\u200b0099", "U+200B ZERO WIDTH SPACE", 5),
        ("AB C1", "U+0020 SPACE", 3),
        ("AB'C1", "U+0027 APOSTROPHE", 3),
        ('AB"C1', "U+0022 QUOTATION MARK", 3),
        ("=1+1", "U+003D EQUALS SIGN", 1),
        ("+cmd|'/C'!A0", "U+002B PLUS SIGN", 1),
        ("@SUM(A1:A9)", "U+0040 COMMERCIAL AT", 1),
        ("-5", "U+002D HYPHEN-MINUS", 1),
        ("AB\u0007C", "U+0007 BELL", 3),
    ],
)
def test_codes_outside_the_character_set_are_refused(
    db: Database, tmp_path: Path, code: str, character: str, position: int
) -> None:
    quoted = '"' + code.replace('"', '""') + '"'
    error = _one(db, "clients", tmp_path, CLIENTS_HEADER + f"\n{quoted},王五,0101,1,2020-01-01\n")
    assert _where(error) == ("clients.csv", 2, "client")
    assert error.msg.code == "code_characters"
    assert error.msg.params["character"] == character
    assert error.msg.params["position"] == str(position)


def test_full_width_digits_are_normalised(db: Database, tmp_path: Path) -> None:
    _import(db, "clients", tmp_path, CLIENTS_HEADER + "\n１００００ＡＢ9,王五,0101,1,2020-01-01\n")
    with db.sessions() as s:
        assert s.get(Client, "10000AB9") is not None
    _import(
        db,
        "positions",
        tmp_path,
        POSITIONS_HEADER + "\n2026-11-20,１００００ＡＢ9,Ｍ2701,long,0,５,0,2188,0\n",
    )
    with db.sessions() as s:
        assert s.scalar(select(Position.lots).where(Position.client_code == "10000AB9")) == 5


def test_case_collisions_with_stored_and_earlier_codes(db: Database, tmp_path: Path) -> None:
    _import(db, "clients", tmp_path, CLIENTS_HEADER + "\nABC01,甲,0101,1,2020-01-01\n")
    errors = errors_of(
        db,
        "clients",
        write(
            tmp_path,
            "c.csv",
            CLIENTS_HEADER + "\nabc01,乙,0101,1,2020-01-01\nXYZ9,丙,0101,0,\nxyz9,丁,0101,0,\n",
        ),
    )
    assert [(_where(e), e.message) for e in errors] == [
        (
            ("c.csv", 2, "client"),
            "differs only in letter case from the stored client 'ABC01'; codes are "
            "case-sensitive, so this would be a second client, got 'abc01'",
        ),
        (
            ("c.csv", 4, "client"),
            "differs only in letter case from 'XYZ9' on row 3; codes are case-sensitive, "
            "so this would be a second client, got 'xyz9'",
        ),
    ]
    error = _one(
        db,
        "positions",
        tmp_path,
        POSITIONS_HEADER + "\n2026-11-20,abc01,m2701,long,0,5,0,2188,0\n",
    )
    assert _where(error) == ("positions.csv", 2, "client")
    assert error.message == (
        "unknown client: codes are case-sensitive and the client table has 'ABC01', got 'abc01'"
    )


@pytest.mark.parametrize(
    ("name", "character", "position"),
    [
        ("汪\n雪", "U+000A LINE FEED (LF)", 2),
        ("汪\r雪", "U+000D CARRIAGE RETURN (CR)", 2),
        ("汪\t雪", "U+0009 CHARACTER TABULATION", 2),
        ("汪\u200b雪", "U+200B ZERO WIDTH SPACE", 2),
        ("\u202e雪汪", "U+202E RIGHT-TO-LEFT OVERRIDE", 1),
    ],
)
def test_control_characters_in_names_are_refused(
    db: Database, tmp_path: Path, name: str, character: str, position: int
) -> None:
    error = _one(db, "clients", tmp_path, CLIENTS_HEADER + f'\nK9,"{name}",0101,1,2020-01-01\n')
    assert _where(error) == ("clients.csv", 2, "name")
    assert error.message == (
        f"must not contain control characters or line breaks, got {character} at "
        f"position {position}"
    )


def test_opening_dates_in_the_future_or_before_futures_markets(
    db: Database, tmp_path: Path
) -> None:
    error = _one(db, "clients", tmp_path, CLIENTS_HEADER + "\nK9,王五,0101,1,2099-01-01\n")
    assert _where(error) == ("clients.csv", 2, "opened_on")
    assert error.message.startswith("must not be after today (")
    assert error.message.endswith("), got '2099-01-01'")
    error = _one(db, "clients", tmp_path, CLIENTS_HEADER + "\nK9,王五,0101,1,1899-12-31\n")
    assert error.message == "must not be before 1990-01-01, got '1899-12-31'"
