"""What-if for one client (issue 16 item 5) on the small demo (settled day 2026-11-20).

Client 10000010 after that settlement, worked by hand: balance 169,074.59; lines c2701
short 3 at 2,192.00 × 10 × 7 % = 4,603.20, i2704 short 2 at 883.00 × 100 × 13 % =
22,958.00, jd2701 long 5 at 3,154.00 × 10 × 9 % = 14,193.00, v2612 long 3 at 6,646.00
× 5 × 8 % = 7,975.20, y2612 long 4 at 8,486.00 × 10 × 10 % = 33,944.00: margin
83,673.40; its corn receipts cover the c2701 margin (offset 4,603.20); available
169,074.59 − 83,673.40 + 4,603.20 = 90,004.39.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.db.engine import Database, open_database
from core.errors import InputError
from core.money import parse_yuan
from core.rules.client_forced_close import CloseBook
from core.rules.risk_levels import MARGIN_CALL
from core.services.client_detail import ClientDetailRequest, client_detail
from core.services.client_whatif import (
    WhatIf,
    WhatIfBook,
    WhatIfLine,
    WhatIfRequest,
    what_if,
    whatif_book,
)
from core.services.demo import create_demo_data

CLIENT = "10000010"


def yuan(text: str) -> int:
    return int(parse_yuan(text))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("whatif") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    create_demo_data(db, scale="small", user="tester")
    db.engine.dispose()
    return path


@pytest.fixture(scope="module")
def db(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    target = tmp_path_factory.mktemp("whatif-db") / "demo.sqlite"
    shutil.copyfile(template, target)
    database = open_database(f"sqlite:///{target}")
    yield database
    database.engine.dispose()


def book_of(db: Database, client: str = CLIENT) -> WhatIfBook:
    with db.reader() as reader:
        return whatif_book(reader, WhatIfRequest(client))


def line_index(book: WhatIfBook, contract: str) -> int:
    return next(i for i, ln in enumerate(book.lines) if ln.contract == contract)


def test_the_basis_is_the_client_panels_figures(db: Database) -> None:
    book = book_of(db)
    res = what_if(book, WhatIf())
    assert (book.balance_fen, book.margin_fen) == (yuan("169074.59"), yuan("83673.40"))
    assert (res.margin_before_fen, res.margin_after_fen) == (yuan("83673.40"),) * 2
    assert (res.offset_before_fen, res.available_before_fen) == (yuan("4603.20"), yuan("90004.39"))
    assert res.available_after_fen == yuan("90004.39")
    assert (res.released_fen, res.rate_change_fen) == (0, 0)
    assert [ln.margin_fen for ln in book.lines] == list(res.line_margins_fen)
    # every client: a what-if without changes is the client panel to the fen
    levels = []
    with db.reader() as reader:
        for code in ("10000010", "10000012", "10000032", "10000181", "10000409"):
            d = client_detail(reader, ClientDetailRequest(code))
            b = whatif_book(reader, WhatIfRequest(code), detail=d)
            r = what_if(b, WhatIf())
            f = d.funds
            assert (r.margin_after_fen, r.offset_after_fen, r.available_after_fen) == (
                f.margin_fen,
                f.offset_used_fen,
                f.available_fen,
            )
            assert (r.ratio_after_ppm, r.level_after) == (f.risk_ratio_ppm, f.risk_level)
            levels.append(f.risk_level)
    assert max(levels) >= MARGIN_CALL  # clients on the call list too


def test_closing_lots_frees_their_margin(db: Database) -> None:
    """Close 1 of the 2 i2704 lots: r(1) = 22,958.00 − 11,479.00 = 11,479.00 freed;
    available 101,483.39, ratio 72,194.40 ÷ 169,074.59."""
    book = book_of(db)
    i = line_index(book, "i2704")
    res = what_if(book, WhatIf(close_line=i, close_lots=1))
    assert res.released_fen == yuan("11479")
    assert res.margin_after_fen == yuan("72194.40")
    assert res.available_after_fen == yuan("101483.39")
    assert res.ratio_after_ppm == yuan("72194.40") * 1_000_000 // yuan("169074.59")
    line = book.lines[i]
    rule = CloseBook.of([0], [line.settle_fen], [line.multiplier], [2], [line.rate_ppm])
    assert int(rule.released([1])[0]) == res.released_fen


def test_a_close_of_a_pledged_product_frees_margin_but_not_funds(db: Database) -> None:
    """Close 2 of the 3 c2701 lots: 3,068.80 of margin freed, but the corn receipts
    covered it: the offset falls to 1,534.40 and the available funds stay 90,004.39."""
    book = book_of(db)
    res = what_if(book, WhatIf(close_line=line_index(book, "c2701"), close_lots=2))
    assert res.released_fen == yuan("3068.80")
    assert res.offset_after_fen == yuan("1534.40")
    assert res.available_after_fen == yuan("90004.39")


def test_a_rate_change(db: Database) -> None:
    """+5 points on i2704: 883.00 × 100 × 2 × 18 % = 31,788.00, 8,830.00 more;
    available 81,174.39. +5 points on every contract: each line at its rate + 5."""
    book = book_of(db)
    res = what_if(book, WhatIf(points_ppm=50_000, points_contract="i2704"))
    assert res.line_margins_fen[line_index(book, "i2704")] == yuan("31788")
    assert res.rate_change_fen == yuan("8830")
    assert res.available_after_fen == yuan("81174.39")
    everywhere = what_if(book, WhatIf(points_ppm=50_000))
    # c2701 3 × 2,192 × 10 × 12 % = 7,891.20, i2704 31,788.00, jd2701 5 × 3,154 × 10 × 14 %
    # = 22,078.00, v2612 3 × 6,646 × 5 × 13 % = 12,959.70, y2612 4 × 8,486 × 10 × 15 %
    # = 50,916.00
    assert list(everywhere.line_margins_fen) == [
        yuan(x) for x in ("7891.20", "31788", "22078", "12959.70", "50916")
    ]
    # a cut below zero stops at a rate of 0
    cut = what_if(book, WhatIf(points_ppm=-500_000))
    assert cut.margin_after_fen == 0
    assert cut.available_after_fen == book.balance_fen


def test_lots_openable(db: Database) -> None:
    """a2701 (no a receipts): one lot 3,488.00 × 10 × 9 % = 3,139.20; 28 lots use
    87,897.60 ≤ 90,004.39 < 29 lots. c2701: the receipts cover corn margin up to the
    pledge, then each lot costs 1,534.40."""
    book = book_of(db)
    res = what_if(book, WhatIf())
    a = next(o for o in res.openable if o.contract == "a2701")
    assert (a.lot_margin_fen, a.long_lots, a.short_lots) == (yuan("3139.20"), 28, 28)
    pledge = book.pledge_fen[book.products.index("c")]
    c = next(o for o in res.openable if o.contract == "c2701")
    lot = yuan("1534.40")
    expected = (yuan("90004.39") + pledge - yuan("4603.20")) // lot
    assert c.long_lots == expected
    # closing lots makes room
    after = what_if(book, WhatIf(close_line=line_index(book, "i2704"), close_lots=2))
    a2 = next(o for o in after.openable if o.contract == "a2701")
    assert a2.long_lots == (yuan("90004.39") + yuan("22958")) // yuan("3139.20")


@pytest.mark.parametrize("client", ["10000010", "10000032", "10000097"])
def test_openable_lots_are_where_the_funds_cross_zero(db: Database, client: str) -> None:
    """For every contract and side: the client's funds with n more lots on that line
    (the line path of ``what_if``) are ≥ 0 and with n + 1 below zero."""
    book = book_of(db, client)
    res = what_if(book, WhatIf())
    by_code = {c.contract: c for c in book.contracts}
    for o in res.openable:
        c = by_code[o.contract]
        for side, n in (("long", o.long_lots), ("short", o.short_lots)):
            assert n is not None
            funds = [_funds_with(book, c.contract, c.product, side, extra) for extra in (n, n + 1)]
            if funds[0] < 0:  # below zero already: nothing openable
                assert n == 0
                continue
            assert funds[0] >= 0 > funds[1], (o.contract, side, n, funds)


def _funds_with(book: WhatIfBook, contract: str, product: str, side: str, extra: int) -> int:
    lines = list(book.lines)
    for i, ln in enumerate(lines):
        if ln.contract == contract and ln.side == side and not ln.hedge:
            lines[i] = dataclasses.replace(ln, lots=ln.lots + extra)
            break
    else:
        c = next(x for x in book.contracts if x.contract == contract)
        lines.append(
            WhatIfLine(
                contract, product, side, False, extra, c.settle_fen, c.multiplier, c.rate_ppm, 0
            )
        )
    return what_if(dataclasses.replace(book, lines=tuple(lines)), WhatIf()).available_after_fen


def test_bad_changes_are_named(db: Database) -> None:
    book = book_of(db)
    with pytest.raises(InputError, match="close 0 … 2 lots of i2704") as info:
        what_if(book, WhatIf(close_line=line_index(book, "i2704"), close_lots=3))
    assert info.value.field == "lots"
    with pytest.raises(InputError) as info:
        what_if(book, WhatIf(close_line=9))
    assert info.value.field == "line"
    with pytest.raises(InputError) as info:
        what_if(book, WhatIf(points_ppm=10_000, points_contract="zz1"))
    assert info.value.field == "contract"
    with db.reader() as reader, pytest.raises(InputError, match="no client"):
        whatif_book(reader, WhatIfRequest("nobody"))
