"""Audit entries in words for the audit log (issue #12, "Audit log").

``core.audit.record`` stores an action key (``export.receipts``, ``demo.create``) and
its detail as JSON with sorted keys; the desk shows "Export: Warehouse receipts" and
"Rows: 255 · File: receipts_2026-11-20.xlsx" instead. An unknown action or key is
shown as stored (underscores as spaces), so a new write use case is never hidden.
Translated on the GUI thread (context "AuditLog", ``riskdesk-audit_zh_CN.ts``).
"""

from __future__ import annotations

import json
from typing import Any

from desktop.i18n import QT_TRANSLATE_NOOP, translate

ACTIONS = {
    "alert.store": QT_TRANSLATE_NOOP("AuditLog", "Alerts stored"),
    "alert.acknowledge": QT_TRANSLATE_NOOP("AuditLog", "Alerts acknowledged"),
    "delivery.allocate": QT_TRANSLATE_NOOP("AuditLog", "Delivery allocation recorded"),
    "delivery.match": QT_TRANSLATE_NOOP("AuditLog", "Delivery match recorded"),
    "delivery.efp": QT_TRANSLATE_NOOP("AuditLog", "EFP recorded"),
    "notice.contact": QT_TRANSLATE_NOOP("AuditLog", "Client contact saved"),
    "notice.generate": QT_TRANSLATE_NOOP("AuditLog", "Notices generated"),
    "notice.mark": QT_TRANSLATE_NOOP("AuditLog", "Notice status changed"),
    "notice.send": QT_TRANSLATE_NOOP("AuditLog", "Notice e-mailed"),
    "demo.create": QT_TRANSLATE_NOOP("AuditLog", "Demo data created"),
    "settlement.run": QT_TRANSLATE_NOOP("AuditLog", "Daily settlement run"),
    "session.login": QT_TRANSLATE_NOOP("AuditLog", "Desk logged in"),
    "users.add": QT_TRANSLATE_NOOP("AuditLog", "Login added to a role"),
    "server.init": QT_TRANSLATE_NOOP("AuditLog", "Server mode initialised"),
    "reconcile.run": QT_TRANSLATE_NOOP("AuditLog", "Reconciliation run"),
    "feed.start": QT_TRANSLATE_NOOP("AuditLog", "Live feed publishing started"),
    "feed.stop": QT_TRANSLATE_NOOP("AuditLog", "Live feed publishing stopped"),
}
PREFIXES = {
    "export": QT_TRANSLATE_NOOP("AuditLog", "Export: %1"),
    "import": QT_TRANSLATE_NOOP("AuditLog", "Import: %1"),
}
"""``export.<kind>`` and ``import.<kind>``: the kind in words (``KINDS``)."""
KINDS = {
    "receipts": QT_TRANSLATE_NOOP("AuditLog", "warehouse receipts"),
    "limits": QT_TRANSLATE_NOOP("AuditLog", "position limits"),
    "reduction": QT_TRANSLATE_NOOP("AuditLog", "forced reduction"),
    "liquidation_orders": QT_TRANSLATE_NOOP("AuditLog", "forced liquidation orders"),
    "forced_close_orders": QT_TRANSLATE_NOOP("AuditLog", "client forced close orders"),
    "delivery_allocation": QT_TRANSLATE_NOOP("AuditLog", "delivery allocation"),
    "client_statement": QT_TRANSLATE_NOOP("AuditLog", "client statement"),
    "member_statement": QT_TRANSLATE_NOOP("AuditLog", "member statement"),
    "notices": QT_TRANSLATE_NOOP("AuditLog", "notices"),
    "reconciliation_breaks": QT_TRANSLATE_NOOP("AuditLog", "reconciliation breaks"),
    "ctp_statements": QT_TRANSLATE_NOOP("AuditLog", "CTP statements"),
    "cfmmc_statements": QT_TRANSLATE_NOOP("AuditLog", "CFMMC daily statements"),
    "member_statements": QT_TRANSLATE_NOOP("AuditLog", "member settlement CSV"),
    # import kinds (core.imports.layouts)
    "members": QT_TRANSLATE_NOOP("AuditLog", "members"),
    "clients": QT_TRANSLATE_NOOP("AuditLog", "clients"),
    "contracts": QT_TRANSLATE_NOOP("AuditLog", "contracts"),
    "warehouses": QT_TRANSLATE_NOOP("AuditLog", "warehouses"),
    "positions": QT_TRANSLATE_NOOP("AuditLog", "positions"),
    "trades": QT_TRANSLATE_NOOP("AuditLog", "trades"),
    "settlement-prices": QT_TRANSLATE_NOOP("AuditLog", "settlement prices"),
    "fund-movements": QT_TRANSLATE_NOOP("AuditLog", "fund movements"),
    "closing-orders": QT_TRANSLATE_NOOP("AuditLog", "closing orders"),
    "delivery-matches": QT_TRANSLATE_NOOP("AuditLog", "delivery matches"),
    "efp": QT_TRANSLATE_NOOP("AuditLog", "EFPs"),
}
KEYS = {
    "kind": QT_TRANSLATE_NOOP("AuditLog", "Kind"),
    "rows": QT_TRANSLATE_NOOP("AuditLog", "Rows"),
    "file": QT_TRANSLATE_NOOP("AuditLog", "File"),
    "folder": QT_TRANSLATE_NOOP("AuditLog", "Folder"),
    "client": QT_TRANSLATE_NOOP("AuditLog", "Client"),
    "member": QT_TRANSLATE_NOOP("AuditLog", "Member"),
    "day": QT_TRANSLATE_NOOP("AuditLog", "Day"),
    "trading_day": QT_TRANSLATE_NOOP("AuditLog", "Trading day"),
    "alerts": QT_TRANSLATE_NOOP("AuditLog", "Alerts"),
    "first": QT_TRANSLATE_NOOP("AuditLog", "First"),
    "last": QT_TRANSLATE_NOOP("AuditLog", "Last"),
    "count": QT_TRANSLATE_NOOP("AuditLog", "Count"),
    "numbers": QT_TRANSLATE_NOOP("AuditLog", "Numbers"),
    "number": QT_TRANSLATE_NOOP("AuditLog", "Number"),
    "skipped": QT_TRANSLATE_NOOP("AuditLog", "Skipped"),
    "status": QT_TRANSLATE_NOOP("AuditLog", "Status"),
    "channel": QT_TRANSLATE_NOOP("AuditLog", "Channel"),
    "note": QT_TRANSLATE_NOOP("AuditLog", "Note"),
    "scale": QT_TRANSLATE_NOOP("AuditLog", "Scale"),
    "seed": QT_TRANSLATE_NOOP("AuditLog", "Seed"),
    "first_day": QT_TRANSLATE_NOOP("AuditLog", "First day"),
    "end_day": QT_TRANSLATE_NOOP("AuditLog", "Last day"),
    "counts": QT_TRANSLATE_NOOP("AuditLog", "Rows written"),
    "contract": QT_TRANSLATE_NOOP("AuditLog", "Contract"),
    "lots": QT_TRANSLATE_NOOP("AuditLog", "Lots"),
}
IDENTIFIERS = frozenset({"seed", "first", "last", "number", "numbers", "client", "member"})
"""Keys whose integers are identifiers (a seed, alert ids, notice numbers): shown as
stored, without thousands separators."""
MAX_ITEMS = 6
"""Items of a list or mapping shown; the rest is counted ("… 12 more")."""
SEPARATOR = " · "


def action_text(action: str) -> str:
    """An action key in words ("export.receipts" → "Export: warehouse receipts")."""
    label = ACTIONS.get(action)
    if label is not None:
        return translate("AuditLog", label)
    prefix, _, kind = action.partition(".")
    pattern = PREFIXES.get(prefix)
    if pattern is not None and kind:
        return translate("AuditLog", pattern).replace("%1", _kind_text(kind))
    return action


def _kind_text(kind: str) -> str:
    label = KINDS.get(kind)
    return translate("AuditLog", label) if label else kind.replace("_", " ").replace("-", " ")


def _key_text(key: str) -> str:
    label = KEYS.get(key)
    return translate("AuditLog", label) if label else key.replace("_", " ")


def _more(rest: int) -> str:
    return translate("AuditLog", "… %1 more").replace("%1", f"{rest:,}")


def _value_text(key: str, value: Any) -> str:
    if key == "kind" and isinstance(value, str):
        return _kind_text(value)
    if isinstance(value, bool):
        return translate("AuditLog", "yes") if value else translate("AuditLog", "no")
    if isinstance(value, int):
        return str(value) if key in IDENTIFIERS else f"{value:,}"
    if isinstance(value, dict):
        items = [f"{k.replace('_', ' ')} {_value_text(k, v)}" for k, v in value.items()]
    elif isinstance(value, list):
        items = [_value_text(key, v) for v in value]
    else:
        return "" if value is None else str(value)
    shown = ", ".join(items[:MAX_ITEMS])
    return f"{shown} {_more(len(items) - MAX_ITEMS)}" if len(items) > MAX_ITEMS else shown


def detail_text(detail: str) -> str:
    """A stored detail in words: "Rows: 255 · File: receipts.xlsx"; text that is not
    a JSON object is shown as stored. Known keys come first, in ``KEYS`` order."""
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    pair = translate("AuditLog", "%1: %2")
    known = list(KEYS)
    keys = sorted(data, key=lambda k: (known.index(k) if k in KEYS else len(known), k))
    return SEPARATOR.join(
        pair.replace("%1", _key_text(k)).replace("%2", _value_text(k, data[k]))
        for k in keys
        if data[k] not in (None, "")
    )
