"""Imports of rolling-delivery matches and EFP records (spec 2.j, 2.k): the computed
delivery day, price and EFP fee, the delivery rules, Chinese files, idempotent re-imports
and the refusals that need the stored rows (a key stored twice, an allocated match).

The parametrised tests of ``test_imports.py`` also run these kinds (sample import,
re-import, XLSX, a bad file); these are the kind-specific behaviours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from core.cli import main as cli_main
from core.db.delivery_tables import DeliveryMatch, EfpRecord
from core.db.engine import Database, open_database
from core.db.tables import Contract
from core.imports import validate_file
from core.rules.fees import default_fee_schedule
from core.services.delivery import record_delivery_match
from core.services.imports import import_file
from tests.core.test_imports import (
    SAMPLES,
    add_reference_rows,
    copy_db,
    counts,
    described,
    errors_of,
    sample_header,
    write,
)

MATCHES_HEADER = sample_header("delivery-matches")
EFP_HEADER = sample_header("efp")
C2611_PRICES = (  # the demo's settlement prices of c2611 on these days
    "trading_day,contract,settlement_price\n2026-11-10,c2611,2200\n2026-11-11,c2611,2198\n"
)

PENDING = "pending"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference rows of ``test_imports`` (c2611 in its delivery month, companies)."""
    path = tmp_path_factory.mktemp("delivery-imports") / "template.sqlite"
    database = open_database(f"sqlite:///{path}")
    with database.sessions.begin() as session:
        add_reference_rows(session)
    database.engine.dispose()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    database = copy_db(template, tmp_path)
    yield database
    database.engine.dispose()


def matches(db: Database) -> list[tuple[Any, ...]]:
    with db.sessions() as session:
        rows = session.execute(
            select(
                DeliveryMatch.match_day,
                DeliveryMatch.seller_code,
                DeliveryMatch.buyer_code,
                DeliveryMatch.lots,
                DeliveryMatch.price_fen,
                DeliveryMatch.delivery_day,
                DeliveryMatch.allocation_state,
                DeliveryMatch.allocation,
            ).order_by(DeliveryMatch.match_day, DeliveryMatch.seller_code, DeliveryMatch.buyer_code)
        ).all()
    return [tuple(r) for r in rows]


def efps(db: Database) -> list[tuple[Any, ...]]:
    with db.sessions() as session:
        rows = session.execute(
            select(
                EfpRecord.approved_day,
                EfpRecord.contract_code,
                EfpRecord.long_client_code,
                EfpRecord.short_client_code,
                EfpRecord.lots,
                EfpRecord.price_fen,
                EfpRecord.kind,
                EfpRecord.fee_fen,
                EfpRecord.waived_fen,
            ).order_by(EfpRecord.approved_day, EfpRecord.contract_code)
        ).all()
    return [tuple(r) for r in rows]


def import_text(db: Database, kind: str, folder: Path, text: str, name: str = "") -> Any:
    path = write(folder, name or f"{kind}.csv", text)
    return import_file(db, kind, path, user="tester")[0]


# --------------------------------------------------------------------- delivery matches
def test_sample_matches_get_their_delivery_day_and_wait_for_allocation(db: Database) -> None:
    result, _ = import_file(db, "delivery-matches", SAMPLES / "delivery-matches.csv", user="t")
    assert (result.inserted, result.updated, result.unchanged) == (3, 0, 0)
    nov = 2026, 11
    assert matches(db) == [
        # the delivery day is the second trading day after matching (11-10 → 11-12)
        (date(*nov, 10), "10000331", "10000159", 40, 220_000, date(*nov, 12), PENDING, None),
        (date(*nov, 10), "10000331", "10000211", 20, 220_000, date(*nov, 12), PENDING, None),
        (date(*nov, 11), "10000185", "10000073", 30, 219_800, date(*nov, 13), PENDING, None),
    ]


def test_empty_or_absent_price_is_the_matching_days_settlement_price(
    db: Database, tmp_path: Path
) -> None:
    import_text(db, "settlement-prices", tmp_path, C2611_PRICES)
    text = MATCHES_HEADER + "\n2026-11-10,c2611,10000331,10000159,40,\n"
    import_text(db, "delivery-matches", tmp_path, text)
    without_price = "match_day,contract,seller,buyer,lots\n2026-11-11,c2611,10000185,10000073,30\n"
    import_text(db, "delivery-matches", tmp_path, without_price, "m2.csv")
    assert [(r[0], r[4]) for r in matches(db)] == [
        (date(2026, 11, 10), 220_000),
        (date(2026, 11, 11), 219_800),
    ]
    # The same price given explicitly changes nothing.
    again = import_text(db, "delivery-matches", tmp_path, text.replace(",40,", ",40,2200.00"))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)


def test_bad_matches_name_file_row_and_field_and_write_nothing(
    db: Database, tmp_path: Path
) -> None:
    import_text(db, "settlement-prices", tmp_path, C2611_PRICES)
    text = MATCHES_HEADER + (
        "\n2026-11-10,c2611,10000331,10000159,40,2201\n"  # not the settlement price
        "2026-11-09,c2611,10000331,10000159,40,\n"  # no settlement price stored
        "2026-10-30,c2611,10000331,10000159,40,2200\n"  # before the delivery month
        "2026-11-13,c2611,10000331,10000159,40,2200\n"  # the last trading day
        "2026-11-10,c2611,10000001,10000159,40,\n"  # an individual
        "2026-11-10,c2611,10000185,10000185,40,\n"  # buyer = seller
        "2026-11-10,c2611,10000331,10000159,0,\n"  # no lots; and a duplicate key
        "2026-11-10,c2611,10000331,99999999,5,2200.5\n"  # unknown buyer, off tick
    )
    errors = errors_of(db, "delivery-matches", write(tmp_path, "matches.csv", text))
    assert described(errors) == [
        "matches.csv, row 2, field 'price': must be the settlement price of c2611 on "
        "2026-11-10 (2200.00), got '2201'",
        "matches.csv, row 3, field 'price': no settlement price of c2611 on 2026-11-09 is "
        "stored; import the settlement prices first or give the price",
        "matches.csv, row 4, field 'match_day': must be a rolling-delivery matching day of "
        "c2611 (2026-11-02 to 2026-11-12), got '2026-10-30'",
        "matches.csv, row 5, field 'match_day': must be a rolling-delivery matching day of "
        "c2611 (2026-11-02 to 2026-11-12), got '2026-11-13'",
        "matches.csv, row 6, field 'seller': must not be an individual client (individuals "
        "may not deliver), got '10000001'",
        "matches.csv, row 7, field 'buyer': must be a different client from the other "
        "party, got '10000185' for both",
        "matches.csv, row 8, field 'match_day+contract+seller+buyer': duplicate key "
        "(match_day=2026-11-10, contract=c2611, seller=10000331, buyer=10000159): already "
        "on row 2",
        "matches.csv, row 8, field 'lots': must be a whole number >= 1, got '0'",
        "matches.csv, row 9, field 'buyer': unknown client (not in the client table), got "
        "'99999999'",
        "matches.csv, row 9, field 'price': must be a multiple of the tick of c2611 (1.00 "
        "yuan), got '2200.5'",
    ]
    assert matches(db) == []


def test_chinese_headers_and_values(db: Database, tmp_path: Path) -> None:
    import_text(db, "settlement-prices", tmp_path, C2611_PRICES)
    text = (
        "配对日,合约代码,卖方客户号,买方客户号,配对手数,交割结算价(元),备注\n"
        "2026/11/10,C2611,10000331,10000159,40,,滚动交割\n"
        "20261111,c2611,10000185,10000073,30,2198.00,\n"
    )
    result = import_text(db, "delivery-matches", tmp_path, text, "交割配对.csv")
    assert (result.inserted, result.ignored_columns) == (2, ("备注",))
    assert [r[:5] for r in matches(db)] == [
        (date(2026, 11, 10), "10000331", "10000159", 40, 220_000),
        (date(2026, 11, 11), "10000185", "10000073", 30, 219_800),
    ]
    bad = text.replace("10000159", "10000001")
    errors = errors_of(db, "delivery-matches", write(tmp_path, "交割配对.csv", bad))
    assert [(e.row, e.field) for e in errors] == [(2, "买方客户号")]


def test_reimport_updates_a_pending_match_but_never_an_allocated_one(
    db: Database, tmp_path: Path
) -> None:
    import_file(db, "delivery-matches", SAMPLES / "delivery-matches.csv", user="t")
    sample = (SAMPLES / "delivery-matches.csv").read_text(encoding="utf-8")
    more = sample.replace("10000159,40,", "10000159,45,")
    result = import_text(db, "delivery-matches", tmp_path, more)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)

    with db.sessions.begin() as session:  # the seller's receipts are allocated
        session.execute(
            update(DeliveryMatch)
            .where(DeliveryMatch.seller_code == "10000331")
            .values(allocation_state="allocated", allocation='{"DL01": 45}')
        )
    stored = matches(db)
    again = import_text(db, "delivery-matches", tmp_path, more)  # unchanged: allowed
    assert (again.updated, again.unchanged) == (0, 3)
    errors = errors_of(db, "delivery-matches", write(tmp_path, "m.csv", sample))
    assert described(errors) == [
        "m.csv, row 2, field 'lots': cannot change a match whose receipts are already "
        "allocated to warehouses, got '40'"
    ]
    assert matches(db) == stored


def test_a_key_stored_twice_is_refused(db: Database, tmp_path: Path) -> None:
    # The service (or another tool) may store the same pair twice; an import cannot
    # tell which one the file's row corrects.
    for lots in (10, 30):
        record_delivery_match(
            db,
            date(2026, 11, 10),
            "c2611",
            "10000331",
            "10000159",
            lots,
            price_fen=220_000,
        )
    path = SAMPLES / "delivery-matches.csv"
    before = counts(db)
    errors = validate_file(db, "delivery-matches", path)
    assert described(errors) == [
        "delivery-matches.csv, row 2, field 'match_day+contract+seller+buyer': the database "
        "holds 2 records with this key; an import cannot tell which one to update"
    ]
    assert described(errors_of(db, "delivery-matches", path)) == described(errors)
    assert counts(db) == before


def test_cli_imports_matches_and_lists_errors(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = str(SAMPLES / "delivery-matches.csv")
    assert cli_main(["--db", db.url, "import", "delivery-matches", sample]) == 0
    assert "3 new, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert cli_main(["--db", db.url, "import", "delivery-matches", sample]) == 0
    assert "0 new, 0 updated, 3 unchanged" in capsys.readouterr().out
    bad = write(
        tmp_path,
        "bad.csv",
        MATCHES_HEADER + "\n2026-11-10,c2611,10000331,10000331,10,2200\n"
        "2026-11-13,c2611,10000185,10000073,10,2200\n",
    )
    assert cli_main(["--db", db.url, "import", "delivery-matches", str(bad)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "bad.csv, row 2, field 'buyer': must be a different client from the other party, "
        "got '10000331' for both",
        "bad.csv, row 3, field 'match_day': must be a rolling-delivery matching day of c2611 "
        "(2026-11-02 to 2026-11-12), got '2026-11-13'",
        "2 error(s); nothing was imported",
    ]
    assert len(matches(db)) == 3


# --------------------------------------------------------------------- EFP
def test_sample_efp_fee_is_computed_and_waived(db: Database) -> None:
    result, _ = import_file(db, "efp", SAMPLES / "efp.csv", user="t")
    assert (result.inserted, result.updated, result.unchanged) == (3, 0, 0)
    # 0.50 yuan a lot (resources/fees.toml); all EFP fees are waived from 2022 (2.k).
    day19, day20, ns = date(2026, 11, 19), date(2026, 11, 20), "non_standard"
    assert efps(db) == [
        (day19, "c2701", "10000096", "10000122", 30, 219_550, ns, 1_500, 1_500),
        (day19, "m2701", "10000027", "10000041", 50, 254_000, ns, 2_500, 2_500),
        (day20, "y2701", "10000159", "10000211", 20, 825_000, "standard", 1_000, 1_000),
    ]


def test_efp_fee_waiver_by_kind_and_day_spec_example(db: Database, tmp_path: Path) -> None:
    # Spec 2.k: 100 lots of c2205, non-standard: 50.00 charged on 2021-12-15, computed and
    # waived on 2022-03-15; a standard-receipt EFP is waived on either day.
    with db.sessions.begin() as session:
        session.add(
            Contract(
                code="c2205",
                product_code="c",
                delivery_month=date(2022, 5, 1),
                listing_date=date(2021, 5, 17),
                last_trading_day=date(2022, 5, 17),
                tick_fen=100,
                price_limit_ppm=40_000,
                general_margin_ppm=70_000,
                hedge_margin_ppm=60_000,
            )
        )
    text = EFP_HEADER + (
        "\n2021-12-15,c2205,10000027,10000041,100,2710,non_standard\n"
        "2022-03-15,c2205,10000027,10000041,100,2890,non_standard\n"
        "2021-12-15,c2205,10000096,10000122,100,2710,standard\n"
    )
    import_text(db, "efp", tmp_path, text)
    assert [(r[0], r[6], r[7], r[8]) for r in efps(db)] == [
        (date(2021, 12, 15), "non_standard", 5_000, 0),
        (date(2021, 12, 15), "standard", 5_000, 5_000),
        (date(2022, 3, 15), "non_standard", 5_000, 5_000),
    ]


def test_efp_reimport_recomputes_the_fee_of_changed_rows(db: Database, tmp_path: Path) -> None:
    import_file(db, "efp", SAMPLES / "efp.csv", user="t")
    text = (SAMPLES / "efp.csv").read_text(encoding="utf-8").replace(",50,2540.00,", ",60,2541.50,")
    result = import_text(db, "efp", tmp_path, text)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    changed = [r for r in efps(db) if r[1] == "m2701"]
    day19 = date(2026, 11, 19)
    assert changed == [
        (day19, "m2701", "10000027", "10000041", 60, 254_150, "non_standard", 3_000, 3_000)
    ]


def test_bad_efp_rows(db: Database, tmp_path: Path) -> None:
    text = EFP_HEADER + (
        "\n2026-11-19,m2701,10000027,10000027,50,2540.00,non_standard\n"
        "2026-11-20,m2611,10000027,10000041,50,2540.00,standard\n"
        "2026-11-19,m2701,10000096,10000122,50,0,standard\n"
        "2026-11-19,m2701,10000159,10000211,50,2540.001,spot\n"
    )
    errors = errors_of(db, "efp", write(tmp_path, "efp.csv", text))
    assert described(errors) == [
        "efp.csv, row 2, field 'short_client': must be a different client from the other "
        "party, got '10000027' for both",
        "efp.csv, row 3, field 'contract': contract m2611 had expired by 2026-11-20 (last "
        "day 2026-11-19)",
        "efp.csv, row 4, field 'price': must be an amount > 0, got '0'",
        "efp.csv, row 5, field 'price': must have at most two decimals (whole fen), got '2540.001'",
        "efp.csv, row 5, field 'kind': must be one of non_standard, standard, got 'spot'",
    ]


def test_efp_without_a_fee_rate_in_force_is_refused(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = default_fee_schedule()
    no_nonstandard = replace(
        shipped, rates=tuple(r for r in shipped.rates if r.fee_type != "efp_nonstandard")
    )
    monkeypatch.setattr("core.imports.reference.default_fee_schedule", lambda: no_nonstandard)
    errors = errors_of(db, "efp", SAMPLES / "efp.csv")
    assert described(errors) == [
        f"efp.csv, row {row}, field 'approved_day': no EFP fee rate is in force for "
        f"{contract} on 2026-11-19 (resources/fees.toml)"
        for row, contract in ((2, "m2701"), (3, "c2701"))
    ]


def test_efp_chinese_headers_and_values(db: Database, tmp_path: Path) -> None:
    text = (
        "审批日期,合约,多方,空方,手数,协议价格(元),期转现类型\n"
        "2026-11-19,M2701,10000027,10000041,50,2540,非标准仓单期转现\n"
        "2026-11-20,y2701,10000159,10000211,20,8250.00,标准仓单\n"
    )
    result = import_text(db, "efp", tmp_path, text, "期转现.csv")
    assert result.inserted == 2
    assert [(r[1], r[6], r[5]) for r in efps(db)] == [
        ("m2701", "non_standard", 254_000),
        ("y2701", "standard", 825_000),
    ]
    again, _ = import_file(db, "efp", SAMPLES / "efp.csv", user="t")  # the same two, and one more
    assert (again.inserted, again.updated, again.unchanged) == (1, 0, 2)
