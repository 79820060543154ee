"""What a mutating operation changed, so that screens refresh only what concerns them.

Every mutating service returns ``(result, Changes)`` (STYLE A1, B5). The desktop emits
``AppBus.changes_applied(changes, initiator)`` after the operation; each screen looks at
the flags it cares about. Flags are coarse on purpose: one per kind of stored data.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Changes:
    """Boolean flags, one per kind of data; combine two with ``|``."""

    reference: bool = False
    """Products, contracts, margin adjustments, warehouses."""
    members: bool = False
    """Members and their settlement reserve history."""
    clients: bool = False
    """Clients and trading codes."""
    balances: bool = False
    """Client balances (funds, margin, available funds) and fund movements."""
    positions: bool = False
    """Positions, trades and closing orders."""
    prices: bool = False
    """Settlement prices and limit locks."""
    receipts: bool = False
    """Standard warehouse receipts."""
    notices: bool = False
    """Margin-call and forced-close notices, their delivery status and client contacts."""
    audit: bool = False
    """Audit log and import batches."""
    scenarios: bool = False
    """Saved stress scenarios."""
    alerts: bool = False
    """The book's shared alerts: raised by the feed, acknowledged at a desk (#14)."""

    @classmethod
    def none(cls) -> Changes:
        return cls()

    @classmethod
    def everything(cls) -> Changes:
        """All flags set: a new database was opened, or a bulk load replaced data."""
        return cls(**{f.name: True for f in fields(cls)})

    def __or__(self, other: Changes) -> Changes:
        return replace(
            self, **{f.name: getattr(other, f.name) or getattr(self, f.name) for f in fields(self)}
        )

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def touches(self, *names: str) -> bool:
        """True if any of the named flags is set; KeyError-like AttributeError on typos."""
        return any(getattr(self, name) for name in names)
