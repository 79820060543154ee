"""Who may do what in server mode (issue #14): the five desk roles, the capability each
write action needs, and the tables each capability writes.

Pure (no database): ``core.db.server_roles`` turns the table lists into PostgreSQL
GRANTs, so the server itself refuses what a role may not do; the write door
(``core.services.store.write``) checks ``Identity.may`` first to say why in one line,
and the desktop hides or disables what the logged-in role may not do. SQLite single-desk
mode has no roles: its identity is the single desk, which may do everything.

A person's role is a PostgreSQL group role ``riskdesk_<role>`` granted to their login
(``riskdesk server add-user``); RiskDesk keeps no password or user table.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLE_PREFIX = "riskdesk_"
"""PostgreSQL group roles are ``riskdesk_viewer`` … ``riskdesk_auditor``."""

ROLES: tuple[str, ...] = ("viewer", "risk_officer", "clearing", "head_of_risk", "auditor")
"""The desk roles, least to most specific (``Identity.role`` shows the last one held)."""

ROLE_TITLES: dict[str, str] = {
    "viewer": "viewer",
    "risk_officer": "risk officer",
    "clearing": "clearing",
    "head_of_risk": "head of risk",
    "auditor": "auditor",
    "owner": "administrator",
    "single_desk": "single desk",
}

# Capabilities. "export" covers every audited read (exports, reconciliation runs,
# stress runs, logins): each writes one audit entry and nothing else.
EXPORT, RISK, CLEARING, PARAMS, USERS, AUDIT, OWNER = (
    "export",
    "risk",
    "clearing",
    "params",
    "users",
    "audit",
    "owner",
)

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    "viewer": frozenset({EXPORT}),
    "risk_officer": frozenset({EXPORT, RISK}),
    "clearing": frozenset({EXPORT, CLEARING}),
    "head_of_risk": frozenset({EXPORT, RISK, PARAMS, USERS}),
    "auditor": frozenset({EXPORT, AUDIT}),
}

ACTION_CAPABILITY: tuple[tuple[str, str], ...] = (
    ("settlement.", CLEARING),
    ("import.", CLEARING),
    ("delivery.", CLEARING),
    ("feed.", CLEARING),
    ("alert.", RISK),
    ("notice.", RISK),
    ("scenario.", RISK),
    ("params.", PARAMS),
    ("limits.", PARAMS),
    ("users.", USERS),
    ("export.", EXPORT),
    ("reconcile.", EXPORT),
    ("stress.", EXPORT),
    ("session.", EXPORT),
    ("demo.", OWNER),
    ("server.", OWNER),
)
"""Write-door action prefix → the capability it needs. An action matching no prefix
needs ``owner`` (the schema's owner): a new action is refused to the desk roles until it
is given a capability here (a test lists every action the code writes)."""

CAPABILITY_TABLES: dict[str, tuple[str, ...]] = {
    RISK: (
        "alert",
        "notice",
        "notice_status",
        "notice_counter",
        "notice_close_order",
        "client_contact",
        "stress_scenario",
    ),
    CLEARING: (
        "product",
        "contract",
        "member",
        "client",
        "trading_code",
        "settlement_price",
        "position",
        "trade",
        "closing_order",
        "fund_movement",
        "client_balance",
        "reserve_history",
        "warehouse",
        "warehouse_receipt",
        "delivery_match",
        "efp_record",
        "import_batch",
        "data_revision",
        "live_event",
        "live_batch",
        "live_snapshot",
    ),
    PARAMS: ("margin_adjustment", "hedge_quota"),
}
"""Tables a capability may INSERT, UPDATE and DELETE. Every role may read the book and
the audit log and INSERT into ``audit_log`` (append only: UPDATE and DELETE are granted
to nobody, and triggers refuse them). The ``audit`` capability (the auditor) is the
audit tools: the chain check and the audit log's screen and export."""

CAPABILITY_INSERTS: dict[str, tuple[str, ...]] = {CLEARING: ("alert",)}
"""Tables a capability may only INSERT into: the feed process (clearing) raises the
book's alerts, which only a risk officer acknowledges (UPDATE)."""

AUDIT_TABLE = "audit_log"


def needed_capability(action: str) -> str:
    """The capability the write-door ``action`` needs (``ACTION_CAPABILITY``)."""
    return next((cap for prefix, cap in ACTION_CAPABILITY if action.startswith(prefix)), OWNER)


def allowed_roles(action: str) -> tuple[str, ...]:
    """The desk roles that may run the write-door ``action`` (none: the owner only)."""
    cap = needed_capability(action)
    return tuple(r for r in ROLES if cap in ROLE_CAPABILITIES[r])


def pg_role(role: str) -> str:
    """The PostgreSQL group role of a desk ``role`` (ValueError for an unknown one)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    return ROLE_PREFIX + role


@dataclass(frozen=True)
class Identity:
    """Who is at this desk: the login ``user`` and its desk ``roles``.

    ``server``: a PostgreSQL book in server mode (``riskdesk server init`` ran), where
    the user is the database login; otherwise the single desk (SQLite, or PostgreSQL
    without roles), where the user is the OS user and may do everything. ``owner``: the
    login owns the schema (the administrator who ran ``server init``).
    """

    user: str
    roles: tuple[str, ...] = ()
    server: bool = False
    owner: bool = False

    @property
    def capabilities(self) -> frozenset[str]:
        caps: set[str] = set()
        for role in self.roles:
            caps |= ROLE_CAPABILITIES.get(role, frozenset())
        return frozenset(caps)

    @property
    def role(self) -> str:
        """The role shown beside the user: ``owner``, ``single_desk``, the most specific
        desk role held (last in ``ROLES``), or ``none`` for a login in no desk role."""
        if not self.server:
            return "single_desk"
        if self.owner:
            return "owner"
        held = [r for r in ROLES if r in self.roles]
        return held[-1] if held else "none"

    def may(self, action: str) -> bool:
        """Whether this desk may run the write-door ``action``."""
        if not self.server or self.owner:
            return True
        return needed_capability(action) in self.capabilities

    def refusal(self, action: str, doing: str) -> str:
        """One line saying why ``doing`` (the write of ``action``) is refused here."""
        allowed = [ROLE_TITLES[r] for r in allowed_roles(action)]
        who = ", ".join(allowed) if allowed else "the administrator"
        return (
            f"{self.user} ({ROLE_TITLES.get(self.role, self.role)}) may not run {doing}: "
            f"it needs the role {who}; nothing was written"
        )

    @property
    def label(self) -> str:
        """``user · role`` for a status bar."""
        return f"{self.user} · {ROLE_TITLES.get(self.role, self.role)}"


def single_desk(user: str) -> Identity:
    """The identity of a single-desk book: the OS user, every right."""
    return Identity(user=user)
