"""Client and member statements: data, XLSX read back, PDF written (spec 2.d)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.db.engine import Database, open_database
from core.db.tables import Client, Contract, Member, Trade
from core.errors import InputError
from core.reports.statements import (
    client_statement,
    layout,
    member_statement,
    trading_fees,
    write_statement,
)
from core.services.settlement import run_daily_settlement
from tests.core.test_settlement_service import MEMBER, D, _build


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'stmt.sqlite'}")
    with database.sessions.begin() as s:
        _build(s)
    run_daily_settlement(database, D, user="tester")
    yield database
    database.engine.dispose()


def _sheet_values(path: Path) -> dict[str, object]:
    ws = load_workbook(path).active
    assert ws is not None
    return {
        str(row[0].value): row[1].value
        for row in ws.iter_rows()
        if len(row) > 1 and row[0].value is not None
    }


def test_member_statement_lines_and_xlsx(db: Database, tmp_path: Path) -> None:
    with db.sessions() as s:
        st = member_statement(s, None, D)
    assert st.reserve_fen == 852_766_500
    assert st.prior_reserve_fen == 800_000_000
    assert st.interest_base_fen == 803_214_500
    fees = {f.fee_type: (f.charged_fen, f.waived_fen) for f in st.fees}
    assert fees == {"trading": (13_500, 0), "delivery": (0, 20_000)}
    labels_zh = [name for name, _v in layout(st, "zh").summary]
    assert not any("税" in x or "包装" in x for x in labels_zh)  # no tax, no packaging
    path = write_statement(st, tmp_path / "m.xlsx", "zh")
    values = _sheet_values(path)
    assert values["当日结算准备金余额"] == pytest.approx(8_527_665.00)
    assert values["当日交易保证金"] == pytest.approx(1_469_920.00)
    assert values["减免：交割手续费"] == pytest.approx(200.00)
    assert values["交割货款"] == pytest.approx(-240_000.00)
    ws = load_workbook(path).active
    assert ws is not None
    money_cells = [r[1] for r in ws.iter_rows() if isinstance(r[1].value, float | int)]
    assert money_cells
    assert all(c.number_format == "#,##0.00;-#,##0.00" for c in money_cells)
    en = _sheet_values(write_statement(st, tmp_path / "m_en.xlsx", "en"))
    assert en["Ending reserve"] == pytest.approx(8_527_665.00)
    assert en["Cash in reserve (interest base)"] == pytest.approx(8_032_145.00)


def test_client_statement_data_xlsx_and_pdf(db: Database, tmp_path: Path) -> None:
    with db.sessions() as s:
        st = client_statement(s, "K1", D)
    assert st.prior_balance_fen == 500_000_000
    assert st.balance_fen == 511_086_500
    assert st.risk_ratio_ppm == 49_552_000 * 1_000_000 // 511_086_500  # floor, ppm
    assert [(p.contract, p.lots, p.today_lots) for p in st.positions] == [("m2409", 190, 40)]
    assert [t.trade_no for t in st.trades] == ["T1", "T2"]
    values = _sheet_values(write_statement(st, tmp_path / "k1.xlsx", "zh"))
    assert values["上日结存"] == pytest.approx(5_000_000.00)
    assert values["当日结存"] == pytest.approx(5_110_865.00)
    assert values["可用资金"] == pytest.approx(5_110_865.00)
    assert values["风险度"] == "9.69%"  # 9.6955 %, floored as on every screen
    for lang in ("zh", "en"):
        pdf = write_statement(st, tmp_path / f"k1_{lang}.pdf", lang)  # type: ignore[arg-type]
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        assert len(data) > 1000


def test_statement_errors(db: Database, tmp_path: Path) -> None:
    with db.sessions() as s:
        with pytest.raises(InputError):
            client_statement(s, "NOPE", D)
        with pytest.raises(InputError, match="no settlement"):
            client_statement(s, "K1", D.replace(day=8))
        st = member_statement(s, MEMBER, D)
    with pytest.raises(InputError, match="unsupported"):
        write_statement(st, tmp_path / "m.csv")


def _fee_db(tmp_path: Path, layout: str, members: int) -> Database:
    """Trades of two days for clients A1, A2 (member 0101) and B1 (0202, when
    ``members`` is 2); ``layout`` "sparse" stores a late D trade after many trades of
    the next day, so that D's id range is mostly other rows."""
    database = open_database(f"sqlite:///{tmp_path / f'fees_{layout}_{members}.sqlite'}")
    next_day = date(2024, 5, 13)
    with database.sessions.begin() as s:
        s.add(Member(code="0101", name="甲", kind="brokerage", min_reserve_fen=0))
        s.add(Member(code="0202", name="乙", kind="brokerage", min_reserve_fen=0))
        s.flush()
        owners = {"A1": "0101", "A2": "0101", "B1": "0202" if members == 2 else "0101"}
        s.add_all(Client(code=c, member_code=m, name=c) for c, m in owners.items())
        s.add(
            Contract(
                code="m2409",
                product_code="m",
                delivery_month=date(2024, 9, 1),
                tick_fen=100,
                price_limit_ppm=40_000,
                general_margin_ppm=80_000,
                hedge_margin_ppm=70_000,
            )
        )
        s.flush()
        n = 0

        def trade(day: date, client: str, fee: int) -> Trade:
            nonlocal n
            n += 1
            return Trade(
                trade_no=f"T{n}",
                trading_day=day,
                client_code=client,
                contract_code="m2409",
                side="long",
                action="open",
                hedge=False,
                lots=1,
                price_fen=320_000,
                fee_fen=fee,
            )

        s.add_all([trade(D, "A1", 150), trade(D, "B1", 70), trade(D, "A2", 5)])
        s.flush()
        s.add_all([trade(next_day, c, 1_000 + i) for i, c in enumerate(["A1", "B1"] * 6)])
        s.flush()
        if layout == "sparse":
            s.add(trade(D, "A2", 9))
    return database


@pytest.mark.parametrize("layout", ["dense", "sparse"])
@pytest.mark.parametrize("members", [1, 2])
def test_trading_fees_sum_the_day_per_member(tmp_path: Path, layout: str, members: int) -> None:
    """Either read path gives the exact sum of the day's trade fees of the member's
    clients: trades of other days and of other members' clients never count."""
    database = _fee_db(tmp_path, layout, members)
    try:
        with database.sessions() as s:
            rows = s.execute(
                select(Trade.trading_day, Client.member_code, Trade.fee_fen).join(
                    Client, Client.code == Trade.client_code
                )
            ).all()
            for member in ("0101", "0202"):
                for day in (D, date(2024, 5, 13), date(2024, 5, 14)):
                    expected = sum(f for d, m, f in rows if d == day and m == member)
                    assert trading_fees(s, member, day) == expected, (member, day)
            late = 9 if layout == "sparse" else 0
            assert trading_fees(s, "0101", D) == 150 + 5 + late + (70 if members == 1 else 0)
    finally:
        database.engine.dispose()
