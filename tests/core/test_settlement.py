"""Daily settlement, hedge conversion and fee waivers (spec 2.d, 2.h, 2.k, R26, 2.l)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ConfigError
from core.rules.fees import default_fee_schedule, load_fee_schedule
from core.rules.funds import (
    AccountBook,
    PositionLine,
    Receipt,
    Trade,
    apply_trades,
    offset_value_matrix,
    product_offsets,
)
from core.rules.margin_schedule import PPM
from core.rules.settlement import (
    ConversionError,
    ExtraFee,
    HedgeConversion,
    SettlementParams,
    opening_banned_after,
    roll_to_next_day,
    settle_book,
    settle_client,
    settle_member,
)
from tests.core.test_funds import FAST, Portfolio, portfolios

D = Decimal


def _member_m_lines() -> list[PositionLine]:
    m = PositionLine(
        "m2409",
        "m",
        10,
        "long",
        False,
        D(3200),
        D("0.08"),
        200,
        (Trade("close", 50, D(3230), 7_500), Trade("open", 40, D(3245), 6_000)),
        settlement=D(3260),
    )
    i = PositionLine("i2409", "i", 100, "short", False, D(800), D("0.12"), 100, settlement=D(812))
    a = PositionLine(
        "a2405",
        "a",
        10,
        "short",
        False,
        D(4630),
        D("0.20"),
        20,
        (Trade("deliver", 20, D(4600)),),
        settlement=D(4600),
    )
    return [m, i, a]


def test_worked_example_d_member_statement() -> None:
    """Spec 2.d: every line of member M's statement, ending reserve 8,527,665.00."""
    prior_offset = product_offsets({"m": 51_200_000}, [Receipt("m", 300, D(3150))], D("0.8"))
    assert prior_offset[0].offset_value_fen == 75_600_000
    assert prior_offset[0].offset_used_fen == 51_200_000
    fees = default_fee_schedule()
    delivery_fee = fees.fee("delivery", "a", date(2024, 5, 10), tons=200)
    assert (delivery_fee.computed_fen, delivery_fee.charged_fen) == (20_000, 0)
    res = settle_member(
        800_000_000,
        165_720_000,
        51_200_000,
        _member_m_lines(),
        [Receipt("m", 300, D(3180))],
        deposits_fen=100_000_000,
        withdrawals_fen=40_000_000,
        delivery_payments_fen=[-24_000_000],
        extra_fees=[ExtraFee.from_fee_line(delivery_fee)],
    )
    by = {ln.contract: ln for ln in res.lines}
    assert by["m2409"].margin_fen == 49_552_000
    assert by["i2409"].margin_fen == 97_440_000
    assert by["a2405"].margin_fen == 0
    assert by["a2405"].lots_left == 0
    assert res.margin_fen == 146_992_000
    assert res.offset_fen == 49_552_000
    assert by["m2409"].close_pnl_fen == 1_500_000
    assert by["a2405"].close_pnl_fen == 600_000
    assert res.close_pnl_fen == 2_100_000
    assert res.position_pnl_fen == -2_400_000
    assert (res.fees_fen, res.waived_fen) == (13_500, 20_000)
    assert res.delivery_fen == -24_000_000
    assert res.prior_cash_fen == 914_520_000
    assert res.cash_fen == 950_206_500
    assert res.reserve_fen == 852_766_500
    assert res.interest_base_fen == 803_214_500
    assert res.margin_call_fen == 0
    assert not res.opening_banned
    assert not res.transfer_restricted
    assert res.identity_holds()


def _hedge_lines(spec_lots: int = 300) -> list[PositionLine]:
    spec = PositionLine(
        "m2409",
        "m",
        10,
        "long",
        False,
        D(3120),
        D("0.08"),
        spec_lots,
        settlement=D(3150),
    )
    hedge = PositionLine("m2409", "m", 10, "long", True, D(3120), D("0.07"), 0, settlement=D(3150))
    return [spec, hedge]


def test_worked_example_h_hedge_conversion() -> None:
    """Spec 2.h: 200 of 300 lots converted at 3,150 without fee; 252,000 + 441,000."""
    res = settle_member(
        500_000_000,
        74_880_000,
        0,
        _hedge_lines(),
        hedge_conversions=[HedgeConversion("m2409", "long", 200)],
    )
    spec, hedge = res.lines
    assert (spec.lots_left, spec.margin_fen) == (100, 25_200_000)
    assert (hedge.lots_left, hedge.margin_fen) == (200, 44_100_000)
    assert spec.converted_lots == 200
    assert res.conversions[0].quota_remaining == 0
    assert res.close_pnl_fen == (3150 - 3120) * 10 * 200 * 100  # the ordinary mark
    assert res.position_pnl_fen == (3150 - 3120) * 10 * 100 * 100
    assert res.fees_fen == 0
    assert res.reserve_fen == 514_580_000
    assert res.identity_holds()


def test_hedge_conversion_quota_above_speculative_lots() -> None:
    res = settle_member(
        500_000_000,
        0,
        0,
        _hedge_lines(spec_lots=120),
        hedge_conversions=[HedgeConversion("m2409", "long", 200)],
    )
    assert res.conversions[0].converted == 120
    assert res.conversions[0].quota_remaining == 80
    assert res.lines[0].lots_left == 0
    assert res.lines[1].lots_left == 120


def test_hedge_conversion_converts_oldest_lots_first() -> None:
    spec, hedge = _hedge_lines(spec_lots=10)
    spec = PositionLine(**{**spec.__dict__, "trades": (Trade("open", 5, D(3100)),)})
    res = settle_member(
        0, 0, 0, [spec, hedge], hedge_conversions=[HedgeConversion("m2409", "long", 12)]
    )
    # 10 historic at S(prev) 3,120 and 2 of today's at 3,100 are converted at 3,150
    assert res.close_pnl_fen == ((3150 - 3120) * 10 * 10 + (3150 - 3100) * 10 * 2) * 100
    assert res.position_pnl_fen == (3150 - 3100) * 10 * 3 * 100


def test_hedge_conversion_needs_hedge_line() -> None:
    with pytest.raises(ConversionError, match="exactly one hedge long m2409 line"):
        settle_member(
            0,
            0,
            0,
            _hedge_lines()[:1],
            hedge_conversions=[HedgeConversion("m2409", "long", 1)],
        )


def test_negative_reserve_flags_opening_ban_and_transfer_restriction() -> None:
    """R26 and 2.l: reserve < 0 bans opens until R ≥ minimum and restricts 移仓."""
    line = PositionLine(
        "m2409", "m", 10, "long", False, D(3200), D("0.08"), 200, settlement=D(3000)
    )
    res = settle_member(10_000_000, 51_200_000, 0, [line])
    assert res.reserve_fen < 0
    assert res.opening_banned
    assert res.transfer_restricted
    assert res.margin_call_fen == 200_000_000 - res.reserve_fen
    assert opening_banned_after(100_000_000, 200_000_000, banned_before=True)
    assert not opening_banned_after(100_000_000, 200_000_000, banned_before=False)
    assert not opening_banned_after(200_000_000, 200_000_000, banned_before=True)


def test_client_statement() -> None:
    line = PositionLine(
        "m2409",
        "m",
        10,
        "long",
        False,
        D(3200),
        D("0.10"),
        30,
        (Trade("close", 5, D(3240), 750),),
        settlement=D(3260),
    )
    res = settle_client(50_000_000, [line], deposits_fen=1_000_000)
    assert res.balance_fen == 50_000_000 + 1_000_000 + 200_000 + 25 * 60 * 10 * 100 - 750
    assert res.margin_fen == 3260 * 10 * 25 * 10
    assert res.available_fen == res.balance_fen - res.margin_fen
    assert res.risk_ratio_ppm == res.margin_fen * 1_000_000 // res.balance_fen
    assert res.required_top_up_fen == 0


# ----------------------------------------------------------------------- fees (2.k)


@pytest.mark.parametrize(
    ("fee_type", "day", "computed", "charged"),
    [
        pytest.param("efp_nonstandard", date(2021, 12, 15), 5_000, 5_000, id="2k-dec-2021"),
        pytest.param("efp_nonstandard", date(2022, 3, 15), 5_000, 0, id="2k-mar-2022"),
        pytest.param("efp_standard", date(2021, 12, 15), 5_000, 0, id="2k-std-2021"),
        pytest.param("efp_standard", date(2022, 3, 15), 5_000, 0, id="2k-std-2022"),
    ],
)
def test_worked_example_k_efp_waiver(fee_type: str, day: date, computed: int, charged: int) -> None:
    line = default_fee_schedule().fee(fee_type, "c", day, lots=100)
    assert (line.computed_fen, line.charged_fen) == (computed, charged)
    assert line.waived_fen == computed - charged


def test_operator_sets_unknown_waiver_start() -> None:
    fees = load_fee_schedule(waiver_starts={"delivery": date(2020, 1, 1)})
    before = fees.fee("delivery", "m", date(2019, 6, 3), tons=100)
    after = fees.fee("delivery", "m", date(2021, 6, 3), tons=100)
    assert (before.charged_fen, after.charged_fen) == (10_000, 0)
    assert after.waiver_start_known
    assert (
        not default_fee_schedule().fee("delivery", "m", date(2021, 6, 3), tons=1).waiver_start_known
    )


def test_bad_fee_file_names_key(tmp_path: Path) -> None:
    path = tmp_path / "fees.toml"
    path.write_text(
        '[[fees]]\ntype = "trading"\nproduct = "*"\nbasis = "per_gram"\n'
        'rate = "1"\nvalid_from = "2020-01-01"\nverified = true\n',
        "utf-8",
    )
    with pytest.raises(ConfigError, match=r"fees\[0\]\.basis"):
        load_fee_schedule(path)


# ------------------------------------------------------------ vectorised vs reference


def _settle_inputs(pf: Portfolio, data: st.DataObject) -> dict[str, object]:
    n = len(pf.account)
    settle = [data.draw(st.integers(100, 2_000_000)) for _ in range(n)]
    srate = [data.draw(st.integers(50_000, 300_000)) for _ in range(n)]
    prior_r = [data.draw(st.integers(-(10**9), 10**11)) for _ in range(pf.n_accounts)]
    prior_m = [data.draw(st.integers(0, 10**10)) for _ in range(pf.n_accounts)]
    prior_o = [data.draw(st.integers(0, m)) for m in prior_m]
    delivery = [data.draw(st.integers(-(10**9), 10**9)) for _ in range(pf.n_accounts)]
    conv = data.draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, 60), st.integers(0, 50)),
            max_size=2,
            unique_by=lambda t: t[0],
        )
    )
    return {
        "settle": settle,
        "srate": srate,
        "prior_r": prior_r,
        "prior_m": prior_m,
        "prior_o": prior_o,
        "delivery": delivery,
        "conv": conv,
    }


@FAST
@given(
    pf=portfolios(deliver=True),
    data=st.data(),
    split=st.integers(0, 30),
    cap=st.sampled_from([None, 4 * PPM, 250_000]),
)
def test_vectorised_settlement_equals_reference(
    pf: Portfolio, data: st.DataObject, split: int, cap: int | None
) -> None:
    x = _settle_inputs(pf, data)
    settle, srate = list(x["settle"]), list(x["srate"])  # type: ignore[call-overload]
    conv: list[tuple[int, int, int]] = x["conv"]  # type: ignore[assignment]
    # each conversion adds a hedge twin line (same account, product, contract, side)
    twins = []
    for spec_line, quota, twin_hist in conv:
        twins.append((spec_line, len(pf.account), quota))
        for col in ("account", "product", "mult", "sign", "prior", "rate", "last"):
            getattr(pf, col).append(getattr(pf, col)[spec_line])
        pf.hist.append(twin_hist)
        pf.trades.append([])
        settle.append(settle[spec_line])
        srate.append(data.draw(st.integers(50_000, 300_000)))
    book = pf.book()
    accounts = AccountBook.zeros(pf.n_accounts)
    prior_r, prior_m, prior_o = x["prior_r"], x["prior_m"], x["prior_o"]
    accounts.balance[:] = [
        r + m - o
        for r, m, o in zip(prior_r, prior_m, prior_o, strict=True)  # type: ignore[call-overload]
    ]  # type: ignore[call-overload]
    accounts.deposits[:] = pf.deposits
    accounts.withdrawals[:] = pf.withdrawals
    for batch in pf.batches(split):
        apply_trades(book, accounts, batch)
    r = pf.receipts
    ov = offset_value_matrix(
        [q[0] for q in r],
        [q[1] for q in r],
        [q[2] for q in r],
        [q[3] for q in r],
        800_000,
        pf.n_accounts,
        pf.n_products,
    )
    res = settle_book(
        book,
        accounts,
        settle,
        srate,
        ov,
        delivery_fen=x["delivery"],  # type: ignore[arg-type]
        conversion_spec_line=[t[0] for t in twins],
        conversion_hedge_line=[t[1] for t in twins],
        conversion_quota=[t[2] for t in twins],
        cash_cap_ppm=cap,
    )
    twin_of = {t[1] for t in twins}
    for a in range(pf.n_accounts):
        lines = []
        for i in pf.lines_of(a):
            ln = pf.position_line(i, settle=settle[i], settle_rate=srate[i])
            if i in twin_of:
                spec = next(t[0] for t in twins if t[1] == i)
                ln = PositionLine(**{**ln.__dict__, "contract": f"k{spec}", "hedge": True})
            lines.append(ln)
        convs = [
            HedgeConversion(f"k{s}", "long" if pf.sign[s] == 1 else "short", q)
            for s, _, q in twins
            if pf.account[s] == a
        ]
        ref = settle_member(
            prior_r[a],
            prior_m[a],
            prior_o[a],
            lines,
            pf.receipts_of(a),  # type: ignore[index]
            deposits_fen=pf.deposits[a],
            withdrawals_fen=pf.withdrawals[a],
            delivery_payments_fen=[x["delivery"][a]],  # type: ignore[index]
            hedge_conversions=convs,
            params=SettlementParams(cash_cap_multiple=None if cap is None else D(cap) / PPM),
        )
        assert ref.identity_holds()
        got = (
            res.cash[a],
            res.margin[a],
            res.offset[a],
            res.close_pnl[a],
            res.position_pnl[a],
            res.fees[a],
            res.reserve[a],
            res.interest_base[a],
            res.margin_call[a],
            res.opening_banned[a],
            res.transfer_restricted[a],
        )
        want = (
            ref.cash_fen,
            ref.margin_fen,
            ref.offset_fen,
            ref.close_pnl_fen,
            ref.position_pnl_fen,
            ref.fees_fen,
            ref.reserve_fen,
            ref.interest_base_fen,
            ref.margin_call_fen,
            ref.opening_banned,
            ref.transfer_restricted,
        )
        assert tuple(int(v) if not isinstance(v, np.bool_) else bool(v) for v in got) == want


@FAST
@given(pf=portfolios(deliver=True), data=st.data())
def test_reserve_identity_over_two_days(pf: Portfolio, data: st.DataObject) -> None:
    """Cash in = cash out across a roll to the next day.

    cash(D) = cash(prev) + close + position − fees ± delivery + deposits − withdrawals
    and R(D) = R(prev) + M(prev) − M(D) + O(D) − O(prev) + flows.
    """
    x = _settle_inputs(pf, data)
    book = pf.book()
    accounts = AccountBook.zeros(pf.n_accounts)
    accounts.balance[:] = pf.balance
    for batch in pf.batches(0):
        apply_trades(book, accounts, batch)
    r = pf.receipts
    ov = offset_value_matrix(
        [q[0] for q in r],
        [q[1] for q in r],
        [q[2] for q in r],
        [q[3] for q in r],
        800_000,
        pf.n_accounts,
        pf.n_products,
    )
    day1 = settle_book(book, accounts, x["settle"], x["srate"], ov)  # type: ignore[arg-type]
    nxt = roll_to_next_day(book, accounts, day1, x["settle"], x["srate"])  # type: ignore[arg-type]
    nxt.deposits[:] = pf.deposits
    nxt.withdrawals[:] = pf.withdrawals
    settle2 = [data.draw(st.integers(100, 2_000_000)) for _ in pf.account]
    day2 = settle_book(
        book,
        nxt,
        settle2,
        x["srate"],
        ov,  # type: ignore[arg-type]
        delivery_fen=x["delivery"],
    )  # type: ignore[arg-type]
    flows = (
        day2.close_pnl
        + day2.position_pnl
        - day2.fees
        + np.asarray(pf.deposits)
        - np.asarray(pf.withdrawals)
        + np.asarray(x["delivery"])
    )
    assert (day2.cash == day1.cash + flows).all()
    assert (
        day2.reserve == day1.reserve + day1.margin - day2.margin + day2.offset - day1.offset + flows
    ).all()
    assert (day2.cash == day2.reserve + day2.margin - day2.offset).all()
    assert (day2.close_pnl == 0).all()
