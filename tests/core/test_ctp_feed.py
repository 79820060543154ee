"""The CTP market source: the API's own structures through its own callbacks.

The callback object is the real ``CThostFtdcMdSpi`` subclass; the API object is a
recorder standing in for a front (what was requested), except in the unreachable-front
tests, which start the real API against a closed loopback port.
"""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from core.cli import main
from core.errors import ConfigError
from core.live.ctp import (
    CtpMarketSource,
    FeedConnectError,
    check_front,
    exchange_time,
    price_fen,
    require_ctp,
)
from core.live.feed import ContractDay, FakeClock, PriceTick

mdapi = require_ctp()
DBL_MAX = sys.float_info.max
# 21:10 in Dalian on Tuesday 2024-11-05: the night session of trading day 2024-11-06.
NIGHT = datetime(2024, 11, 5, 13, 10, tzinfo=UTC)


@dataclass
class RecorderApi:
    """Records what the source asks a front for."""

    logins: list[tuple[str, str, str, int]] = field(default_factory=list)
    subscribed: list[tuple[list[str], int]] = field(default_factory=list)
    released: int = 0

    def ReqUserLogin(self, req: Any, request_id: int) -> int:  # noqa: N802
        self.logins.append((req.BrokerID, req.UserID, req.Password, request_id))
        return 0

    def SubscribeMarketData(self, codes: list[str], count: int) -> int:  # noqa: N802
        self.subscribed.append((codes, count))
        return 0

    def Release(self) -> None:  # noqa: N802
        self.released += 1


def _source(
    api: RecorderApi, clock: FakeClock, days: dict[str, ContractDay] | None = None
) -> CtpMarketSource:
    source = CtpMarketSource(
        "tcp://180.168.146.187:10211",
        broker="9999",
        user="u1",
        password="secret",
        contracts=["m2501", "c2501", "m2501"],
        clock=clock,
        contract_days=days,
        stale_after_s=30,
        api=api,
    )
    source.start()
    return source


def _info(error_id: int = 0, message: str = "") -> Any:
    info = mdapi.CThostFtdcRspInfoField()
    info.ErrorID = error_id
    info.ErrorMsg = message
    return info


def _logged_in(api: RecorderApi, clock: FakeClock, **kw: Any) -> CtpMarketSource:
    source = _source(api, clock, **kw)
    source.spi.OnFrontConnected()
    rsp = mdapi.CThostFtdcRspUserLoginField()
    rsp.TradingDay = "20241106"
    source.spi.OnRspUserLogin(rsp, _info(), 1, True)
    return source


def _depth(**values: Any) -> Any:
    data = mdapi.CThostFtdcDepthMarketDataField()
    base: dict[str, Any] = {
        "InstrumentID": "m2501",
        "ExchangeID": "DCE",
        "TradingDay": "20241106",
        "ActionDay": "20241106",  # DCE puts the trading day here at night
        "UpdateTime": "21:05:03",
        "UpdateMillisec": 500,
        "LastPrice": 3512.0,
        "UpperLimitPrice": 3650.0,
        "LowerLimitPrice": 3370.0,
        "PreSettlementPrice": 3510.0,
        "SettlementPrice": DBL_MAX,  # no settlement price during the day
        "OpenPrice": 3508.0,
        "HighestPrice": 3515.0,
        "LowestPrice": 3501.0,
        "BidPrice1": 3511.0,
        "BidVolume1": 12,
        "AskPrice1": DBL_MAX,  # nobody offering
        "AskVolume1": 0,
        "Volume": 1234,
        "OpenInterest": 567890.0,
    }
    for name, value in {**base, **values}.items():
        setattr(data, name, value)
    return data


# --------------------------------------------------------------------- prices
@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (3512.0, 351200),
        (3512.3, 351230),  # 3512.3 is 3512.29999999999972… as a double
        (0.01, 1),
        (1020.07, 102007),
        (DBL_MAX, None),
        (0.0, None),
        (-5.0, None),
        (float("nan"), None),
        (float("inf"), None),
        (3512.305, None),  # not a whole number of fen
        (1e11, None),  # 100 billion yuan: no price
    ],
)
def test_price_in_fen_exactly_and_invalid_values_absent(value: float, fen: int | None) -> None:
    assert price_fen(value) == fen


# --------------------------------------------------------------------- the callbacks
def test_connect_logs_in_and_subscribes_each_contract_once() -> None:
    api, clock = RecorderApi(), FakeClock(NIGHT)
    source = _source(api, clock)
    assert isinstance(source.spi, mdapi.CThostFtdcMdSpi)
    source.spi.OnFrontConnected()
    assert api.logins == [("9999", "u1", "secret", 1)]
    assert source.status().state == "connected"
    rsp = mdapi.CThostFtdcRspUserLoginField()
    rsp.TradingDay = "20241106"
    source.spi.OnRspUserLogin(rsp, _info(), 1, True)
    assert api.subscribed == [(["m2501", "c2501"], 2)]
    source.wait_ready(0)
    status = source.status()
    assert (status.state, status.stale) == ("logged_in", True)  # no quote yet
    assert "trading day 20241106" in status.message
    source.close()
    assert api.released == 1


def test_depth_market_data_becomes_the_engines_tick() -> None:
    api, clock = RecorderApi(), FakeClock(NIGHT)
    source = _logged_in(api, clock)
    source.spi.OnRtnDepthMarketData(_depth())
    # 21:05:03.500 in Dalian on 5 November (not the ActionDay 6 November) is 13:05:03.5 UTC.
    at = datetime(2024, 11, 5, 13, 5, 3, 500_000, tzinfo=UTC)
    assert source.poll(0, 10) == [PriceTick("m2501", 351_200, at)]
    quote = source.latest()["m2501"]
    assert quote.trading_day == date(2024, 11, 6)
    assert (quote.upper_limit_fen, quote.lower_limit_fen) == (365_000, 337_000)
    assert (quote.pre_settlement_fen, quote.settlement_fen) == (351_000, None)
    assert (quote.open_fen, quote.high_fen, quote.low_fen) == (350_800, 351_500, 350_100)
    assert (quote.bid_fen, quote.bid_lots, quote.ask_fen, quote.ask_lots) == (
        351_100,
        12,
        None,
        0,
    )
    assert (quote.volume, quote.open_interest) == (1234, 567_890)
    status = source.status()
    assert (status.stale, status.last_quote_at) == (False, NIGHT)
    assert source.stats().ticks == 1
    clock.advance(31)
    assert source.status().stale  # quiet for longer than stale_after_s


def test_a_quote_without_a_trade_yields_no_tick() -> None:
    source = _logged_in(RecorderApi(), FakeClock(NIGHT))
    source.spi.OnRtnDepthMarketData(_depth(LastPrice=DBL_MAX, Volume=0))
    assert source.poll(0, 10) == []
    assert source.latest()["m2501"].last_fen is None


def test_an_unreadable_update_time_is_counted_malformed() -> None:
    source = _logged_in(RecorderApi(), FakeClock(NIGHT))
    source.spi.OnRtnDepthMarketData(_depth(UpdateTime="25:99"))
    assert source.poll(0, 10) == []
    assert source.stats().malformed == 1


def test_update_time_just_before_midnight_received_after_it() -> None:
    after_midnight = datetime(2024, 11, 5, 16, 0, 1, tzinfo=UTC)  # 00:00:01 in Dalian
    at = exchange_time("23:59:59", 0, "20241106", "DCE", after_midnight)
    assert at == datetime(2024, 11, 5, 15, 59, 59, tzinfo=UTC)


def test_other_exchanges_keep_their_action_day() -> None:
    at = exchange_time("10:15:00", 250, "20241105", "SHFE", NIGHT)
    assert at == datetime(2024, 11, 5, 2, 15, 0, 250_000, tzinfo=UTC)


def test_exchange_limits_win_and_unknown_contracts_are_skipped() -> None:
    # Rule-derived limits 3,380 … 3,640; the exchange publishes 3,370 … 3,650.
    day = ContractDay(
        code="m2501",
        prior_settlement_fen=351_000,
        upper_limit_fen=364_000,
        lower_limit_fen=338_000,
        tick_fen=100,
        multiplier=10,
        spec_margin_ppm=80_000,
        hedge_margin_ppm=70_000,
    )
    source = _logged_in(RecorderApi(), FakeClock(NIGHT), days={"m2501": day})
    source.spi.OnRtnDepthMarketData(_depth(LastPrice=3645.0))
    source.spi.OnRtnDepthMarketData(_depth(InstrumentID="x2501"))
    source.spi.OnRtnDepthMarketData(_depth(LastPrice=3660.0))
    ticks = source.poll(0, 10)
    assert [t.price_fen for t in ticks] == [364_500]
    stats = source.stats()
    assert (stats.ticks, stats.malformed, stats.out_of_limit) == (1, 1, 1)


def test_refused_login_is_a_clear_error() -> None:
    api = RecorderApi()
    source = _source(api, FakeClock(NIGHT))
    source.spi.OnFrontConnected()
    source.spi.OnRspUserLogin(
        mdapi.CThostFtdcRspUserLoginField(), _info(3, "CTP:invalid login"), 1, True
    )
    with pytest.raises(FeedConnectError, match=r"login refused \(CTP error 3: CTP:invalid login"):
        source.wait_ready(0)
    assert api.subscribed == []
    assert source.status().stale


def test_disconnect_makes_the_feed_stale_and_says_why() -> None:
    source = _logged_in(RecorderApi(), FakeClock(NIGHT))
    source.spi.OnRtnDepthMarketData(_depth())
    source.spi.OnFrontDisconnected(0x1001)
    status = source.status()
    assert (status.state, status.stale) == ("disconnected", True)
    assert "0x1001: network read failed" in status.message


def test_bad_front_address_names_the_option() -> None:
    with pytest.raises(ConfigError, match="--front: expected tcp://HOST:PORT"):
        check_front("127.0.0.1:41205")
    with pytest.raises(ConfigError, match="--front"):
        check_front("tcp://host:70000")


# --------------------------------------------------------------------- the real API
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_front_is_an_error_and_a_stale_feed_not_a_hang(tmp_path: Path) -> None:
    source = CtpMarketSource(
        f"tcp://127.0.0.1:{_closed_port()}",
        broker="9999",
        contracts=["m2501"],
        clock=FakeClock(NIGHT),
        flow_dir=tmp_path / "flow",
    )
    source.start()
    try:
        with pytest.raises(FeedConnectError, match=r"not ready within 0\.5 s: no connection"):
            source.wait_ready(0.5)
        assert source.status().stale
        assert source.poll(0.1, 10) == []
    finally:
        source.close()
    assert (tmp_path / "flow").is_dir()


def test_flow_directory_must_be_writable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    source = CtpMarketSource(
        "tcp://127.0.0.1:1",
        broker="9999",
        contracts=["m2501"],
        clock=FakeClock(NIGHT),
        flow_dir=blocker / "flow",
    )
    with pytest.raises(ConfigError, match=r"--flow-dir: CTP flow directory .* is not writable"):
        source.start()


def test_feed_command_against_a_closed_port(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _closed_port()
    code = main(
        [
            *("feed", "--source", "ctp", "--front", f"tcp://127.0.0.1:{port}"),
            *("--broker", "9999", "--contracts", "m2501"),
            *("--flow-dir", str(tmp_path), "--connect-timeout", "0.5"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert f"CTP front tcp://127.0.0.1:{port} not ready within 0.5 s" in err
    assert "the feed is stale" in err
