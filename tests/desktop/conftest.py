"""Qt fixtures: a small SQLite database built through the ORM, isolated QSettings, and
checks that no worker thread outlives a test (STYLE B9).

``build_sample_database(url, clients=...)`` is deterministic and also makes the demo-ish
database used for screenshots (see docs/desktop.md).
"""

from __future__ import annotations

import argparse
import random
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import select

from core.config import AppConfig
from core.db.engine import open_database
from core.db.tables import (
    Client,
    ClientBalance,
    Contract,
    Member,
    Position,
    Product,
    ReserveHistory,
    SettlementPrice,
    Warehouse,
    WarehouseReceipt,
)
from core.reference.products import default_products
from desktop import i18n
from desktop.bus import AppBus
from desktop.context import DesktopContext
from desktop.settings import UiSettings
from desktop.tasks import THREAD_PREFIX, TaskManager

DAY = date(2024, 9, 13)
PREVIOUS_DAY = date(2024, 9, 12)
MEMBER = "0101"

# (product, contract, settlement price in fen, margin rate ppm, limit lock)
CONTRACTS = (
    ("m", "m2501", 3_052_00, 80_000, "none"),
    ("m", "m2505", 2_871_00, 80_000, "none"),
    ("y", "y2501", 7_488_00, 80_000, "none"),
    ("a", "a2501", 4_112_00, 90_000, "limit_up"),
    ("i", "i2501", 702_50, 110_000, "limit_down"),
    ("c", "c2501", 2_208_00, 70_000, "none"),
    ("jm", "jm2501", 1_275_50, 120_000, "none"),
    ("pp", "pp2501", 7_402_00, 80_000, "none"),
)

# Fixed clients the tests assert on: code, name, balance, margin (fen).
# Available funds are 9.00, 10.00 and 100.00 yuan: a text sort would give 10 < 100 < 9.
FIXED_CLIENTS = (
    ("C0001", "大连恒信农产品有限公司", 123_456_789, 123_455_889),  # available 9.00
    ("C0002", "王建国", 5_000_000, 4_999_000),  # available 10.00
    ("C0003", "Northbridge Grain Trading", 2_000_000, 1_990_000),  # available 100.00
    ("C0004", "李晓梅", 1_000_000, 1_250_000),  # available -2,500.00, risk 125 %
)

_SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛")
_FIRMS = ("辽宁", "吉林", "山东", "江苏", "广州", "天津", "大连", "宁波", "青岛", "营口")
_TRADES = ("粮油贸易", "饲料", "物产", "钢铁物资", "化工", "农业发展", "供应链", "实业")
WAREHOUSES = (
    ("W01", "大连北良港储运", "Dalian Beiliang Port Storage", "大连"),
    ("W02", "中储粮锦州库", "Sinograin Jinzhou Depot", "锦州"),
    ("W03", "营口港务集团仓库", "Yingkou Port Warehouse", "营口"),
    ("F01", "日照钢铁厂库", "Rizhao Steel Factory Warehouse", "日照"),
)


def build_sample_database(url: str, clients: int = 12, seed: int = 7) -> None:
    """Write a small, internally consistent member/clients/positions/receipts data set.

    ``clients`` counts all clients including the four fixed ones used by assertions.
    """
    rng = random.Random(seed)
    db = open_database(url)
    products = default_products()
    with db.sessions.begin() as s:
        known = set(s.scalars(select(Product.code)))
        for p in products.values():
            if p.code in known:  # open_database may already sync products.toml
                continue
            s.add(
                Product(
                    code=p.code,
                    name_zh=p.name_zh,
                    name_en=p.name_en,
                    unit_tons=p.unit_tons,
                    multiplier=p.multiplier,
                    tick_fen=int(p.tick * 100),
                    price_limit_ppm=int(p.price_limit * 1_000_000),
                    min_margin_ppm=int(p.min_margin * 1_000_000),
                )
            )
        s.flush()
        s.add(
            Member(
                code=MEMBER,
                name="大连示例期货有限公司",
                kind="brokerage",
                min_reserve_fen=200_000_000,
            )
        )
        s.add(
            Member(
                code="0188",
                name="辽宁示例粮油集团",
                kind="non_brokerage",
                min_reserve_fen=50_000_000,
            )
        )
        for product, code, _, rate, _ in CONTRACTS:
            prod = products[product]
            s.add(
                Contract(
                    code=code,
                    product_code=product,
                    delivery_month=date(2000 + int(code[-4:-2]), int(code[-2:]), 1),
                    tick_fen=int(prod.tick * 100),
                    price_limit_ppm=int(prod.price_limit * 1_000_000),
                    general_margin_ppm=rate,
                    hedge_margin_ppm=rate - 10_000,
                )
            )
        for code, name_zh, name_en, city in WAREHOUSES:
            s.add(
                Warehouse(
                    code=code,
                    name_zh=name_zh,
                    name_en=name_en,
                    city=city,
                    kind="factory" if code.startswith("F") else "warehouse",
                )
            )
        s.flush()
        for day, drift in ((PREVIOUS_DAY, Decimal("0.99")), (DAY, Decimal("1"))):
            for product, code, price, _, lock in CONTRACTS:
                settle = int(price * drift)
                limit = Decimal(products[product].price_limit)
                s.add(
                    SettlementPrice(
                        trading_day=day,
                        contract_code=code,
                        settlement_fen=settle,
                        upper_limit_fen=int(settle * (1 + limit)),
                        lower_limit_fen=int(settle * (1 - limit)),
                        limit_lock=lock if day == DAY else "none",
                        open_interest=rng.randrange(20_000, 900_000),
                        volume=rng.randrange(5_000, 600_000),
                    )
                )

        people = list(FIXED_CLIENTS)
        for i in range(len(FIXED_CLIENTS) + 1, clients + 1):
            if i % 3 == 0:
                name = f"{rng.choice(_FIRMS)}{rng.choice(_FIRMS)}{rng.choice(_TRADES)}有限公司"
            else:
                name = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.randint(1, 2)))
            balance = rng.randrange(200_000, 80_000_000) * 100
            ratio = rng.choice((0.1, 0.3, 0.45, 0.6, 0.72, 0.85, 0.93, 1.08))
            people.append((f"C{i:04d}", name, balance, int(balance * ratio)))
        total_margin = 0
        total_balance = 0
        for n, (code, name, balance, margin) in enumerate(people):
            s.add(
                Client(
                    code=code,
                    member_code=MEMBER,
                    name=name,
                    is_individual=len(name) <= 3,
                    opened_on=date(2020, 1, 2),
                )
            )
            s.flush()
            s.add(
                ClientBalance(
                    client_code=code,
                    trading_day=DAY,
                    balance_fen=balance,
                    margin_fen=margin,
                    available_fen=balance - margin,
                    margin_call_fen=max(margin - balance, 0),
                )
            )
            s.add(
                ClientBalance(
                    client_code=code,
                    trading_day=PREVIOUS_DAY,
                    balance_fen=balance + 10_000,
                    margin_fen=margin,
                    available_fen=balance + 10_000 - margin,
                )
            )
            total_margin += margin
            total_balance += balance
            # Spread the client's margin over one to three position lines.
            lines = 1 + n % 3
            picks = rng.sample(CONTRACTS, lines)
            for j, (product, contract, price, rate, _) in enumerate(picks):
                mult = products[product].multiplier
                share = margin // lines if j < lines - 1 else margin - (margin // lines) * j
                per_lot = price * mult * rate // 1_000_000
                lots = max(share // max(per_lot, 1), 1)
                s.add(
                    Position(
                        trading_day=DAY,
                        client_code=code,
                        contract_code=contract,
                        side="long" if (n + j) % 2 == 0 else "short",
                        hedge=(n + j) % 5 == 4,
                        lots=lots,
                        today_lots=min(lots, rng.randrange(0, 5)),
                        open_price_fen=price + rng.randrange(-40, 40) * 100,
                        margin_fen=share,
                    )
                )
        s.add(
            ReserveHistory(
                member_code=MEMBER,
                trading_day=DAY,
                reserve_fen=total_balance - total_margin + 350_000_000,
                margin_fen=total_margin,
                offset_fen=0,
                cash_fen=total_balance + 350_000_000,
            )
        )
        statuses = ("held", "held", "held", "margin", "delivery", "cancelled")
        receipt_products = ("m", "a", "y", "c", "i", "b")
        for k in range(1, max(clients // 2, 6) + 1):
            product = receipt_products[k % len(receipt_products)]
            lots = rng.randint(1, 20)
            s.add(
                WarehouseReceipt(
                    receipt_no=f"WR{product.upper()}2408{k:05d}",
                    product_code=product,
                    warehouse_code=WAREHOUSES[k % len(WAREHOUSES)][0],
                    member_code=MEMBER,
                    holder_code=people[k % len(people)][0],
                    lots=lots,
                    tons=lots * products[product].unit_tons,
                    registration_date=date(2024, 8, 1 + k % 28),
                    status=statuses[k % len(statuses)],
                )
            )
    db.engine.dispose()


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="session")
def sample_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "sample.sqlite"
    build_sample_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def sample_db_url(sample_db_template: Path, tmp_path: Path) -> str:
    """A fresh copy of the sample database for this test (Anki's getEmptyCol trick)."""
    path = tmp_path / "riskdesk.sqlite"
    shutil.copyfile(sample_db_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """QSettings and logs go to tmp_path: tests never touch the developer's files."""
    folder = tmp_path / "settings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setenv("RISKDESK_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("RISKDESK_USER", "tester")
    return folder


@pytest.fixture(autouse=True)
def _no_dangling_workers() -> Iterator[None]:
    """Fail a test that leaves a RiskDesk worker thread running (napari's check)."""
    before = {t.ident for t in threading.enumerate()}
    yield
    left = [
        t.name
        for t in threading.enumerate()
        if t.name.startswith(THREAD_PREFIX) and t.ident not in before and t.is_alive()
    ]
    assert not left, f"worker threads left running: {left}"


@pytest.fixture(autouse=True)
def _english_by_default(qapp: object) -> Iterator[None]:
    """Tests start in English; tests that switch language get reset afterwards."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def ctx(sample_db_url: str, qapp: object) -> Iterator[DesktopContext]:
    context = DesktopContext(
        db=open_database(sample_db_url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=sample_db_url, user="tester"),
    )
    yield context
    context.close()


def gui_args(db_url: str, **overrides: object) -> argparse.Namespace:
    """Arguments as ``riskdesk --db URL gui ...`` would parse them."""
    values: dict[str, object] = {
        "db": db_url,
        "offscreen": True,
        "screenshot": None,
        "screen": "main",
        "lang": None,
        "size": None,
    }
    values.update(overrides)
    return argparse.Namespace(**values)
