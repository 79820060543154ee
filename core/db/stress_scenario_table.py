"""Table ``stress_scenario``: the stress scenarios a desk saved (issue 16 item 1,
migration 0010).

One row per named scenario; ``body`` is its TOML text (``scenario_to_toml``), read back
by ``parse_scenario``, so a stored scenario and a file are one format. Written only
through ``core.services.stress_library`` (the write door, audited ``scenario.save`` /
``scenario.delete``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class StressScenario(Base):
    """A saved stress scenario: its name (the key), TOML body, who saved it and when."""

    __tablename__ = "stress_scenario"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    """The scenario as TOML text (``core.rules.stress_scenario`` format)."""
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
