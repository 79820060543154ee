"""Field-by-field comparison of two sets of statements, with 0 fen tolerance.

``compare(counter, riskdesk)`` joins the two sides table by table (one vectorised
merge each, so 100,000 statements compare in seconds) and lists every difference with
both values and its size (counter − RiskDesk). Both sides are ``StatementFrames``:
the counter's as read (``core.reconcile.ctp_text``, ``cfmmc_xls``, ``member_csv``),
RiskDesk's from its stored settlement (``core.services.reconcile``). Nothing here
computes a figure: lines are summed per key (a counter prints one position line per
open date, RiskDesk one per contract, side and hedge flag) and averages are taken with
RiskDesk's rounding (half up to the fen) before they are compared. Causes are then
classified by ``core.reconcile.causes``.

Keys: account summary (client, day, field); positions (client, day, contract, side,
hedge); closed lines (client, day, contract, side, hedge, opened today, close price);
trades (client, day, trade number); deposits (client, day, day booked, kind).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from core.reconcile.statements import MEMBER_PREFIX, UNKNOWN, StatementFrames
from core.rules.exchange_margin import charged_margin, margin_rule

SECTIONS = ("statement", "summary", "positions", "closed", "trades", "deposits", "member")
"""Where a difference is, in the order a report lists them."""

DIFF_COLUMNS = (
    "day",
    "client",
    "section",
    "key",
    "field",
    "unit",
    "counter",
    "riskdesk",
    "difference",
    "cause",
    "cause_detail",
)
"""Columns of ``Reconciliation.differences``. ``counter`` / ``riskdesk`` are the two
values (None where that side has no such line), ``difference`` counter − RiskDesk
(None when one is missing or the field is not a number); ``unit``: fen, lots, milli
(prices: thousandths of a yuan, as counters print them; kept exact, never a float),
bp (risk degree), code, text."""

SIDE_NAME = {0: "long", 1: "short"}
ACTION_NAME = {0: "open", 1: "close", 2: "deliver"}


@dataclass(frozen=True)
class DaySummary:
    """One day's outcome: statements matched, differing, only on one side; lines."""

    day: date
    statements_counter: int
    statements_riskdesk: int
    matched: int
    differing: int
    only_counter: int
    only_riskdesk: int
    differences: int
    by_section: dict[str, int] = field(default_factory=dict)

    @property
    def compared(self) -> int:
        return self.matched + self.differing


@dataclass(frozen=True)
class Reconciliation:
    """Every difference of a run and the per-day summary (money in fen)."""

    differences: pd.DataFrame
    days: tuple[DaySummary, ...]
    warnings: tuple[str, ...] = ()

    @property
    def total_differences(self) -> int:
        return len(self.differences)

    def summary_line(self) -> str:
        m = sum(d.matched for d in self.days)
        dif = sum(d.differing for d in self.days)
        oc = sum(d.only_counter for d in self.days)
        orr = sum(d.only_riskdesk for d in self.days)
        return (
            f"{len(self.days)} day(s): {m:,} statements matched, {dif:,} differing, "
            f"{oc:,} only in the files, {orr:,} only in RiskDesk; "
            f"{self.total_differences:,} differences"
        )


def _empty_diffs() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in DIFF_COLUMNS})


def _frame(
    merged: pd.DataFrame,
    section: str,
    key: pd.Series,
    field_name: str,
    unit: str,
    counter: pd.Series,
    riskdesk: pd.Series,
    mask: pd.Series,
) -> pd.DataFrame:
    if not mask.any():
        return _empty_diffs()
    c = counter[mask]
    r = riskdesk[mask]
    numeric = unit not in ("code", "text")
    if numeric:
        diff = pd.Series(
            [
                None if (a is None or b is None or pd.isna(a) or pd.isna(b)) else int(a) - int(b)
                for a, b in zip(c.tolist(), r.tolist(), strict=True)
            ],
            index=c.index,
            dtype=object,
        )
    else:
        diff = pd.Series([None] * int(mask.sum()), index=c.index, dtype=object)
    return pd.DataFrame(
        {
            "day": merged.loc[mask, "day"],
            "client": merged.loc[mask, "client"],
            "section": section,
            "key": key[mask],
            "field": field_name,
            "unit": unit,
            "counter": [_py(v) for v in c.tolist()],
            "riskdesk": [_py(v) for v in r.tolist()],
            "difference": diff,
            "cause": "",
            "cause_detail": "",
        }
    )


def _py(v: object) -> object:
    if v is None:
        return None
    try:
        if pd.isna(v):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return int(v)  # an int column an outer join turned into floats (its NaN rows)
    return v


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    """Both present and unequal, or present on one side only."""
    na, nb = a.isna(), b.isna()
    both = ~na & ~nb
    out = (na != nb).copy()
    out[both] = a[both].astype(object).to_numpy() != b[both].astype(object).to_numpy()
    return out


# --------------------------------------------------------------------- tables
def _summary(c: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
    keys = ["client", "day", "field"]
    m = c.merge(r, on=keys, how="inner", suffixes=("_c", "_r"))
    mask = m["value_c"] != m["value_r"]
    if not mask.any():
        return _empty_diffs()
    parts = []
    for fld, rows in m[mask].groupby("field", sort=False):
        unit = "bp" if fld == "risk_ratio_bp" else "fen"
        parts.append(
            _frame(
                rows,
                "summary",
                pd.Series(str(fld), index=rows.index),
                str(fld),
                unit,
                rows["value_c"],
                rows["value_r"],
                pd.Series(True, index=rows.index),
            )
        )
    return pd.concat(parts, ignore_index=True)


def _half_up_avg(cost_milli: pd.Series, lots: pd.Series) -> pd.Series:
    """Average open price in fen, half up (RiskDesk's rounding of averages)."""
    num = cost_milli.astype("Int64")
    den = lots.astype("Int64") * 10
    ok = (den > 0) & (num >= 0)
    out = pd.Series(pd.NA, index=cost_milli.index, dtype="Int64")
    n, d = num[ok], den[ok]
    out[ok] = (2 * n + d) // (2 * d)
    return out


def _key_text(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    parts = []
    for col in cols:
        s = df[col]
        if col == "side":
            s = s.map(SIDE_NAME)
        elif col == "hedge":
            s = s.map({True: "hedge", False: "spec"})
        elif col == "today":
            s = s.map({True: "opened today", False: "carried"})
        elif col.endswith("_milli"):
            s = s.map(lambda v: f"@{int(v) // 1000}.{int(v) % 1000:03d}")
        parts.append(s.astype(str))
    out = parts[0]
    for p in parts[1:]:
        out = out + " " + p
    return out


def _positions(c: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
    keys = ["client", "day", "contract", "side", "hedge"]
    agg = {
        "lots": "sum",
        "open_cost_milli": "sum",
        "prev_settle_milli": "first",
        "settle_milli": "first",
        "mtm_fen": "sum",
        "margin_fen": "sum",
        "exchange": "first",
        "mtm_unknown": "any",
        "margin_unknown": "any",
    }
    c = _with_unknown(c)
    cg = c.groupby(keys, as_index=False, sort=False).agg(agg) if len(c) else c
    for col in ("mtm_fen", "margin_fen"):
        cg[col] = cg[col].astype("Int64")
        cg.loc[cg[col.replace("_fen", "_unknown")], col] = pd.NA  # not printed: not compared
    m = cg.merge(r, on=keys, how="outer", suffixes=("_c", "_r"), indicator=True)
    key = _key_text(m, ["contract", "side", "hedge"])
    parts = [_only(m, "positions", key, "lots", "lots")]
    both = m["_merge"] == "both"
    avg_c = _half_up_avg(m["open_cost_milli_c"].fillna(-1), m["lots_c"].fillna(0))
    avg_r = _half_up_avg(m["open_cost_milli_r"].fillna(-1), m["lots_r"].fillna(0))
    for fld, unit, a, b in (
        ("lots", "lots", m["lots_c"], m["lots_r"]),
        ("open_price", "fen", avg_c, avg_r),
        ("prev_settle", "milli", m["prev_settle_milli_c"], m["prev_settle_milli_r"]),
        ("settle", "milli", m["settle_milli_c"], m["settle_milli_r"]),
        ("position_pnl", "fen", m["mtm_fen_c"], m["mtm_fen_r"]),
        ("margin", "fen", m["margin_fen_c"], m["margin_fen_r"]),
    ):
        a, b = a.astype("Int64"), b.astype("Int64")
        mask = both & a.notna() & b.notna() & (a != b).fillna(False)
        parts.append(_frame(m, "positions", key, fld, unit, a, b, mask))
    return pd.concat(parts, ignore_index=True)


def _with_unknown(c: pd.DataFrame) -> pd.DataFrame:
    """Position lines with flags for the figures not printed (``UNKNOWN``), those set to 0
    so that they never enter a sum."""
    mtm_unknown = c["mtm_fen"] == UNKNOWN
    margin_unknown = c["margin_fen"] == UNKNOWN
    return c.assign(
        mtm_fen=c["mtm_fen"].where(~mtm_unknown, 0),
        margin_fen=c["margin_fen"].where(~margin_unknown, 0),
        mtm_unknown=mtm_unknown,
        margin_unknown=margin_unknown,
    )


def _contract_margins(c_pos: pd.DataFrame, c_con: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
    """Margins per contract and flag where the counter prints no line margin, only the
    contract's (持仓汇总: both sides together, e.g. a CFMMC statement holding both sides
    of a contract), against RiskDesk's line margins charged under that exchange's rule
    (``core.rules.exchange_margin``)."""
    keys = ["client", "day", "contract", "hedge"]
    if not len(c_con) or not len(c_pos) or not len(r):
        return _empty_diffs()
    blind = c_pos.loc[c_pos["margin_fen"] == UNKNOWN, keys].drop_duplicates()
    if not len(blind):
        return _empty_diffs()
    con = (
        c_con.groupby(keys, as_index=False, sort=False)
        .agg(
            exchange=("exchange", "first"),
            long_lots=("long_lots", "sum"),
            short_lots=("short_lots", "sum"),
            margin_fen=("margin_fen", "sum"),
        )
        .merge(blind, on=keys)
    )
    sides = r.groupby([*keys, "side"], sort=False)["margin_fen"].sum().unstack(fill_value=0)
    sides = sides.reindex(columns=[0, 1], fill_value=0).reset_index()
    m = con.merge(sides, on=keys, how="inner")
    if not len(m):
        return _empty_diffs()
    charged = [
        int(charged_margin(lo, sh, margin_rule(str(ex)))[()])
        for lo, sh, ex in zip(m[0].tolist(), m[1].tolist(), m["exchange"].tolist(), strict=True)
    ]
    riskdesk = pd.Series(charged, index=m.index, dtype="int64")
    held = np.where(
        (m["long_lots"] > 0) & (m["short_lots"] > 0),
        "long+short",
        np.where(m["long_lots"] > 0, "long", "short"),
    )
    flag = m["hedge"].map({True: "hedge", False: "spec"})
    key = m["contract"].astype(str) + " " + held + " " + flag
    mask = m["margin_fen"] != riskdesk
    return _frame(m, "positions", key, "margin", "fen", m["margin_fen"], riskdesk, mask)


def _only(m: pd.DataFrame, section: str, key: pd.Series, fld: str, unit: str) -> pd.DataFrame:
    """Lines present on one side only: the line's ``fld`` there, None on the other."""
    parts = []
    for which, col_c, col_r in (
        ("left_only", f"{fld}_c", None),
        ("right_only", None, f"{fld}_r"),
    ):
        mask = m["_merge"] == which
        if not mask.any():
            continue
        none = pd.Series([None] * len(m), index=m.index, dtype=object)
        c = m[col_c] if col_c else none
        r = m[col_r] if col_r else none
        parts.append(_frame(m, section, key, fld, unit, c, r, mask))
    return pd.concat(parts, ignore_index=True) if parts else _empty_diffs()


def _closed(c: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
    keys = ["client", "day", "contract", "side", "hedge", "today", "close_milli"]
    agg = {"lots": "sum", "pnl_fen": "sum"}
    cg = c.groupby(keys, as_index=False, sort=False).agg(agg) if len(c) else c[keys + list(agg)]
    rg = r.groupby(keys, as_index=False, sort=False).agg(agg) if len(r) else r[keys + list(agg)]
    m = cg.merge(rg, on=keys, how="outer", suffixes=("_c", "_r"), indicator=True)
    key = _key_text(m, ["contract", "side", "hedge", "today", "close_milli"])
    parts = [_only(m, "closed", key, "lots", "lots")]
    both = m["_merge"] == "both"
    for fld, unit, a, b in (
        ("lots", "lots", m["lots_c"], m["lots_r"]),
        ("close_pnl", "fen", m["pnl_fen_c"], m["pnl_fen_r"]),
    ):
        mask = both & (a != b)
        parts.append(_frame(m, "closed", key, fld, unit, a, b, mask))
    return pd.concat(parts, ignore_index=True)


def _trades(c: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
    keys = ["client", "day", "trade_no"]
    m = c.merge(r, on=keys, how="outer", suffixes=("_c", "_r"), indicator=True)
    key = m["trade_no"].astype(str)
    parts = [_only(m, "trades", key, "lots", "lots")]
    both = m["_merge"] == "both"
    for fld, unit, col in (
        ("contract", "text", "contract"),
        ("side", "code", "side"),
        ("action", "code", "action"),
        ("hedge", "code", "hedge"),
        ("price", "milli", "price_milli"),
        ("lots", "lots", "lots"),
        ("fee", "fen", "fee_fen"),
        ("close_pnl", "fen", "pnl_fen"),
    ):
        a, b = m[f"{col}_c"], m[f"{col}_r"]
        if col == "side":
            a, b = a.map(SIDE_NAME), b.map(SIDE_NAME)
        elif col == "action":
            a, b = a.map(ACTION_NAME), b.map(ACTION_NAME)
        elif col == "hedge":
            a = a.map({True: "hedge", False: "spec"})
            b = b.map({True: "hedge", False: "spec"})
        mask = both & _differs(a, b)
        parts.append(_frame(m, "trades", key, fld, unit, a, b, mask))
    return pd.concat(parts, ignore_index=True)


def _deposits(c: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
    keys = ["client", "day", "on", "kind"]
    cg = (
        c.groupby(keys, as_index=False, sort=False)["amount_fen"].sum()
        if len(c)
        else c[[*keys, "amount_fen"]]
    )
    rg = (
        r.groupby(keys, as_index=False, sort=False)["amount_fen"].sum()
        if len(r)
        else r[[*keys, "amount_fen"]]
    )
    m = cg.merge(rg, on=keys, how="outer", suffixes=("_c", "_r"), indicator=True)
    key = m["on"].map(lambda d: d.isoformat()) + " " + m["kind"].astype(str)
    parts = [_only(m, "deposits", key, "amount_fen", "fen")]
    both = m["_merge"] == "both"
    a, b = m["amount_fen_c"], m["amount_fen_r"]
    parts.append(_frame(m, "deposits", key, "amount_fen", "fen", a, b, both & (a != b)))
    out = pd.concat(parts, ignore_index=True)
    out["field"] = out["field"].replace("amount_fen", "amount")
    return out


def _members(c: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
    """A member's figures: account items both files print, and every line (contract, side,
    flag: lots and margin) on either side. ``client`` holds the member code, ``key`` the
    line (``c2701 long spec``), ``field`` the figure (``reserve``, ``lots``, ``margin``)."""
    keys = ["member", "day", "field"]
    m = c.merge(r, on=keys, how="outer", suffixes=("_c", "_r"), indicator=True)
    m = m.rename(columns={"member": "client"})
    split = m["field"].astype(str).str.split(":", n=1, expand=True)
    fld = split[0]
    line = split[1].fillna("") if split.shape[1] > 1 else pd.Series("", index=m.index)
    m = m.assign(figure=fld, line=line.str.replace(":", " ", regex=False))
    # an account item one file does not print is not compared; a line is
    m = m[(m["line"] != "") | (m["_merge"] == "both")]
    parts = []
    for (figure, is_line), g in m.groupby([m["figure"], m["line"] != ""], sort=False):
        unit = "lots" if figure == "lots" else "fen"
        key = g["line"] if is_line else pd.Series("", index=g.index)
        if is_line and figure == "lots":
            parts.append(
                _only(
                    g.rename(columns={"value_c": "lots_c", "value_r": "lots_r"}),
                    "member",
                    key,
                    "lots",
                    "lots",
                )
            )
        both = g["_merge"] == "both"
        mask = both & (g["value_c"] != g["value_r"])
        parts.append(_frame(g, "member", key, str(figure), unit, g["value_c"], g["value_r"], mask))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else _empty_diffs()


# --------------------------------------------------------------------- the run
def compare(counter: StatementFrames, riskdesk: StatementFrames) -> Reconciliation:
    """Every difference between the two sides, per table, and the per-day summary.

    Only statements present on both sides are compared line by line; a statement on
    one side only is one difference of section ``statement`` (``member`` for a member's
    statement, keyed ``member:<code>``: ``MEMBER_PREFIX``).
    """
    c_st = {(c, d) for c, d, _s in counter.statements}
    r_st = {(c, d) for c, d, _s in riskdesk.statements}
    both = c_st & r_st

    def keep(df: pd.DataFrame, who: str = "client", prefix: str = "") -> pd.DataFrame:
        if not len(df) or not both:
            return df.iloc[0:0]
        pairs = pd.MultiIndex.from_tuples(sorted(both), names=["client", "day"])
        codes = df[who].astype(str)
        idx = pd.MultiIndex.from_arrays([prefix + codes if prefix else codes, df["day"]])
        return df[idx.isin(pairs)]

    parts = [
        _summary(keep(counter["summary"]), keep(riskdesk["summary"])),
        _positions(keep(counter["positions"]), keep(riskdesk["positions"])),
        _contract_margins(
            keep(counter["positions"]), keep(counter["contracts"]), keep(riskdesk["positions"])
        ),
        _closed(keep(counter["closed"]), keep(riskdesk["closed"])),
        _trades(keep(counter["trades"]), keep(riskdesk["trades"])),
        _deposits(keep(counter["deposits"]), keep(riskdesk["deposits"])),
    ]
    c_mem = keep(counter["members"], "member", MEMBER_PREFIX)
    r_mem = keep(riskdesk["members"], "member", MEMBER_PREFIX)
    if len(c_mem) or len(r_mem):
        parts.append(_members(c_mem, r_mem))
    rows: list[tuple[object, ...]] = []
    for which, missing in ((0, sorted(c_st - r_st)), (1, sorted(r_st - c_st))):
        for client, day in missing:
            section, code = "statement", client
            if client.startswith(MEMBER_PREFIX):
                section, code = "member", client[len(MEMBER_PREFIX) :]
            shown = ("present", None) if which == 0 else (None, "present")
            rows.append((day, code, section, "", "statement", "text", *shown))
    if rows:
        only = pd.DataFrame(
            rows,
            columns=["day", "client", "section", "key", "field", "unit", "counter", "riskdesk"],
        )
        only["difference"] = None
        only["cause"] = ""
        only["cause_detail"] = ""
        parts.append(only)
    parts = [p for p in parts if len(p)]
    diffs = pd.concat(parts, ignore_index=True) if parts else _empty_diffs()
    return Reconciliation(diffs, _day_summaries(diffs, c_st, r_st))


def _day_summaries(
    diffs: pd.DataFrame, c_st: set[tuple[str, date]], r_st: set[tuple[str, date]]
) -> tuple[DaySummary, ...]:
    out = []
    days = sorted({d for _c, d in c_st | r_st})
    lined = diffs[diffs["field"] != "statement"] if len(diffs) else diffs
    for day in days:
        cs = {c for c, d in c_st if d == day}
        rs = {c for c, d in r_st if d == day}
        day_diffs = lined[lined["day"] == day] if len(lined) else lined
        # a member's rows hold its code; its statement is keyed member:<code>
        who = (
            [
                MEMBER_PREFIX + str(c) if s == "member" else str(c)
                for c, s in zip(
                    day_diffs["client"].tolist(), day_diffs["section"].tolist(), strict=True
                )
            ]
            if len(day_diffs)
            else []
        )
        differing = {c for c in who if c in cs and c in rs}
        all_day = diffs[diffs["day"] == day] if len(diffs) else diffs
        out.append(
            DaySummary(
                day=day,
                statements_counter=len(cs),
                statements_riskdesk=len(rs),
                matched=len(cs & rs) - len(differing),
                differing=len(differing),
                only_counter=len(cs - rs),
                only_riskdesk=len(rs - cs),
                differences=len(all_day),
                by_section=(
                    {str(k): int(v) for k, v in all_day["section"].value_counts().items()}
                    if len(all_day)
                    else {}
                ),
            )
        )
    return tuple(out)
