"""Which exchange lists a futures contract, from its product code.

A CFMMC statement lists a client's contracts on every Chinese futures exchange without
naming the exchange; the reconciliation needs it to know which margin rule produced a
figure (``core.rules.exchange_margin``: SHFE and INE charge the larger side). The codes
are the products the exchanges list (their product pages, 2024); DCE's include the
products RiskDesk's own table (``core.reference.products``) does not carry. A product
not listed here is refused by the readers rather than guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.reference.products import default_products

_LISTS = {
    "DCE": "a b m y p c cs rr jd lh lg l v pp eg eb pg i j jm fb bb",
    "SHFE": "cu al zn pb ni sn au ag rb wr hc ss fu bu ru sp ao br",
    "INE": "sc lu nr bc ec",
    "CZCE": "wh pm cf sr ta oi ri ma fg rs rm zc jr lr sf sm cy ap cj ur sa pf pk px sh pr",
    "CFFEX": "if ih ic im tf t ts tl",
    "GFEX": "si lc ps",
}
PRODUCTS_BY_EXCHANGE: dict[str, frozenset[str]] = {
    ex: frozenset(codes.split(" ")) for ex, codes in _LISTS.items()
}

_CODE = re.compile(r"^([A-Za-z]{1,2})(\d{3,4})$")


@lru_cache(maxsize=1)
def _by_product() -> dict[str, str]:
    out = {p: ex for ex, products in PRODUCTS_BY_EXCHANGE.items() for p in products}
    for code in default_products():  # RiskDesk's own DCE table, whatever it adds
        out[code] = "DCE"
    return out


def exchange_of(contract: str) -> str:
    """The exchange code (DCE, SHFE, INE, CZCE, CFFEX, GFEX) of a futures contract code
    such as ``m2409``, ``TA501`` or ``IF2412``; ValueError for anything else."""
    m = _CODE.match(contract.strip())
    if not m:
        raise ValueError(f"{contract!r} is not a futures contract code (product letters + month)")
    exchange = _by_product().get(m.group(1).lower())
    if exchange is None:
        raise ValueError(f"contract {contract!r}: product {m.group(1)!r} of no exchange known")
    return exchange
