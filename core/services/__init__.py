"""Services: one user action each, on a ``Session`` or ``Database`` the caller owns.

Each service reads (and, for records, writes) through the caller's transaction, calls
the pure rule engines of ``core.rules`` and returns ``(result, Changes)`` with a frozen
result holding DataFrames and plain values, never ORM objects, so that it may cross to
the GUI thread (STYLE B5, B6). Previews write an audit entry in the same transaction.
Nothing is imported here, so that importing one service stays cheap; import the module:

* ``core.services.reduction.preview_reduction``: forced reduction (spec 2.e)
* ``core.services.liquidation.preview_liquidation``: forced liquidation (spec 2.f)
* ``core.services.limits.limits_report`` / ``check_pre_trade``: position limits (2.g)
* ``core.services.receipts.receipts_report``: receipts, deadlines, 45-day rule (2.i)
* ``core.services.delivery``: ``allocate_delivery_for_seller``, ``allocate_ad_hoc``,
  ``record_delivery_match``, ``record_efp`` (spec 2.j, 2.k)
"""

from __future__ import annotations
