"""Declarative base with a naming convention so that migrations are stable across DBs.

Units are in the column names: ``*_fen`` money and prices in integer fen (every DCE tick
is a whole number of fen, so prices are exact integers), ``*_ppm`` rates in millionths
(0.08 = 80_000), ``*_lots`` whole lots, ``*_tons`` whole tons.
"""

from __future__ import annotations

from typing import Annotated

from sqlalchemy import BigInteger, MetaData
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

FenColumn = Annotated[int, mapped_column(BigInteger)]
"""Money or price in integer fen (0.01 yuan)."""

PPM = 1_000_000
"""Rates are stored as integer millionths: rate_ppm = rate x 1,000,000."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
