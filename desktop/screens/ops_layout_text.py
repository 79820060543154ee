# ruff: noqa: E501  (catalogue source texts are kept whole for lupdate)
"""Catalogue entries for the import layouts' types and meanings (``core.imports.LAYOUTS``).

The core states them in English; the imports screen shows them through ``layout_text``,
which looks them up in the "ImportLayouts" context. ``tests/desktop/test_imports_screen.py``
fails when a layout text is missing here, so a new column in the core is not left
untranslated silently.
"""

from __future__ import annotations

from desktop.i18n import QT_TRANSLATE_NOOP, translate

LAYOUT_TEXTS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("ImportLayouts", "date YYYY-MM-DD, a trading day"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts", "Trading day the row belongs to (night session: the next trading day)"
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "client code"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Client code (客户号)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "contract code"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Contract code, must be in the contract table"),
    QT_TRANSLATE_NOOP("ImportLayouts", "long / short"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Position side: long / short (also 多/空, buy/sell, 买/卖)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "0 / 1 (also spec / hedge, 投机 / 套保)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Hedge position (empty = speculative)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "whole number ≥ 0"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Open lots at the end of the day"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Of which opened on that day (≤ lots; empty = 0)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "yuan, ≤ 2 decimals, on the contract's tick"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Average opening price of the open lots"),
    QT_TRANSLATE_NOOP("ImportLayouts", "yuan, ≤ 2 decimals, ≥ 0"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Margin held after settlement (empty = 0)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "text ≤ 32"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Exchange trade number"),
    QT_TRANSLATE_NOOP("ImportLayouts", "YYYY-MM-DD HH:MM:SS, Beijing time"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Time of the fill (Beijing time)"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Position side the trade affects: long / short; or buy / sell (买/卖), resolved with the action",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "open / close / deliver"),
    QT_TRANSLATE_NOOP("ImportLayouts", "open / close / deliver (开仓/平仓/交割)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "whole number ≥ 1"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Lots traded"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Trade price"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Fee charged (empty = 0)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Settlement price of the day"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Limit-up price of the day (≥ settlement price)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Limit-down price of the day (≤ settlement price)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "none / limit_up / limit_down"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Limit-locked close (单边市); empty = none"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Single-side open interest in lots (empty = 0)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Volume in lots (empty = 0)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Unique movement number"),
    QT_TRANSLATE_NOOP("ImportLayouts", "member code"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Member code (会员号)"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Client code; empty for the member's own reserve movements (the client must belong to the member)",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "deposit / withdrawal"),
    QT_TRANSLATE_NOOP("ImportLayouts", "deposit / withdrawal (入金/出金)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "yuan, ≤ 2 decimals, > 0"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Amount in yuan"),
    QT_TRANSLATE_NOOP("ImportLayouts", "text ≤ 200"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Free text"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Receipt number"),
    QT_TRANSLATE_NOOP("ImportLayouts", "product code"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Product code (must be in the product table)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "warehouse code"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts", "Warehouse or factory warehouse code (must be in the warehouse table)"
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "holder code"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Client code, or the member code for the member's own receipts (a client must belong to the member)",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "Receipt lots"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts", "Tons of goods (lots × the product's tons a lot, within the tolerance)"
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "date YYYY-MM-DD"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Production date (≤ registration date)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Registration date (not after today)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "held / margin / delivery / cancelled"),
    QT_TRANSLATE_NOOP("ImportLayouts", "held / margin / delivery / cancelled (empty = held)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Date of the last status change"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Order number"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Side of the position being closed: long / short; or buy / sell (买/卖: sell closes a long, buy closes a short)",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "Unfilled lots"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Limit price of the order"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Matching day: from the first trading day of the contract's delivery month to the day before its last trading day",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "Client code of the seller (not an individual client)"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts", "Client code of the buyer (not an individual client, not the seller)"
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "Matched lots"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Delivery settlement price: the matching day's settlement price (empty = the stored one; a given price must equal it where it is stored)",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "Trading day the exchange approved the EFP"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Client code of the long position holder"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts", "Client code of the short position holder (not the long client)"
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "Lots closed on each side"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Negotiated price of the goods (need not be on the tick)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "standard / non_standard"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts", "standard (标准仓单期转现) / non_standard (非标准仓单期转现)"
    ),
    # reference data: members, clients, contracts, warehouses
    QT_TRANSLATE_NOOP("ImportLayouts", "text ≤ 16"),
    QT_TRANSLATE_NOOP("ImportLayouts", "text ≤ 100"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Member name"),
    QT_TRANSLATE_NOOP("ImportLayouts", "brokerage / non_brokerage"),
    QT_TRANSLATE_NOOP("ImportLayouts", "brokerage (期货公司会员) / non_brokerage (非期货公司会员)"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Minimum settlement reserve balance in yuan, as agreed with the exchange (spec Q12)",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "Client name"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Member code (会员号), must be in the member table; a stored client keeps its member",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "1 / 0 (also individual / institution, 自然人 / 机构)"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "1 for an individual (natural person: no delivery, individual position limits), 0 for an institution",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "Account opening date (not after today)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "product code + YYMM"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Contract code: a product of resources/products.toml + YYMM of a delivery month the product lists",
    ),
    QT_TRANSLATE_NOOP(
        "ImportLayouts", "Product code; must be the letters of the contract code (empty = those)"
    ),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "First trading day (empty = the trading day after the last trading day of the same month's contract a year earlier)",
    ),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Minimum price step in yuan (empty = the product's tick; a change must leave the stored prices on the tick)",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "rate, 0.07 or 7%, > 0 and ≤ 1"),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "Price limit as a share of the prior settlement price (empty = the product's contract limit)",
    ),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "General-month trading margin rate, speculative (empty = the product's contract minimum; not below it)",
    ),
    QT_TRANSLATE_NOOP(
        "ImportLayouts",
        "General-month trading margin rate, hedge (empty = the speculative rate; not below the contract minimum)",
    ),
    QT_TRANSLATE_NOOP("ImportLayouts", "Warehouse or factory warehouse code"),
    QT_TRANSLATE_NOOP("ImportLayouts", "text ≤ 64"),
    QT_TRANSLATE_NOOP("ImportLayouts", "Chinese name"),
    QT_TRANSLATE_NOOP("ImportLayouts", "English name (empty = none)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "City (empty = none)"),
    QT_TRANSLATE_NOOP("ImportLayouts", "warehouse / factory"),
    QT_TRANSLATE_NOOP("ImportLayouts", "warehouse (交割仓库) / factory (厂库); empty = warehouse"),
)


def layout_text(text: str) -> str:
    """``text`` (a layout type or meaning, backticks removed) in the UI language."""
    return translate("ImportLayouts", text)
