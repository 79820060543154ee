"""Demo data: a deterministic, realistic data set for the quick start and benchmarks.

``create_demo_data(db, scale="small" | "large", seed=..., end_day=...)`` replaces the demo
data of a database in one transaction; ``has_demo_data(db)`` tells whether it is there;
``generate_demo(...)`` builds the same tables in memory without a database.
"""

from __future__ import annotations

from core.demo.generator import (
    DEFAULT_END_DAY,
    DEFAULT_SEED,
    DEMO_MEMBER_CODE,
    SCALES,
    DemoData,
    DemoSummary,
    create_demo_data,
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
    "create_demo_data",
    "generate_demo",
    "has_demo_data",
    "resolve_end_day",
]
