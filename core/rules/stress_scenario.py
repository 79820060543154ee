"""Stress scenarios: what each day of a "what if" does to prices, margins and funds.

A scenario is a list of trading days. Each day moves settlement prices per product or
contract (ticks, percent, or the limit price, which also sets the day's limit-lock
flag: spec 2.b, 2.e), changes margin rates (points on top of the rules' rate, or an
exchange notice of a new rate) and may add deposits of clients or of the member. The
chained run (``core.rules.stress_run``) turns it into settlements, risk levels, forced
reductions and forced liquidations with the rules' own functions.

Scenarios are kept as TOML (``resources/scenarios/*.toml``, the starter library) and
in the database (table ``stress_scenario``, the same TOML text). The format::

    name = "m: three limit-down days"           # unique key (≤ 80 characters)
    title_zh = "豆粕连续三个跌停"                # optional: the Chinese name
    description = "..."
    replay_stored = false    # days that already happened: replay their stored data
    reduction_orders = "losing_side"   # or "stored" (closing orders of the database)
    apply_reduction = true   # the D3 reduction enters D3's settlement (spec 2.e)

    [[day]]
    date = 2026-11-18        # optional; all days dated or none (then: the trading
                             # days after the base day)
    price = [{ product = "m", move = "limit_down" },
             { contract = "m2701", move = "-3%" },
             { all = true, move = "-20 ticks" }]
    margin = [{ all = true, change = "+5" },         # points above the rules' rate
              { product = "i", change = "15%" }]     # a notice: 15 % from this day on
    deposit = [{ client = "10000001", amount = "1000000.00" },
               { member = "0101", amount = "5000000.00" }]

or, instead of ``[[day]]`` tables, days taken from the book's stored history (the
settlement-price moves and limit-lock flags of those contracts, as they happened;
resolved by ``core.services.stress_library.resolve``)::

    [history]
    contracts = ["m2701"]
    first_day = 2026-11-18
    days = 3

A price move is ``limit_down``, ``limit_up`` (跌停 / 涨停), ``<±n> ticks`` or
``<±x>%`` of the prior settlement (rounded to the nearest tick, half up, kept inside
the day's limits). A contract move wins over its product's, a product's over ``all``.
Every problem is an ``InputError`` naming the scenario, the day and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from core.errors import InputError
from core.money import fen_to_str, parse_yuan
from core.resources import resource

MoveKind = Literal["limit_down", "limit_up", "ticks", "percent"]
TargetKind = Literal["all", "product", "contract"]
OrdersSource = Literal["losing_side", "stored"]
ORDERS_SOURCES: tuple[OrdersSource, ...] = ("losing_side", "stored")
MAX_NAME = 80
MAX_DAYS = 60
LIBRARY_FOLDER = "scenarios"

_TICKS = re.compile(r"^([+-]?\d+)\s*(ticks?|t|跳)$", re.IGNORECASE)
_PERCENT = re.compile(r"^([+-]?\d+(\.\d+)?)\s*%$")
_POINTS = re.compile(r"^\+\s*(\d+(\.\d+)?)\s*(points?|pp|个百分点)?$", re.IGNORECASE)
_CODE = re.compile(r"^[a-z]{1,2}\d{3,4}$")
_LIMIT_WORDS = {
    "limit_down": "limit_down",
    "limit down": "limit_down",
    "跌停": "limit_down",
    "limit_up": "limit_up",
    "limit up": "limit_up",
    "涨停": "limit_up",
}


@dataclass(frozen=True)
class Target:
    """What a move or margin change applies to: every product, one product or one
    contract (codes as in the contract table: ``m``, ``m2701``)."""

    kind: TargetKind
    code: str = ""

    def text(self) -> str:
        return "*" if self.kind == "all" else self.code

    def covers(self, product: str, contract: str) -> bool:
        if self.kind == "all":
            return True
        return self.code == (product if self.kind == "product" else contract)

    @property
    def rank(self) -> int:
        """Precedence: contract over product over all."""
        return {"all": 0, "product": 1, "contract": 2}[self.kind]


@dataclass(frozen=True)
class PriceMove:
    """A settlement-price move of one day: ``ticks`` or ``percent`` (exact decimal,
    −3.5 = −3.5 %) from the prior settlement, or to a limit price (sets the lock)."""

    target: Target
    kind: MoveKind
    ticks: int = 0
    percent: Decimal = Decimal(0)

    @property
    def locks(self) -> str | None:
        """The lock direction a limit move sets (spec 2.e: 单边市), else None."""
        return self.kind if self.kind in ("limit_down", "limit_up") else None

    def text(self) -> str:
        if self.kind == "ticks":
            return f"{self.ticks:+d} ticks"
        if self.kind == "percent":
            return f"{_plain(self.percent, signed=True)}%"
        return self.kind


@dataclass(frozen=True)
class MarginChange:
    """A margin-rate change from this day's settlement on.

    ``points`` (> 0): every rate the rules give (spec 2.b: period step, lock step,
    notices) is raised by that many percentage points, to the end of the scenario.
    ``rate``: an exchange notice of that rate (a fraction) from this day on; the rules'
    highest-standard-wins still applies (it cannot lower a rate).
    """

    target: Target
    points: Decimal | None = None
    rate: Decimal | None = None

    @property
    def points_ppm(self) -> int:
        return int((self.points or Decimal(0)) * 10_000)

    @property
    def rate_ppm(self) -> int:
        return int((self.rate or Decimal(0)) * 1_000_000)

    def text(self) -> str:
        if self.points is not None:
            return f"+{_plain(self.points)}"
        assert self.rate is not None
        return f"{_plain(self.rate * 100)}%"


@dataclass(frozen=True)
class Deposit:
    """Money paid in on this day: by a client (to its account) or by a member (to its
    settlement reserve at the exchange)."""

    account: str
    amount_fen: int
    member: bool = False


@dataclass(frozen=True)
class ScenarioDay:
    """One trading day of a scenario; ``date`` only in a dated scenario."""

    moves: tuple[PriceMove, ...] = ()
    margins: tuple[MarginChange, ...] = ()
    deposits: tuple[Deposit, ...] = ()
    date: date | None = None

    def move_for(self, product: str, contract: str) -> PriceMove | None:
        """The move that applies to a contract (contract over product over all)."""
        best: PriceMove | None = None
        for m in self.moves:
            if m.target.covers(product, contract) and (
                best is None or m.target.rank >= best.target.rank
            ):
                best = m
        return best


@dataclass(frozen=True)
class HistorySpec:
    """A scenario derived from the book's stored history: the settlement-price moves
    (and limit-lock flags) of ``contracts`` on the ``days`` trading days from
    ``first_day`` on, as they happened (``core.services.stress_library.resolve``)."""

    contracts: tuple[str, ...]
    first_day: date
    days: int


@dataclass(frozen=True)
class Scenario:
    """A named list of days (module docstring)."""

    name: str
    days: tuple[ScenarioDay, ...]
    description: str = ""
    title_zh: str = ""
    replay_stored: bool = False
    reduction_orders: OrdersSource = "losing_side"
    apply_reduction: bool = True
    history: HistorySpec | None = None
    """Days derived from stored history (``[history]``); ``days`` is empty until the
    book resolves them."""
    source: str = field(default="", compare=False)
    """Where it was read from (a file, "database"); not part of the scenario."""

    @property
    def day_count(self) -> int:
        """Its days, or the stored days a history scenario will take."""
        return len(self.days) or (self.history.days if self.history else 0)

    @property
    def is_dated(self) -> bool:
        return bool(self.days) and self.days[0].date is not None

    def title(self, lang: str) -> str:
        """The name to show: the Chinese title in Chinese when there is one."""
        return self.title_zh if lang == "zh" and self.title_zh else self.name

    def codes(self) -> set[str]:
        """Every product and contract code the scenario names."""
        out: set[str] = set()
        for d in self.days:
            for t in (*(m.target for m in d.moves), *(m.target for m in d.margins)):
                if t.kind != "all":
                    out.add(t.code)
        return out


# ============================================================================ parsing
def _plain(value: Decimal, *, signed: bool = False) -> str:
    text = format(value.normalize(), "f")
    if signed and not text.startswith("-"):
        text = "+" + text
    return text


def parse_move(text: str, target: Target, where: str) -> PriceMove:
    """A price move from its text (module docstring); InputError naming ``where``."""
    raw = text.strip()
    limit = _LIMIT_WORDS.get(raw.lower())
    if limit is not None:
        return PriceMove(target, limit)  # type: ignore[arg-type]
    m = _TICKS.match(raw)
    if m:
        return PriceMove(target, "ticks", ticks=int(m.group(1)))
    m = _PERCENT.match(raw)
    if m:
        pct = Decimal(m.group(1))
        if pct <= -100:
            raise InputError(f"{raw!r}: a price cannot fall by 100 % or more", field=where)
        return PriceMove(target, "percent", percent=pct)
    raise InputError(
        f"{raw!r} is not a price move; write limit_down, limit_up, '-20 ticks' or '-3%'",
        field=where,
    )


def parse_margin(text: str, target: Target, where: str) -> MarginChange:
    """A margin change: ``+5`` (points above the rules' rate) or ``15%`` (a notice)."""
    raw = text.strip()
    m = _POINTS.match(raw)
    if m:
        points = Decimal(m.group(1))
        if points <= 0 or points > 100 or points * 10_000 != int(points * 10_000):
            raise InputError(
                f"{raw!r}: points must be above 0 and at most 100, in hundredths of a point",
                field=where,
            )
        return MarginChange(target, points=points)
    m = _PERCENT.match(raw)
    if m and not raw.startswith(("+", "-")):
        rate = Decimal(m.group(1)) / 100
        if not 0 < rate <= 1 or rate * 1_000_000 != int(rate * 1_000_000):
            raise InputError(f"{raw!r}: a margin rate must be in (0 %, 100 %]", field=where)
        return MarginChange(target, rate=rate)
    raise InputError(
        f"{raw!r} is not a margin change; write '+5' (points above the rules' rate) or "
        "'15%' (a new rate); a change can only raise a rate",
        field=where,
    )


def parse_amount(value: object, where: str) -> int:
    """A positive amount in yuan (text "1000000.00" or a whole number) as fen."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(f"expected an amount in yuan, got {value!r}", field=where)
    try:
        fen = parse_yuan(str(value).replace(",", ""))
    except ValueError:
        raise InputError(
            f"{value!r} is not an amount in yuan with at most two decimals", field=where
        ) from None
    if fen <= 0:
        raise InputError(f"a deposit must be positive, got {fen_to_str(fen)}", field=where)
    return fen


def target_of(code: str, where: str) -> Target:
    """A target from its text: ``*`` (or ``all``), a product code or a contract code."""
    raw = code.strip()
    if raw in ("*", "all", "全部"):
        return Target("all")
    if re.fullmatch(r"[a-z]{1,2}", raw):
        return Target("product", raw)
    if re.fullmatch(r"[a-z]{1,2}\d{3,4}", raw):
        return Target("contract", raw)
    raise InputError(
        f"{raw!r} is neither '*', a product code (m) nor a contract code (m2701)", field=where
    )


def _target(entry: Mapping[str, Any], where: str) -> Target:
    keys = [k for k in ("all", "product", "contract") if k in entry]
    if len(keys) != 1:
        raise InputError("name exactly one of all, product, contract", field=where)
    key = keys[0]
    value = entry[key]
    if key == "all":
        if value is not True:
            raise InputError("all must be true", field=f"{where}.all")
        return Target("all")
    if not isinstance(value, str):
        raise InputError(f"expected a code, got {value!r}", field=f"{where}.{key}")
    target = target_of(value, f"{where}.{key}")
    if target.kind != key:
        raise InputError(f"{value!r} is not a {key} code", field=f"{where}.{key}")
    return target


def _entries(day: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    raw = day.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise InputError("expected a list of tables", field=f"{where}.{key}")
    return raw


def _day(raw: object, i: int, source: str) -> ScenarioDay:
    where = f"day {i}"
    if not isinstance(raw, dict):
        raise InputError("expected a table", source=source, field=where)
    unknown = set(raw) - {"date", "price", "margin", "deposit"}
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(sorted(unknown))}; expected date, price, margin, deposit",
            source=source,
            field=where,
        )
    try:
        moves = []
        for j, e in enumerate(_entries(raw, "price", where), start=1):
            w = f"{where}.price[{j}]"
            move = e.get("move")
            if not isinstance(move, str):
                raise InputError(f"expected a move text, got {move!r}", field=f"{w}.move")
            moves.append(parse_move(move, _target(e, w), f"{w}.move"))
        margins = []
        for j, e in enumerate(_entries(raw, "margin", where), start=1):
            w = f"{where}.margin[{j}]"
            change = e.get("change")
            if not isinstance(change, str):
                raise InputError(f"expected a change text, got {change!r}", field=f"{w}.change")
            margins.append(parse_margin(change, _target(e, w), f"{w}.change"))
        deposits = []
        for j, e in enumerate(_entries(raw, "deposit", where), start=1):
            w = f"{where}.deposit[{j}]"
            who = [k for k in ("client", "member") if k in e]
            if len(who) != 1 or not isinstance(e[who[0]], str) or not e[who[0]].strip():
                raise InputError("name exactly one client or member code", field=w)
            amount = parse_amount(e.get("amount"), f"{w}.amount")
            deposits.append(Deposit(e[who[0]].strip(), amount, who[0] == "member"))
        for targets, what in (
            ([m.target for m in moves], "price"),
            ([m.target for m in margins], "margin"),
        ):
            seen: set[Target] = set()
            for t in targets:
                if t in seen:
                    raise InputError(f"{t.text()} is named twice", field=f"{where}.{what}")
                seen.add(t)
        when = raw.get("date")
        if when is not None and (not isinstance(when, date) or isinstance(when, datetime)):
            raise InputError(f"expected a date (2026-11-23), got {when!r}", field=f"{where}.date")
    except InputError as exc:
        raise InputError(exc.message, source=source, field=exc.field) from None
    return ScenarioDay(tuple(moves), tuple(margins), tuple(deposits), when)


def _history(raw: object, src: str) -> HistorySpec | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InputError("expected a table", source=src, field="history")
    unknown = set(raw) - {"contracts", "first_day", "days"}
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(sorted(unknown))}; expected contracts, first_day, days",
            source=src,
            field="history",
        )
    codes = raw.get("contracts")
    if (
        not isinstance(codes, list)
        or not codes
        or not all(isinstance(c, str) and _CODE.match(c) for c in codes)
        or len(set(codes)) != len(codes)
    ):
        raise InputError(
            "expected a list of distinct contract codes (m2701)",
            source=src,
            field="history.contracts",
        )
    first = raw.get("first_day")
    if not isinstance(first, date) or isinstance(first, datetime):
        raise InputError(
            f"expected a date (2026-11-18), got {first!r}", source=src, field="history.first_day"
        )
    n = raw.get("days")
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_DAYS:
        raise InputError(f"expected 1 to {MAX_DAYS} days", source=src, field="history.days")
    return HistorySpec(tuple(codes), first, n)


def scenario_from_dict(data: Mapping[str, Any], source: str = "") -> Scenario:
    """Build and check a scenario from parsed TOML; InputError naming the field."""
    src = source or "scenario"
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME:
        raise InputError(f"expected a name of 1 to {MAX_NAME} characters", source=src, field="name")
    name = name.strip()
    src = source or f"scenario {name!r}"
    known = {
        "name",
        "title_zh",
        "description",
        "replay_stored",
        "reduction_orders",
        "apply_reduction",
        "day",
        "history",
    }
    unknown = set(data) - known
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(sorted(unknown))}", source=src, field="")
    for key in ("title_zh", "description"):
        if not isinstance(data.get(key, ""), str):
            raise InputError("expected text", source=src, field=key)
    for key in ("replay_stored", "apply_reduction"):
        if not isinstance(data.get(key, False), bool):
            raise InputError("expected true or false", source=src, field=key)
    orders = data.get("reduction_orders", "losing_side")
    if orders not in ORDERS_SOURCES:
        raise InputError(
            f"expected one of {', '.join(ORDERS_SOURCES)}, got {orders!r}",
            source=src,
            field="reduction_orders",
        )
    history = _history(data.get("history"), src)
    if history is not None:
        if "day" in data:
            raise InputError(
                "a [history] scenario takes its days from the book: remove the [[day]] tables",
                source=src,
                field="day",
            )
        return Scenario(
            name=name,
            days=(),
            description=str(data.get("description", "")).strip(),
            title_zh=str(data.get("title_zh", "")).strip(),
            reduction_orders=orders,
            apply_reduction=bool(data.get("apply_reduction", True)),
            history=history,
            source=source,
        )
    raw_days = data.get("day")
    if not isinstance(raw_days, list) or not raw_days:
        raise InputError("a scenario needs at least one [[day]]", source=src, field="day")
    if len(raw_days) > MAX_DAYS:
        raise InputError(f"at most {MAX_DAYS} days", source=src, field="day")
    days = tuple(_day(d, i, src) for i, d in enumerate(raw_days, start=1))
    dated = [d.date is not None for d in days]
    if any(dated) and not all(dated):
        raise InputError("date every day or none", source=src, field="day.date")
    if all(dated):
        for i in range(1, len(days)):
            a, b = days[i - 1].date, days[i].date
            assert a is not None
            assert b is not None
            if b <= a:
                raise InputError(f"{b} does not follow {a}", source=src, field=f"day {i + 1}.date")
    return Scenario(
        name=name,
        days=days,
        description=str(data.get("description", "")).strip(),
        title_zh=str(data.get("title_zh", "")).strip(),
        replay_stored=bool(data.get("replay_stored", False)),
        reduction_orders=orders,
        apply_reduction=bool(data.get("apply_reduction", True)),
        source=source,
    )


def parse_scenario(text: str, source: str = "") -> Scenario:
    """A scenario from TOML text; InputError naming the field (or the TOML error)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=source or "scenario") from None
    return scenario_from_dict(data, source)


def load_scenario(path: Path) -> Scenario:
    """A scenario file; InputError naming the file for a bad or unreadable one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
    return parse_scenario(text, str(path))


def library_scenarios(folder: Path | None = None) -> list[Scenario]:
    """The starter library (``resources/scenarios/*.toml``), in file-name order."""
    where = folder or resource(LIBRARY_FOLDER)
    return [load_scenario(p) for p in sorted(where.glob("*.toml"))]


# ============================================================================ writing
def _quote(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def _target_toml(t: Target) -> str:
    return "all = true" if t.kind == "all" else f"{t.kind} = {_quote(t.code)}"


def scenario_to_toml(s: Scenario) -> str:
    """The scenario as TOML text (``parse_scenario`` reads it back to an equal one)."""
    lines = [f"name = {_quote(s.name)}"]
    if s.title_zh:
        lines.append(f"title_zh = {_quote(s.title_zh)}")
    if s.description:
        lines.append(f"description = {_quote(s.description)}")
    lines.append(f"replay_stored = {'true' if s.replay_stored else 'false'}")
    lines.append(f"reduction_orders = {_quote(s.reduction_orders)}")
    lines.append(f"apply_reduction = {'true' if s.apply_reduction else 'false'}")
    if s.history is not None:
        h = s.history
        lines.append("")
        lines.append("[history]")
        lines.append("contracts = [" + ", ".join(_quote(c) for c in h.contracts) + "]")
        lines.append(f"first_day = {h.first_day.isoformat()}")
        lines.append(f"days = {h.days}")
        return "\n".join(lines) + "\n"
    for d in s.days:
        lines.append("")
        lines.append("[[day]]")
        if d.date is not None:
            lines.append(f"date = {d.date.isoformat()}")
        if d.moves:
            items = [f"{{ {_target_toml(m.target)}, move = {_quote(m.text())} }}" for m in d.moves]
            lines.append("price = [" + ", ".join(items) + "]")
        if d.margins:
            items = [
                f"{{ {_target_toml(m.target)}, change = {_quote(m.text())} }}" for m in d.margins
            ]
            lines.append("margin = [" + ", ".join(items) + "]")
        if d.deposits:
            items = [
                f"{{ {'member' if x.member else 'client'} = {_quote(x.account)}, "
                f"amount = {_quote(fen_to_str(x.amount_fen))} }}"
                for x in d.deposits
            ]
            lines.append("deposit = [" + ", ".join(items) + "]")
    return "\n".join(lines) + "\n"


# ============================================================================ rows
ROW_FIELDS = ("day", "target", "price", "margin", "deposit")
"""The scenario editor's columns: one row per day and target (``scenario_from_rows``)."""


@dataclass(frozen=True)
class ScenarioRow:
    """One row of the scenario editor: on ``day`` (1-based), for ``target`` (``*``, a
    product or contract code; a client or member code for a deposit), a price move, a
    margin change and/or a deposit in yuan (each may be empty)."""

    day: str
    target: str
    price: str = ""
    margin: str = ""
    deposit: str = ""


def scenario_rows(s: Scenario) -> list[ScenarioRow]:
    """The scenario as editor rows (day order; moves and margins of one target share a
    row)."""
    rows: list[ScenarioRow] = []
    for i, d in enumerate(s.days, start=1):
        by_target: dict[str, dict[str, str]] = {}
        for m in d.moves:
            by_target.setdefault(m.target.text(), {})["price"] = m.text()
        for c in d.margins:
            by_target.setdefault(c.target.text(), {})["margin"] = c.text()
        for target, values in by_target.items():
            rows.append(
                ScenarioRow(str(i), target, values.get("price", ""), values.get("margin", ""))
            )
        for x in d.deposits:
            who = f"member:{x.account}" if x.member else x.account
            rows.append(ScenarioRow(str(i), who, deposit=fen_to_str(x.amount_fen)))
        if not d.moves and not d.margins and not d.deposits:
            rows.append(ScenarioRow(str(i), "*"))
    return rows


def scenario_from_rows(
    name: str,
    rows: Sequence[ScenarioRow],
    *,
    description: str = "",
    title_zh: str = "",
    template: Scenario | None = None,
) -> Scenario:
    """A scenario from editor rows; InputError naming the row and the column.

    Days are numbered 1, 2, … without gaps (a day with nothing on it: a row with only
    its day and ``*``). A deposit row's target is a client code or ``member:CODE``.
    ``template`` supplies the settings the editor does not show (replay, orders) and
    the dates of a dated scenario.
    """
    src = f"scenario {name.strip()!r}" if name.strip() else "scenario"
    if not name.strip():
        raise InputError("the scenario needs a name", source=src, field="name")
    if not rows:
        raise InputError("add at least one row", source=src)
    per_day: dict[int, dict[str, list[Any]]] = {}
    for r, row in enumerate(rows, start=1):

        def bad(message: str, column: str, r: int = r) -> InputError:
            return InputError(message, source=src, row=r, field=column)

        try:
            day = int(row.day.strip())
        except ValueError:
            raise bad(f"{row.day!r} is not a day number (1, 2, …)", "day") from None
        if not 1 <= day <= MAX_DAYS:
            raise bad(f"day must be 1 to {MAX_DAYS}", "day")
        slot = per_day.setdefault(day, {"moves": [], "margins": [], "deposits": []})
        target_text = row.target.strip()
        if not (row.price.strip() or row.margin.strip() or row.deposit.strip()):
            if target_text not in ("", "*", "all"):
                raise bad("give a price move, a margin change or a deposit", "price")
            continue
        if row.deposit.strip():
            if row.price.strip() or row.margin.strip():
                raise bad("a deposit goes on a row of its own (the client or member)", "deposit")
            member = target_text.startswith("member:")
            account = target_text.removeprefix("member:").strip()
            if not account:
                raise bad("name the client code or member:CODE that deposits", "target")
            try:
                amount = parse_amount(row.deposit.strip(), "deposit")
            except InputError as exc:
                raise bad(exc.message, "deposit") from None
            slot["deposits"].append(Deposit(account, amount, member))
            continue
        try:
            target = target_of(target_text, "target")
            if row.price.strip():
                slot["moves"].append(parse_move(row.price, target, "price"))
            if row.margin.strip():
                slot["margins"].append(parse_margin(row.margin, target, "margin"))
        except InputError as exc:
            raise bad(exc.message, exc.field) from None
    n_days = max(per_day)
    missing = [d for d in range(1, n_days + 1) if d not in per_day]
    if missing:
        raise InputError(
            f"day {missing[0]} has no row (days run 1 to {n_days} without gaps)",
            source=src,
            field="day",
        )
    dates: list[date | None] = [None] * n_days
    if template is not None and template.is_dated and len(template.days) == n_days:
        dates = [d.date for d in template.days]
    days = []
    for i in range(1, n_days + 1):
        slot = per_day[i]
        for key, attr in (("moves", "price"), ("margins", "margin")):
            seen = [x.target for x in slot[key]]
            dup = next((t for t in seen if seen.count(t) > 1), None)
            if dup is not None:
                raise InputError(
                    f"{dup.text()} has two {attr} entries on day {i}", source=src, field=attr
                )
        days.append(
            ScenarioDay(
                tuple(slot["moves"]), tuple(slot["margins"]), tuple(slot["deposits"]), dates[i - 1]
            )
        )
    base = template or Scenario(name=name, days=())
    return Scenario(
        name=name.strip(),
        days=tuple(days),
        description=description.strip(),
        title_zh=title_zh.strip(),
        replay_stored=base.replay_stored,
        reduction_orders=base.reduction_orders,
        apply_reduction=base.apply_reduction,
        history=None,  # the rows are the days now, not a reference to stored history
    )


def decimal_or_none(text: str) -> Decimal | None:
    """``text`` as a Decimal, None when it is not a number."""
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None
