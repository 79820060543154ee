"""Demo data: a deterministic, realistic data set for the quick start and benchmarks.

``generate_demo(...)`` builds the tables in memory without a database, ``write_demo``
writes them in the caller's transaction, ``has_demo_data(db)`` tells whether they are
there. The use case that replaces a database's demo data, through the write door, is
``core.services.demo.create_demo_data(db, scale="small" | "large", seed=..., end_day=...)``.
"""

from __future__ import annotations

from core.demo.generator import (
    DEFAULT_END_DAY,
    DEFAULT_SEED,
    DEMO_MEMBER_CODE,
    SCALES,
    DemoData,
    DemoSummary,
    generate_demo,
    has_demo_data,
    resolve_end_day,
)
from core.demo.writer import DemoDatabaseError

__all__ = [
    "DEFAULT_END_DAY",
    "DEFAULT_SEED",
    "DEMO_MEMBER_CODE",
    "SCALES",
    "DemoData",
    "DemoDatabaseError",
    "DemoSummary",
    "generate_demo",
    "has_demo_data",
    "resolve_end_day",
]
