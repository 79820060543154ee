"""Column layouts of the import files: the one definition the validator and docs share.

Each ``Layout`` lists its columns in file order with the value type, whether the column
is required, its meaning, an example, the accepted header aliases (Chinese headers of
typical exports) and the ORM attribute it fills. ``layout_markdown`` renders the tables
of ``docs/imports.md`` from the same objects; a test keeps the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from core.db.base import Base
from core.db.delivery_tables import DeliveryMatch, EfpRecord
from core.db.tables import (
    Client,
    ClosingOrder,
    Contract,
    FundMovement,
    Member,
    Position,
    SettlementPrice,
    Trade,
    Warehouse,
    WarehouseReceipt,
)


class ValueType(StrEnum):
    """How a cell is parsed and checked (see ``core.imports.values``)."""

    TRADING_DAY = "trading day"
    DATE = "date"
    DATETIME = "date-time"
    CODE = "code"
    TEXT = "text"
    CONTRACT = "contract"
    CLIENT = "client"
    MEMBER = "member"
    WAREHOUSE = "warehouse"
    PRODUCT = "product"
    HOLDER = "holder"
    SIDE = "side"
    ACTION = "action"
    HEDGE = "hedge"
    LIMIT_LOCK = "limit lock"
    FUND_KIND = "fund kind"
    RECEIPT_STATUS = "receipt status"
    EFP_KIND = "EFP kind"
    MEMBER_KIND = "member kind"
    WAREHOUSE_KIND = "warehouse kind"
    INDIVIDUAL = "individual"
    NEW_CONTRACT = "new contract"
    RATE = "rate"
    INTEGER = "integer"
    PRICE = "price"
    MONEY = "money"


# Accepted cell values (case-insensitive) → stored value. "buy"/"sell" on a side column
# are resolved against the action of the row (``Layout.buy_sell``).
SIDE_VALUES: dict[str, str] = {
    "long": "long",
    "short": "short",
    "多": "long",
    "多头": "long",
    "空": "short",
    "空头": "short",
    "buy": "buy",
    "sell": "sell",
    "买": "buy",
    "买入": "buy",
    "卖": "sell",
    "卖出": "sell",
}
ACTION_VALUES: dict[str, str] = {
    "open": "open",
    "close": "close",
    "deliver": "deliver",
    "开": "open",
    "开仓": "open",
    "平": "close",
    "平仓": "close",
    "平今": "close",
    "平昨": "close",
    "交割": "deliver",
}
HEDGE_VALUES: dict[str, bool] = {
    "0": False,
    "false": False,
    "no": False,
    "n": False,
    "spec": False,
    "speculation": False,
    "投机": False,
    "1": True,
    "true": True,
    "yes": True,
    "y": True,
    "hedge": True,
    "hedging": True,
    "套保": True,
    "套期保值": True,
}
LIMIT_LOCK_VALUES: dict[str, str] = {
    "none": "none",
    "limit_up": "limit_up",
    "limit_down": "limit_down",
    "无": "none",
    "涨停": "limit_up",
    "涨停板": "limit_up",
    "跌停": "limit_down",
    "跌停板": "limit_down",
}
FUND_KIND_VALUES: dict[str, str] = {
    "deposit": "deposit",
    "withdrawal": "withdrawal",
    "withdraw": "withdrawal",
    "入金": "deposit",
    "出金": "withdrawal",
}
RECEIPT_STATUS_VALUES: dict[str, str] = {
    "held": "held",
    "margin": "margin",
    "delivery": "delivery",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "持有": "held",
    "自由": "held",
    "充抵": "margin",
    "质押": "margin",
    "交割": "delivery",
    "冻结": "delivery",
    "注销": "cancelled",
}

EFP_KIND_VALUES: dict[str, str] = {
    "standard": "standard",
    "standard_receipt": "standard",
    "non_standard": "non_standard",
    "non-standard": "non_standard",
    "nonstandard": "non_standard",
    "标准": "standard",
    "标准仓单": "standard",
    "标准仓单期转现": "standard",
    "非标准": "non_standard",
    "非标": "non_standard",
    "非标准仓单": "non_standard",
    "非标准仓单期转现": "non_standard",
    "非标期转现": "non_standard",
}

MEMBER_KIND_VALUES: dict[str, str] = {
    "brokerage": "brokerage",
    "non_brokerage": "non_brokerage",
    "non-brokerage": "non_brokerage",
    "期货公司": "brokerage",
    "期货公司会员": "brokerage",
    "非期货公司": "non_brokerage",
    "非期货公司会员": "non_brokerage",
}
WAREHOUSE_KIND_VALUES: dict[str, str] = {
    "warehouse": "warehouse",
    "factory": "factory",
    "仓库": "warehouse",
    "交割仓库": "warehouse",
    "厂库": "factory",
}
# Individual (natural person, 自然人) or institution (legal person, 机构/法人/单位).
INDIVIDUAL_VALUES: dict[str, bool] = {
    "1": True,
    "true": True,
    "yes": True,
    "y": True,
    "individual": True,
    "person": True,
    "是": True,
    "个人": True,
    "自然人": True,
    "0": False,
    "false": False,
    "no": False,
    "n": False,
    "institution": False,
    "company": False,
    "否": False,
    "机构": False,
    "法人": False,
    "单位": False,
    "非自然人": False,
}

ENUM_VALUES: dict[ValueType, dict[str, str]] = {
    ValueType.SIDE: SIDE_VALUES,
    ValueType.ACTION: ACTION_VALUES,
    ValueType.LIMIT_LOCK: LIMIT_LOCK_VALUES,
    ValueType.FUND_KIND: FUND_KIND_VALUES,
    ValueType.RECEIPT_STATUS: RECEIPT_STATUS_VALUES,
    ValueType.EFP_KIND: EFP_KIND_VALUES,
    ValueType.MEMBER_KIND: MEMBER_KIND_VALUES,
    ValueType.WAREHOUSE_KIND: WAREHOUSE_KIND_VALUES,
}


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``minimum`` bounds INTEGER columns (in units) and MONEY columns (in fen); prices are
    always > 0 and on the contract's tick. ``max_length`` bounds CODE and TEXT cells.
    ``limit`` names the plausibility limit above which a number is "too large"
    (``core.rules.plausibility``): "lots", "tons", "price" (a MONEY column holding a
    price); other INTEGER columns take ``max_open_interest``, other MONEY columns
    ``max_amount``, PRICE columns ``max_price``. ``past_only`` dates may not lie after
    today.
    """

    name: str
    type: ValueType
    required: bool
    meaning: str
    example: str
    db: str
    aliases: tuple[str, ...] = ()
    minimum: int | None = None
    max_length: int | None = None
    limit: str = ""
    past_only: bool = False

    def type_text(self) -> str:
        """The type as the docs state it."""
        t = self.type
        if t is ValueType.INTEGER:
            return f"whole number ≥ {self.minimum if self.minimum is not None else 0}"
        if t is ValueType.MONEY:
            bound = "> 0" if self.minimum == 1 else "≥ 0"
            return f"yuan, ≤ 2 decimals, {bound}"
        if t is ValueType.PRICE:
            return "yuan, ≤ 2 decimals, on the contract's tick"
        if t in ENUM_VALUES:
            stored = dict.fromkeys(ENUM_VALUES[t].values())
            canonical = [v for v in stored if v not in ("buy", "sell")]
            return " / ".join(f"`{v}`" for v in canonical)
        if t is ValueType.HEDGE:
            return "`0` / `1` (also spec / hedge, 投机 / 套保)"
        if t is ValueType.INDIVIDUAL:
            return "`1` / `0` (also individual / institution, 自然人 / 机构)"
        if t is ValueType.RATE:
            return "rate, `0.07` or `7%`, > 0 and ≤ 1"
        if t is ValueType.NEW_CONTRACT:
            return "product code + YYMM"
        if t is ValueType.TRADING_DAY:
            return "date YYYY-MM-DD, a trading day"
        if t is ValueType.DATE:
            return "date YYYY-MM-DD"
        if t is ValueType.DATETIME:
            return "YYYY-MM-DD HH:MM:SS, Beijing time"
        if t in (ValueType.CODE, ValueType.TEXT):
            return f"text ≤ {self.max_length}" if self.max_length else "text"
        return f"{t.value} code"


@dataclass(frozen=True)
class Layout:
    """The columns of one import kind, its natural key and its target table.

    ``scope`` is the column whose values select the stored rows an import may touch
    (the trading days of the file, or the key itself). ``buy_sell`` says how "buy" and
    "sell" in the side column map to the position side: "position" (buy = long),
    "closing" (closing orders: buy closes a short) or "action" (per the row's action).

    ``day`` is the day column that must fall within the contract's life. ``parties``
    names two client columns that must differ, ``institutions`` client columns that may
    not hold an individual client. ``derived`` lists the stored columns the import
    computes rather than reads (``core.imports.derive``). ``unique_in_db`` is False where
    no unique constraint of the table guards the natural key: the import then refuses a
    key the table already holds twice. ``locked`` = (stored column, value): a stored row
    holding that value may not be changed by an import (an allocated delivery match).
    ``uses`` names the kinds whose stored rows the validation of this kind reads (codes it
    must find, prices it derives from): in a batch of files those are checked first and,
    for the check, written first (``core.imports.service.check_files``).
    """

    kind: str
    title: str
    table: type[Base]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    scope: str
    buy_sell: str = ""
    notes: str = ""
    day: str = "trading_day"
    parties: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()
    unique_in_db: bool = True
    locked: tuple[str, str] | None = None
    uses: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def normalise_header(text: str) -> str:
    """Header as matched: case-folded, units in brackets dropped, spaces as underscores.

    "Trading Day" → "trading_day", "价格(元)" → "价格", "\\ufeff交易日" → "交易日".
    """
    s = text.replace("\ufeff", "").strip()
    s = re.sub(r"[(（][^)）]*[)）]\s*$", "", s).strip()
    return re.sub(r"[\s\-]+", "_", s).casefold()


# --------------------------------------------------------------------- shared columns
def _trading_day() -> Column:
    return Column(
        "trading_day",
        ValueType.TRADING_DAY,
        True,
        "Trading day the row belongs to (night session: the next trading day)",
        "2026-11-02",
        "trading_day",
        ("交易日", "交易日期", "日期"),
    )


def _client(required: bool = True, meaning: str = "Client code (客户号)") -> Column:
    return Column(
        "client",
        ValueType.CLIENT,
        required,
        meaning,
        "10000001",
        "client_code",
        ("客户号", "客户代码", "客户编号", "客户"),
    )


def _contract() -> Column:
    return Column(
        "contract",
        ValueType.CONTRACT,
        True,
        "Contract code, must be in the contract table",
        "m2701",
        "contract_code",
        ("合约", "合约代码", "合约号"),
    )


def _side(meaning: str) -> Column:
    return Column(
        "side",
        ValueType.SIDE,
        True,
        meaning,
        "long",
        "side",
        ("买卖", "方向", "买卖方向", "多空", "持仓方向"),
    )


def _hedge() -> Column:
    return Column(
        "hedge",
        ValueType.HEDGE,
        False,
        "Hedge position (empty = speculative)",
        "0",
        "hedge",
        ("投保", "投机套保", "套保标志", "投套"),
    )


def _lots(meaning: str, minimum: int, aliases: tuple[str, ...] = ("手数",)) -> Column:
    return Column(
        "lots", ValueType.INTEGER, True, meaning, "10", "lots", aliases, minimum, limit="lots"
    )


def _price(
    name: str,
    meaning: str,
    example: str,
    aliases: tuple[str, ...],
    required: bool = True,
    db: str = "price_fen",
) -> Column:
    return Column(name, ValueType.PRICE, required, meaning, example, db, aliases)


def _member(required: bool = True) -> Column:
    return Column(
        "member",
        ValueType.MEMBER,
        required,
        "Member code (会员号)",
        "0101",
        "member_code",
        ("会员号", "会员代码", "会员编号", "会员"),
    )


# --------------------------------------------------------------------- reference data
# Members, clients, contracts and warehouses: what every daily file names. Their key is
# the code itself; an import adds and corrects them, it never deletes one.
MEMBERS = Layout(
    kind="members",
    title="Members (会员)",
    table=Member,
    columns=(
        Column(
            "member",
            ValueType.CODE,
            True,
            "Member code (会员号)",
            "0101",
            "code",
            ("会员号", "会员代码", "会员编号", "会员"),
            max_length=16,
        ),
        Column(
            "name",
            ValueType.TEXT,
            True,
            "Member name",
            "大连恒泰期货有限公司",
            "name",
            ("会员名称", "会员名", "名称"),
            max_length=100,
        ),
        Column(
            "kind",
            ValueType.MEMBER_KIND,
            True,
            "`brokerage` (期货公司会员) / `non_brokerage` (非期货公司会员)",
            "brokerage",
            "kind",
            ("会员类型", "会员类别", "类型"),
        ),
        Column(
            "min_reserve",
            ValueType.MONEY,
            True,
            "Minimum settlement reserve balance in yuan, as agreed with the exchange (spec Q12)",
            "2000000.00",
            "min_reserve_fen",
            ("最低结算准备金", "结算准备金最低余额", "最低准备金"),
            0,
        ),
    ),
    key=("member",),
    scope="member",
    notes="The member firms clearing with DCE: usually the firm itself. Import them first: "
    "clients, fund movements and receipts name a member.",
)

CLIENTS = Layout(
    kind="clients",
    title="Clients (客户)",
    table=Client,
    columns=(
        Column(
            "client",
            ValueType.CODE,
            True,
            "Client code (客户号)",
            "10000001",
            "code",
            ("客户号", "客户代码", "客户编号", "客户"),
            max_length=16,
        ),
        Column(
            "name",
            ValueType.TEXT,
            True,
            "Client name",
            "汪雪",
            "name",
            ("客户名称", "客户名", "户名", "姓名", "名称"),
            max_length=100,
        ),
        Column(
            "member",
            ValueType.MEMBER,
            True,
            "Member code (会员号), must be in the member table; a stored client keeps its member",
            "0101",
            "member_code",
            ("会员号", "会员代码", "会员编号", "会员"),
        ),
        Column(
            "individual",
            ValueType.INDIVIDUAL,
            True,
            "`1` for an individual (natural person: no delivery, individual position "
            "limits), `0` for an institution",
            "1",
            "is_individual",
            ("自然人", "是否自然人", "客户类型", "客户类别"),
        ),
        Column(
            "opened_on",
            ValueType.DATE,
            False,
            "Account opening date (not after today)",
            "2019-11-27",
            "opened_on",
            ("开户日期", "开户日", "开户时间"),
            past_only=True,
        ),
    ),
    key=("client",),
    scope="client",
    uses=("members",),
    notes="The member's clients. Each client also gets its exchange trading code "
    "(交易编码: member code + client code, e.g. 010110000001) in the `trading_code` "
    "table; it is computed, not read.",
)

CONTRACTS = Layout(
    kind="contracts",
    title="Contracts (合约)",
    table=Contract,
    columns=(
        Column(
            "contract",
            ValueType.NEW_CONTRACT,
            True,
            "Contract code: a product of resources/products.toml + YYMM of a delivery "
            "month the product lists",
            "m2701",
            "code",
            ("合约", "合约代码", "合约号"),
        ),
        Column(
            "product",
            ValueType.PRODUCT,
            False,
            "Product code; must be the letters of the contract code (empty = those)",
            "m",
            "product_code",
            ("品种", "品种代码"),
        ),
        Column(
            "listing_date",
            ValueType.DATE,
            False,
            "First trading day (empty = the trading day after the last trading day of the "
            "same month's contract a year earlier)",
            "2026-01-19",
            "listing_date",
            ("上市日", "上市日期", "挂牌日", "挂牌日期"),
        ),
        Column(
            "tick",
            ValueType.MONEY,
            False,
            "Minimum price step in yuan (empty = the product's tick; a change must leave "
            "the stored prices on the tick)",
            "1",
            "tick_fen",
            ("最小变动价位", "最小变动单位", "变动价位"),
            1,
            limit="price",
        ),
        Column(
            "price_limit",
            ValueType.RATE,
            False,
            "Price limit as a share of the prior settlement price (empty = the product's "
            "contract limit)",
            "0.05",
            "price_limit_ppm",
            ("涨跌停板幅度", "涨跌停幅度", "涨跌幅限制", "涨跌停板"),
        ),
        Column(
            "margin_rate",
            ValueType.RATE,
            False,
            "General-month trading margin rate, speculative (empty = the product's "
            "contract minimum; not below it)",
            "0.07",
            "general_margin_ppm",
            ("保证金率", "交易保证金率", "投机保证金率", "保证金比例"),
        ),
        Column(
            "hedge_margin_rate",
            ValueType.RATE,
            False,
            "General-month trading margin rate, hedge (empty = the speculative rate; not "
            "below the contract minimum)",
            "0.06",
            "hedge_margin_ppm",
            ("套保保证金率", "套期保值保证金率", "套保保证金比例"),
        ),
    ),
    key=("contract",),
    scope="contract",
    derived=("product_code", "delivery_month", "last_trading_day", "last_delivery_day"),
    notes="Listed contracts (spec 3). What the product rules define is computed, not "
    "read: the product and delivery month from the code, the last trading day from the "
    "product's rule and the trading calendar, the last delivery day from it (both empty "
    "where the calendar does not reach yet), and, for empty cells, the listing day, "
    "tick, price limit and margin rates from `resources/products.toml`. The "
    "delivery-approach margin steps come from `resources/margin_schedules.toml` at "
    "settlement.",
)

WAREHOUSES = Layout(
    kind="warehouses",
    title="Delivery warehouses (交割仓库)",
    table=Warehouse,
    columns=(
        Column(
            "warehouse",
            ValueType.CODE,
            True,
            "Warehouse or factory warehouse code",
            "DL01",
            "code",
            ("仓库", "仓库代码", "交割库", "仓库编号"),
            max_length=16,
        ),
        Column(
            "name_zh",
            ValueType.TEXT,
            True,
            "Chinese name",
            "大连北良港散粮仓库",
            "name_zh",
            ("仓库名称", "中文名称", "名称"),
            max_length=64,
        ),
        Column(
            "name_en",
            ValueType.TEXT,
            False,
            "English name (empty = none)",
            "Dalian Beiliang port grain warehouse",
            "name_en",
            ("英文名称",),
            max_length=100,
        ),
        Column(
            "city",
            ValueType.TEXT,
            False,
            "City (empty = none)",
            "大连",
            "city",
            ("城市", "所在地", "地点"),
            max_length=32,
        ),
        Column(
            "kind",
            ValueType.WAREHOUSE_KIND,
            False,
            "`warehouse` (交割仓库) / `factory` (厂库); empty = `warehouse`",
            "warehouse",
            "kind",
            ("类型", "仓库类型"),
        ),
    ),
    key=("warehouse",),
    scope="warehouse",
    notes="The exchange's designated delivery warehouses and factory warehouses that "
    "warehouse receipts name.",
)


# --------------------------------------------------------------------- the layouts
POSITIONS = Layout(
    kind="positions",
    title="Positions (持仓)",
    table=Position,
    columns=(
        _trading_day(),
        _client(),
        _contract(),
        _side("Position side: `long` / `short` (also 多/空, buy/sell, 买/卖)"),
        _hedge(),
        _lots("Open lots at the end of the day", 0, ("手数", "持仓手数", "持仓量", "持仓")),
        Column(
            "today_lots",
            ValueType.INTEGER,
            False,
            "Of which opened on that day (≤ lots; empty = 0)",
            "2",
            "today_lots",
            ("今仓", "今仓手数", "今日开仓"),
            0,
            limit="lots",
        ),
        _price(
            "open_price",
            "Average opening price of the open lots",
            "3012",
            ("开仓价", "开仓均价", "持仓均价"),
            db="open_price_fen",
        ),
        Column(
            "margin",
            ValueType.MONEY,
            False,
            "Margin held after settlement (empty = 0)",
            "30120.00",
            "margin_fen",
            ("保证金", "占用保证金", "交易保证金"),
            0,
        ),
    ),
    key=("trading_day", "client", "contract", "side", "hedge"),
    scope="trading_day",
    uses=("clients", "contracts", "settlement-prices"),
    buy_sell="position",
)

TRADES = Layout(
    kind="trades",
    title="Trades (成交)",
    table=Trade,
    columns=(
        _trading_day(),
        Column(
            "trade_no",
            ValueType.CODE,
            True,
            "Exchange trade number",
            "T00001",
            "trade_no",
            ("成交编号", "成交号", "成交序号"),
            max_length=32,
        ),
        Column(
            "traded_at",
            ValueType.DATETIME,
            False,
            "Time of the fill (Beijing time)",
            "2026-11-02 09:31:05",
            "traded_at",
            ("成交时间",),
        ),
        _client(),
        _contract(),
        _side(
            "Position side the trade affects: `long` / `short`; or `buy` / `sell` "
            "(买/卖), resolved with the action"
        ),
        Column(
            "action",
            ValueType.ACTION,
            True,
            "`open` / `close` / `deliver` (开仓/平仓/交割)",
            "open",
            "action",
            ("开平", "开平标志", "开平仓"),
        ),
        _hedge(),
        _lots("Lots traded", 1, ("手数", "成交手数", "成交数量")),
        _price("price", "Trade price", "3010", ("价格", "成交价", "成交价格")),
        Column(
            "fee",
            ValueType.MONEY,
            False,
            "Fee charged (empty = 0)",
            "15.00",
            "fee_fen",
            ("手续费",),
            0,
        ),
    ),
    key=("trading_day", "trade_no"),
    scope="trading_day",
    uses=("clients", "contracts", "settlement-prices"),
    buy_sell="action",
)

SETTLEMENT_PRICES = Layout(
    kind="settlement-prices",
    title="Settlement prices (结算价)",
    table=SettlementPrice,
    columns=(
        _trading_day(),
        _contract(),
        _price(
            "settlement_price",
            "Settlement price of the day",
            "3020",
            ("结算价", "今结算", "当日结算价"),
            db="settlement_fen",
        ),
        _price(
            "upper_limit",
            "Limit-up price of the day (≥ settlement price)",
            "3130",
            ("涨停板", "涨停价", "涨停板价"),
            required=False,
            db="upper_limit_fen",
        ),
        _price(
            "lower_limit",
            "Limit-down price of the day (≤ settlement price)",
            "2890",
            ("跌停板", "跌停价", "跌停板价"),
            required=False,
            db="lower_limit_fen",
        ),
        Column(
            "limit_lock",
            ValueType.LIMIT_LOCK,
            False,
            "Limit-locked close (单边市); empty = `none`",
            "none",
            "limit_lock",
            ("单边市", "涨跌停", "涨跌停标志"),
        ),
        Column(
            "open_interest",
            ValueType.INTEGER,
            False,
            "Single-side open interest in lots (empty = 0)",
            "1250000",
            "open_interest",
            ("持仓量",),
            0,
        ),
        Column(
            "volume",
            ValueType.INTEGER,
            False,
            "Volume in lots (empty = 0)",
            "980000",
            "volume",
            ("成交量",),
            0,
        ),
    ),
    key=("trading_day", "contract"),
    scope="trading_day",
    uses=("contracts",),
)

FUND_MOVEMENTS = Layout(
    kind="fund-movements",
    title="Fund movements (出入金)",
    table=FundMovement,
    columns=(
        Column(
            "movement_no",
            ValueType.CODE,
            True,
            "Unique movement number",
            "F0001",
            "movement_no",
            ("流水号", "出入金编号", "资金流水号"),
            max_length=32,
        ),
        _trading_day(),
        _member(),
        _client(
            False,
            "Client code; empty for the member's own reserve movements "
            "(the client must belong to the member)",
        ),
        Column(
            "kind",
            ValueType.FUND_KIND,
            True,
            "`deposit` / `withdrawal` (入金/出金)",
            "deposit",
            "kind",
            ("类型", "出入金类型", "出入金方向"),
        ),
        Column(
            "amount",
            ValueType.MONEY,
            True,
            "Amount in yuan",
            "500000.00",
            "amount_fen",
            ("金额", "出入金金额"),
            1,
        ),
        Column(
            "note",
            ValueType.TEXT,
            False,
            "Free text",
            "bank transfer",
            "note",
            ("备注", "摘要", "说明"),
            max_length=200,
        ),
    ),
    key=("movement_no",),
    scope="movement_no",
    uses=("members", "clients"),
)

RECEIPTS = Layout(
    kind="receipts",
    title="Warehouse receipts (标准仓单)",
    table=WarehouseReceipt,
    columns=(
        Column(
            "receipt_no",
            ValueType.CODE,
            True,
            "Receipt number",
            "WR-M-0001",
            "receipt_no",
            ("仓单号", "仓单编号"),
            max_length=32,
        ),
        Column(
            "product",
            ValueType.PRODUCT,
            True,
            "Product code (must be in the product table)",
            "m",
            "product_code",
            ("品种", "品种代码"),
        ),
        Column(
            "warehouse",
            ValueType.WAREHOUSE,
            True,
            "Warehouse or factory warehouse code (must be in the warehouse table)",
            "DL01",
            "warehouse_code",
            ("仓库", "仓库代码", "交割库", "仓库编号"),
        ),
        _member(),
        Column(
            "holder",
            ValueType.HOLDER,
            True,
            "Client code, or the member code for the "
            "member's own receipts (a client must belong to the member)",
            "10000001",
            "holder_code",
            ("持有人", "货主", "客户号"),
        ),
        _lots("Receipt lots", 1, ("手数", "仓单数量", "张数")),
        Column(
            "tons",
            ValueType.INTEGER,
            True,
            "Tons of goods (lots × the product's tons a lot, within the tolerance)",
            "100",
            "tons",
            ("吨数", "重量"),
            1,
            limit="tons",
        ),
        Column(
            "production_date",
            ValueType.DATE,
            False,
            "Production date (≤ registration date)",
            "2026-10-20",
            "production_date",
            ("生产日期",),
            past_only=True,
        ),
        Column(
            "registration_date",
            ValueType.DATE,
            True,
            "Registration date (not after today)",
            "2026-11-02",
            "registration_date",
            ("注册日期", "注册日"),
            past_only=True,
        ),
        Column(
            "status",
            ValueType.RECEIPT_STATUS,
            False,
            "`held` / `margin` / `delivery` / `cancelled` (empty = `held`)",
            "held",
            "status",
            ("状态", "仓单状态"),
        ),
        Column(
            "status_since",
            ValueType.DATE,
            False,
            "Date of the last status change",
            "2026-11-02",
            "status_since",
            ("状态日期",),
        ),
    ),
    key=("receipt_no",),
    scope="receipt_no",
    uses=("members", "clients", "warehouses"),
)

CLOSING_ORDERS = Layout(
    kind="closing-orders",
    title="Unfilled closing orders (未成交平仓委托)",
    table=ClosingOrder,
    columns=(
        _trading_day(),
        Column(
            "order_no",
            ValueType.CODE,
            True,
            "Order number",
            "O00001",
            "order_no",
            ("委托号", "报单编号", "委托编号"),
            max_length=32,
        ),
        _client(),
        _contract(),
        _side(
            "Side of the position being closed: `long` / `short`; or `buy` / `sell` "
            "(买/卖: sell closes a long, buy closes a short)"
        ),
        _hedge(),
        _lots("Unfilled lots", 1, ("手数", "未成交手数", "委托手数")),
        _price("price", "Limit price of the order", "2890", ("价格", "委托价", "委托价格")),
    ),
    key=("trading_day", "order_no"),
    scope="trading_day",
    uses=("clients", "contracts", "settlement-prices"),
    buy_sell="closing",
    notes="Unfilled limit-price closing orders standing at the close, for the forced "
    "reduction preview (spec 2.e).",
)

DELIVERY_MATCHES = Layout(
    kind="delivery-matches",
    title="Rolling-delivery matches (滚动交割配对)",
    table=DeliveryMatch,
    columns=(
        Column(
            "match_day",
            ValueType.TRADING_DAY,
            True,
            "Matching day: from the first trading day of the contract's delivery month "
            "to the day before its last trading day",
            "2026-11-10",
            "match_day",
            ("配对日", "配对日期", "交割配对日"),
        ),
        _contract(),
        Column(
            "seller",
            ValueType.CLIENT,
            True,
            "Client code of the seller (not an individual client)",
            "10000331",
            "seller_code",
            ("卖方", "卖方客户号", "卖方客户代码"),
        ),
        Column(
            "buyer",
            ValueType.CLIENT,
            True,
            "Client code of the buyer (not an individual client, not the seller)",
            "10000345",
            "buyer_code",
            ("买方", "买方客户号", "买方客户代码"),
        ),
        _lots("Matched lots", 1, ("手数", "配对手数", "交割手数")),
        _price(
            "price",
            "Delivery settlement price: the matching day's settlement price (empty = the "
            "stored one; a given price must equal it where it is stored)",
            "2208",
            ("交割结算价", "配对价格", "价格"),
            required=False,
        ),
    ),
    key=("match_day", "contract", "seller", "buyer"),
    scope="match_day",
    day="match_day",
    parties=("seller", "buyer"),
    uses=("clients", "contracts", "settlement-prices"),
    institutions=("seller", "buyer"),
    derived=("price_fen", "delivery_day"),
    unique_in_db=False,
    locked=("allocation_state", "allocated"),
    notes="Seller–buyer pairings of rolling delivery made by the exchange after a matching "
    "day (spec 2.j). The delivery day (the second trading day after the matching day) is "
    "computed, and an empty price is the matching day's stored settlement price. New "
    "matches wait for the allocation of the seller's receipts (Delivery screen, "
    "`riskdesk allocate-delivery`); a match already allocated cannot be changed by an "
    "import.",
)

EFP = Layout(
    kind="efp",
    title="Exchange for physicals (期转现)",
    table=EfpRecord,
    columns=(
        Column(
            "approved_day",
            ValueType.TRADING_DAY,
            True,
            "Trading day the exchange approved the EFP",
            "2026-11-19",
            "approved_day",
            ("审批日", "审批日期", "批准日期", "期转现日期"),
        ),
        _contract(),
        Column(
            "long_client",
            ValueType.CLIENT,
            True,
            "Client code of the long position holder",
            "10000400",
            "long_client_code",
            ("多方", "多方客户号", "多方客户代码"),
        ),
        Column(
            "short_client",
            ValueType.CLIENT,
            True,
            "Client code of the short position holder (not the long client)",
            "10000345",
            "short_client_code",
            ("空方", "空方客户号", "空方客户代码"),
        ),
        _lots("Lots closed on each side", 1, ("手数", "期转现手数")),
        Column(
            "price",
            ValueType.MONEY,
            True,
            "Negotiated price of the goods (need not be on the tick)",
            "3012.00",
            "price_fen",
            ("协议价", "协议价格", "期转现价格", "价格"),
            1,
            limit="price",
        ),
        Column(
            "kind",
            ValueType.EFP_KIND,
            True,
            "`standard` (标准仓单期转现) / `non_standard` (非标准仓单期转现)",
            "standard",
            "kind",
            ("类型", "期转现类型", "种类"),
        ),
    ),
    key=("approved_day", "contract", "long_client", "short_client"),
    scope="approved_day",
    day="approved_day",
    parties=("long_client", "short_client"),
    uses=("clients", "contracts", "settlement-prices"),
    derived=("fee_fen", "waived_fen"),
    unique_in_db=False,
    notes="Approved exchange-for-physicals (spec 2.j). The EFP fee per party and its "
    "waiver are computed from `resources/fees.toml` on the approval day (spec 2.k: "
    "standard-receipt EFP always waived, all EFP from 2022-01-01), as "
    "`core.services.delivery.record_efp` does.",
)

LAYOUTS: dict[str, Layout] = {
    lay.kind: lay
    for lay in (
        MEMBERS,
        CLIENTS,
        CONTRACTS,
        WAREHOUSES,
        SETTLEMENT_PRICES,
        POSITIONS,
        TRADES,
        FUND_MOVEMENTS,
        RECEIPTS,
        CLOSING_ORDERS,
        DELIVERY_MATCHES,
        EFP,
    )
}
KINDS: tuple[str, ...] = tuple(LAYOUTS)
"""In dependency order: reference data first, then what names it (settlement prices
before the positions, trades, orders and EFP whose prices are judged against them)."""
REFERENCE_KINDS: tuple[str, ...] = ("members", "clients", "contracts", "warehouses")


def layout_markdown(layout: Layout) -> str:
    """The docs table of one layout: column, type, required, meaning, example, alias."""
    lines = [
        "| Column | Type | Required | Meaning | Example | Also accepted |",
        "|---|---|---|---|---|---|",
    ]
    for c in layout.columns:
        aliases = ", ".join(c.aliases)
        lines.append(
            f"| `{c.name}` | {c.type_text()} | {'yes' if c.required else 'no'} "
            f"| {c.meaning} | `{c.example}` | {aliases} |"
        )
    key = ", ".join(layout.key)
    lines.append("")
    lines.append(f"Natural key: ({key}).")
    return "\n".join(lines)
