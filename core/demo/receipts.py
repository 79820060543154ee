"""Demo delivery warehouses and standard warehouse receipts (spec 2.i).

Registration dates respect each product's validity rule (a receipt is registered after
the product's previous cancellation deadline, so it is still valid on the last demo
day); soybean-meal production dates respect the 45-day rule, a few right at its edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from core.demo.book import Book, Clients, Columns
from core.demo.market import Market
from core.errors import CalendarHorizonError
from core.reference.products import Product
from core.trading_calendar import TradingCalendar

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class WarehouseInfo:
    code: str
    name_zh: str
    name_en: str
    city: str
    kind: str
    products: tuple[str, ...]


WAREHOUSES: tuple[WarehouseInfo, ...] = (
    WarehouseInfo(
        "DL01",
        "大连北良港散粮仓库",
        "Dalian Beiliang port grain warehouse",
        "大连",
        "warehouse",
        ("a", "c", "m"),
    ),
    WarehouseInfo(
        "DL02",
        "大连港湾粮油物流仓库",
        "Dalian harbour grain and oils logistics",
        "大连",
        "warehouse",
        ("a", "m", "y"),
    ),
    WarehouseInfo(
        "YK01", "营口港粮食码头仓库", "Yingkou port grain terminal", "营口", "warehouse", ("c", "m")
    ),
    WarehouseInfo(
        "JZ01", "锦州港粮食物流仓库", "Jinzhou port grain logistics", "锦州", "warehouse", ("c",)
    ),
    WarehouseInfo(
        "HEB1", "哈尔滨铁路粮食储备库", "Harbin railway grain depot", "哈尔滨", "warehouse", ("a",)
    ),
    WarehouseInfo(
        "RZ01", "日照港油脂储运仓库", "Rizhao port oils storage", "日照", "warehouse", ("m", "y")
    ),
    WarehouseInfo(
        "RZ02", "日照港矿石码头仓库", "Rizhao port ore terminal", "日照", "warehouse", ("i",)
    ),
    WarehouseInfo(
        "QD01",
        "青岛港董家口矿石堆场",
        "Qingdao port Dongjiakou ore yard",
        "青岛",
        "warehouse",
        ("i",),
    ),
    WarehouseInfo(
        "TJ01", "天津港焦炭码头仓库", "Tianjin port coke terminal", "天津", "warehouse", ("j", "jm")
    ),
    WarehouseInfo(
        "TJ02",
        "天津临港油脂仓库",
        "Tianjin Lingang oils warehouse",
        "天津",
        "warehouse",
        ("m", "y"),
    ),
    WarehouseInfo(
        "ZJG1",
        "张家港粮油储运中心",
        "Zhangjiagang grain and oils storage centre",
        "张家港",
        "warehouse",
        ("m", "y"),
    ),
    WarehouseInfo(
        "ZJG2",
        "张家港保税区化工仓库",
        "Zhangjiagang bonded zone chemicals warehouse",
        "张家港",
        "warehouse",
        ("l", "pp", "v"),
    ),
    WarehouseInfo(
        "NB01",
        "宁波镇海化工物流仓库",
        "Ningbo Zhenhai chemicals logistics",
        "宁波",
        "warehouse",
        ("l", "pp"),
    ),
    WarehouseInfo(
        "DG01",
        "东莞麻涌油脂仓库",
        "Dongguan Machong oils warehouse",
        "东莞",
        "warehouse",
        ("m", "y"),
    ),
    WarehouseInfo(
        "TS01",
        "唐山京唐港矿石仓库",
        "Tangshan Jingtang port ore yard",
        "唐山",
        "warehouse",
        ("i", "j"),
    ),
    WarehouseInfo(
        "CFD1", "曹妃甸港矿石堆场", "Caofeidian port ore yard", "唐山", "warehouse", ("i",)
    ),
    WarehouseInfo(
        "FJM1",
        "山西焦煤集团厂库",
        "Shanxi coking coal group factory warehouse",
        "太原",
        "factory",
        ("jm",),
    ),
    WarehouseInfo(
        "FJM2",
        "临汾煤焦化工厂库",
        "Linfen coal and coke factory warehouse",
        "临汾",
        "factory",
        ("j", "jm"),
    ),
    WarehouseInfo(
        "FV01",
        "新疆氯碱化工厂库",
        "Xinjiang chlor-alkali factory warehouse",
        "石河子",
        "factory",
        ("v",),
    ),
    WarehouseInfo(
        "FPP1",
        "宁波石化聚烯烃厂库",
        "Ningbo petrochemical polyolefin factory",
        "宁波",
        "factory",
        ("l", "pp"),
    ),
    WarehouseInfo(
        "FY01",
        "张家港油脂工业厂库",
        "Zhangjiagang oils industry factory warehouse",
        "张家港",
        "factory",
        ("m", "y"),
    ),
)

RECEIPT_PRODUCTS = ("m", "y", "a", "c", "l", "v", "pp", "i", "j", "jm")
_RECEIPT_SHARE = np.array([0.22, 0.12, 0.06, 0.12, 0.08, 0.08, 0.08, 0.12, 0.06, 0.06])
# Cancellation deadlines: "before the last trading day" of these months (spec 2.i).
_EXPIRY_MONTHS = {
    "m": (3, 7, 11),
    "y": (3, 7, 11),
    "a": (3,),
    "c": (3,),
    "l": (3,),
    "v": (3,),
    "pp": (3,),
}
# Longest production-to-registration interval in days (spec 2.i; pp assumed as v).
_PRODUCTION_LIMIT = {"m": 45, "y": 120, "l": 180, "v": 120, "pp": 120}
STATUSES = ("held", "margin", "delivery", "cancelled")
MEAL_PRODUCTION_LIMIT_DAYS = 45


def warehouse_columns() -> Columns:
    return {
        "code": [w.code for w in WAREHOUSES],
        "name_zh": [w.name_zh for w in WAREHOUSES],
        "name_en": [w.name_en for w in WAREHOUSES],
        "city": [w.city for w in WAREHOUSES],
        "kind": [w.kind for w in WAREHOUSES],
    }


def previous_deadline(product: str, day: date, cal: TradingCalendar) -> date:
    """The product's last cancellation deadline before ``day`` (registration floor)."""
    months = _EXPIRY_MONTHS.get(product)
    if months is None:
        return day - timedelta(days=240)  # no validity rule in the spec: ~8 months back
    for year in (day.year, day.year - 1):
        for month in sorted(months, reverse=True):
            try:
                deadline = cal.prev_td(cal.last_trading_day(year, month))
            except CalendarHorizonError:
                continue
            if deadline < day:
                return deadline
    return day - timedelta(days=240)


@dataclass
class Receipts:
    columns: Columns
    # For day index t: (client index, product index, tons) of receipts lodged as margin.
    lodged: dict[int, tuple[I64, I64, I64]]


def generate_receipts(
    rng: np.random.Generator,
    market: Market,
    clients: Clients,
    book: Book,
    products: dict[str, Product],
    cal: TradingCalendar,
    member_code: str,
    count: int,
) -> Receipts:
    """``count`` receipts, held by clients and by the member, in four statuses."""
    d = market.days[-1]
    day_numbers = cal.day_numbers()
    epoch = date(1970, 1, 1)
    product_list = sorted({c.product for c in market.contracts})
    prod_of_contract = np.array([product_list.index(c.product) for c in market.contracts])
    line_product = prod_of_contract[book.contract]
    owners_of = {p: np.unique(book.client[line_product == i]) for i, p in enumerate(product_list)}
    institutions = np.flatnonzero(~clients.is_individual)
    if len(institutions) == 0:
        institutions = np.arange(clients.count)

    share = _RECEIPT_SHARE / _RECEIPT_SHARE.sum()
    prod = rng.choice(len(RECEIPT_PRODUCTS), size=count, p=share)
    status = rng.choice(4, size=count, p=[0.5, 0.22, 0.1, 0.18])
    by_member = (rng.random(count) < 0.25) & ((status == 0) | (status == 3))
    rows: dict[str, list[Any]] = {
        key: []
        for key in (
            "receipt_no",
            "product_code",
            "warehouse_code",
            "member_code",
            "holder_code",
            "lots",
            "tons",
            "production_date",
            "registration_date",
            "status",
            "status_since",
        )
    }
    lodged: dict[int, list[tuple[int, int, int]]] = {
        len(market.days) - 2: [],
        len(market.days) - 1: [],
    }
    meal_edge = 0
    for j in range(count):
        code = RECEIPT_PRODUCTS[int(prod[j])]
        floor = previous_deadline(code, d, cal)
        lo = int(np.searchsorted(day_numbers, (floor - epoch).days, side="right"))
        hi = int(np.searchsorted(day_numbers, (d - epoch).days, side="right"))
        reg = epoch + timedelta(days=int(day_numbers[int(rng.integers(lo, max(hi, lo + 1)))]))
        production: date | None = None
        limit = _PRODUCTION_LIMIT.get(code)
        if limit is not None:
            if code == "m" and meal_edge < 5:
                gap = MEAL_PRODUCTION_LIMIT_DAYS - meal_edge % 2  # 45 or 44 days
                meal_edge += 1
            else:
                gap = int(rng.integers(3, limit - 2))
            production = reg - timedelta(days=gap)
        st = STATUSES[int(status[j])]
        candidates = [w for w in WAREHOUSES if code in w.products]
        wh = candidates[int(rng.integers(0, len(candidates)))]
        unit = products[code].unit_tons
        lots = int(rng.integers(1, 12 if unit >= 60 else 40))
        holder: str
        holder_index = -1
        if by_member[j]:
            holder = member_code
        elif st == "margin":
            # Lodged receipts belong to clients with positions in the product.
            owners = owners_of.get(code, np.zeros(0, dtype=np.int64))
            if len(owners) == 0:
                st = "held"
                owners = institutions
            holder_index = int(owners[int(rng.integers(0, len(owners)))])
            holder = clients.codes[holder_index]
        else:
            holder_index = int(institutions[int(rng.integers(0, len(institutions)))])
            holder = clients.codes[holder_index]
        since_lo = int(np.searchsorted(day_numbers, (reg - epoch).days))
        span = max(hi - since_lo, 1)
        if st == "held":
            since = reg
        elif st == "delivery":
            since_i = max(hi - 1 - int(rng.integers(0, 10)), since_lo)
            since = epoch + timedelta(days=int(day_numbers[since_i]))
        else:
            since_i = since_lo + int(rng.integers(0, span))
            since = epoch + timedelta(days=int(day_numbers[min(since_i, hi - 1)]))
        if st == "margin" and holder_index >= 0:
            # Lodged receipts count from the settlement after lodging (spec 2.c, Q8).
            for t in lodged:
                if since < market.days[t]:
                    lodged[t].append((holder_index, product_list.index(code), lots * unit))
        rows["receipt_no"].append(f"{code.upper()}{reg:%Y%m%d}{j + 1:05d}")
        rows["product_code"].append(code)
        rows["warehouse_code"].append(wh.code)
        rows["member_code"].append(member_code)
        rows["holder_code"].append(holder)
        rows["lots"].append(lots)
        rows["tons"].append(lots * unit)
        rows["production_date"].append(production)
        rows["registration_date"].append(reg)
        rows["status"].append(st)
        rows["status_since"].append(since)
    out: dict[int, tuple[I64, I64, I64]] = {}
    for t, entries in lodged.items():
        arr = np.array(entries, dtype=np.int64).reshape(-1, 3)
        out[t] = (arr[:, 0], arr[:, 1], arr[:, 2])
    order = sorted(range(count), key=lambda i: rows["receipt_no"][i])
    return Receipts({k: [v[i] for i in order] for k, v in rows.items()}, out)


def add_receipts(receipts: Receipts, rows: list[dict[str, Any]]) -> None:
    """Append receipt rows (same keys as the columns) and keep receipt-number order."""
    cols = receipts.columns
    for row in rows:
        for key, values in cols.items():
            values.append(row[key])
    order = sorted(range(len(cols["receipt_no"])), key=lambda i: cols["receipt_no"][i])
    for key, values in cols.items():
        cols[key] = [values[i] for i in order]
